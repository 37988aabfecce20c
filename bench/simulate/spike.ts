import { batchWrite } from '#bench/load.ts';
import { newBooking } from '#core/booking.ts';
import { newClient } from '#core/client.ts';
import { localToUtc } from '#core/local-time.ts';
import { newSlot } from '#core/slot.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { LOCAL_AWS } from '#local/dynamodb-local.ts';
import { startLocal } from '#local/runtime.ts';
import { reminderTiers } from '#services/bookings.ts';
import { bookingItem } from '#store/bookings.ts';
import { createDocClient } from '#store/client.ts';
import { clientItem } from '#store/clients.ts';
import { clinicItem } from '#store/clinics.ts';
import { slotItem } from '#store/slots.ts';

const N = Number(process.argv[2] ?? 1000);
const config = loadTrustConfig('example');
const t0 = new Date('2026-10-05T06:00:00Z');
let t = Date.now();

import { execSync } from 'node:child_process';

const javaCpu = () => {
  try {
    const pid = execSync(`pgrep -P ${process.pid} java`).toString().trim();
    const f = execSync(`cat /proc/${pid}/stat`).toString().split(' ');
    return (Number(f[13]) + Number(f[14])) * 10;
  } catch {
    return 0;
  }
};
let cpu = process.cpuUsage();
let jc = 0;
const lap = (label: string, extra: unknown = '') => {
  const c = process.cpuUsage(cpu);
  const j = javaCpu();
  console.log(
    label,
    extra,
    'wall',
    Date.now() - t,
    'node',
    Math.round((c.user + c.system) / 1000),
    'java',
    j - jc,
  );
  t = Date.now();
  cpu = process.cpuUsage();
  jc = j;
};
const rt = await startLocal({ config, seed: false, frozenClock: true, startAt: t0 });
lap('start');
const db = createDocClient({ ...LOCAL_AWS, endpoint: process.env.DYNAMODB_ENDPOINT! });
const table = process.env.TABLE_NAME!;
const now = t0.toISOString();
const items: Record<string, unknown>[] = [
  clinicItem({ id: 'c1', name: 'Clinic', venue: 'Clinic', address: '', area: '', createdAt: now }),
];
for (let i = 0; i < N; i++) {
  const client = newClient(
    {
      firstName: 'Amy',
      familyName: 'X',
      phone: `+4477009${String(i).padStart(5, '0')}`,
      flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false },
    },
    { now, defaultLanguage: 'en', id: `cl${i}` },
  );
  const day = i % 2 ? '2026-10-07' : '2026-10-08';
  const slot = newSlot({
    clinicId: 'c1',
    type: 'clinic',
    startsAt: localToUtc(
      day,
      `${String(9 + (i % 8)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}`,
      config.timeZone,
    ),
    durationMinutes: 15,
    timeZone: config.timeZone,
    now,
    id: `s${i}`,
    status: 'BOOKED',
  });
  const bookedAt = '2026-09-20T10:00:00.000Z';
  const b = newBooking({
    slot,
    client,
    source: 'staff',
    by: 'sim',
    now: bookedAt,
    ref: String(1000 + (i % 9000)),
    id: `b${i}`,
    tiers: reminderTiers(
      { config },
      { startsAt: slot.startsAt, bookedAt, tiers: config.appointmentTypes.clinic!.tiers },
    ),
  });
  b.tiers.confirmation = { ...b.tiers.confirmation!, status: 'SKIPPED', skipReason: 'before' };
  items.push(clientItem(client), { ...slotItem({ ...slot, bookingId: b.id }) }, bookingItem(b));
}
await batchWrite(db, table, items);
lap('bulk', [items.length]);
await Promise.all([rt.poller.drain(), rt.metricsPoller.drain()]);
lap('drain after bulk');
const r = await rt.scheduler.advanceTo(new Date('2026-10-06T12:00:00Z'));
lap('advance', [r, 'texts', rt.outbox.entries.length]);
for (let i = 0; i < 50; i++) await rt.poller.drain();
lap('50 empty drains');
for (let i = 0; i < 50; i++) {
  const res = await fetch(`${rt.url}/health`);
  await res.text();
}
lap('50 GET health');
await rt.scheduler.advanceTo(new Date('2026-10-07T18:00:00Z'));
t = Date.now();
for (let i = 1; i < 101; i += 2) {
  const res = await fetch(`${rt.url}/bookings/b${i}/outcome`, {
    method: 'POST',
    body: JSON.stringify({ outcome: 'ATTENDED' }),
  });
  if (res.status !== 200) console.log(await res.text());
  else await res.text();
}
lap('50 POST outcome');
await rt.stop();
