/**
 * The staff family reads use two indexes (store/table.ts: `byClient` and `lookup`) instead of a Scan.
 * Clients are found by family name (lookup) and first name (byClient), bookings by reference (lookup)
 * and by child (byClient).
 * Each read is checked against what a whole-table Scan (the way these reads were done before) finds on
 * the same DynamoDB Local table: family search by name and by booking reference, a family's bookings
 * (siblings included), the year's misses, and the families to call. An erased family is found by
 * neither; an import that renames a child moves it in the name index.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mapCsv } from '#core/import-csv.ts';
import type { ImportBatch } from '#core/import-model.ts';
import type { Booking, Client, Clinic } from '#core/model.ts';
import { eraseClient } from '#services/erasure.ts';
import { familiesToCall, familyRecord, searchFamilies } from '#services/families.ts';
import { runImport } from '#services/import.ts';
import { createBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import {
  bookingsByRef,
  bookingsOfClients,
  clientsByName,
  foldName,
  missesOfClients,
} from '#store/family-search.ts';
import { aBookingFor, aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { scanEntity, seed } from './helpers.ts';

/** Monday 23 November 2026, 09:00 in London. */
const NOW = '2026-11-23T09:00:00.000Z';

let store: StoreContext;
let deps: TestDeps;
let clinic: Clinic;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, NOW);
  clinic = aClinic();
  await seed(store, { clinic });
});

/** The old name search: every client whose "first family" name contains every word of the query. */
async function scanByName(query: string): Promise<string[]> {
  const words = foldName(query).split(' ').filter(Boolean);
  return (await scanEntity(store, 'Client'))
    .filter((c) => words.every((w) => foldName(`${c.firstName} ${c.familyName}`).includes(w)))
    .map((c) => String(c.id))
    .sort();
}

const ids = (items: readonly { id: string }[]) => items.map((i) => i.id).sort();

let day = 0;
async function aBooking(
  client: Client,
  startsAt: string,
  overrides: Partial<Booking> = {},
): Promise<Booking> {
  day += 1;
  const slot = aSlotFor(clinic, { id: `slot-ix-${day}`, startsAt, localDay: startsAt.slice(0, 10) });
  await seed(store, { slots: [slot] });
  return createBooking(store, aBookingFor(slot, client, overrides));
}

async function aWorld() {
  const shared = '+447700900401';
  const zoe = aClient({ firstName: 'Zoë', familyName: 'Ångström', phone: shared });
  const max = aClient({ firstName: 'Max', familyName: 'Ångström', phone: shared });
  const oliver = aClient({ firstName: 'Oliver', familyName: "O'Neil-Smith", phone: '+447700900402' });
  const amelia = aClient({ firstName: 'Amelia', familyName: 'Smith', phone: '+447700900403' });
  const ameliaS = aClient({ firstName: 'Amelia', familyName: 'Smithson', phone: '+447700900404' });
  const ava = aClient({ firstName: 'Ava', familyName: '', phone: '+447700900405' });
  const gone = aClient({ firstName: 'Gone', familyName: 'Smith', phone: '+447700900406' });
  await seed(store, { clients: [zoe, max, oliver, amelia, ameliaS, ava, gone] });
  const bookings = {
    zoe: await aBooking(zoe, '2026-11-24T10:00:00.000Z', { ref: '4821' }),
    max: await aBooking(max, '2026-11-24T10:30:00.000Z', { ref: '4822' }),
    maxOld: await aBooking(max, '2026-05-04T10:00:00.000Z', { ref: '4821', status: 'DNA' }),
    maxOlder: await aBooking(max, '2026-02-02T10:00:00.000Z', { ref: '1111', status: 'WNB' }),
    maxTooOld: await aBooking(max, '2025-10-01T10:00:00.000Z', { ref: '1112', status: 'DNA' }),
    oliver: await aBooking(oliver, '2026-11-25T10:00:00.000Z', { ref: '4821', status: 'CANCELLED' }),
    gone: await aBooking(gone, '2026-11-24T11:00:00.000Z', { ref: '4821' }),
  };
  return { zoe, max, oliver, amelia, ameliaS, ava, gone, bookings };
}

describe('clients by name (lookup index)', () => {
  it('finds the same clients as a Scan by family or first name, in either order, ignoring accents and case', async () => {
    // Prepare
    const world = await aWorld();

    // Act and assess: every query that names the family (or a first name with no family) agrees.
    for (const q of [
      'angstrom',
      'ÅNGSTRÖM zoe',
      'zoe angstrom',
      'smith amelia',
      'smithson',
      'ava',
      'amelia',
      'zoë',
      'oliv',
    ]) {
      const found = ids(await clientsByName(store, q));
      expect(found, q).toEqual(await scanByName(q));
      expect(found.length, q).toBeGreaterThan(0);
    }
    // The one difference, documented: a double-barrelled family name is found by its first part only
    // (or by the first name).
    expect(ids(await clientsByName(store, 'smith'))).toEqual(
      (await scanByName('smith')).filter((id) => id !== world.oliver.id),
    );
    // Punctuation in a family name is folded away on both sides.
    expect((await clientsByName(store, 'oneil')).map((c) => c.firstName)).toEqual(['Oliver']);
    expect((await clientsByName(store, "o'neil-smith")).map((c) => c.firstName)).toEqual(['Oliver']);
  });

  it('stops at the limit, in family name then first name order', async () => {
    // Prepare
    await aWorld();

    // Act
    const two = await clientsByName(store, 'smith', 2);

    // Assess
    expect(two.map((c) => `${c.firstName} ${c.familyName}`)).toEqual(['Amelia Smith', 'Gone Smith']);
  });

  it('follows an import that renames a child, and drops an erased one', async () => {
    // Prepare
    const world = await aWorld();
    const header =
      'source_system,clinic_id,clinic_name,venue,patient_id,first_name,family_name,mobile,appointment_id,appointment_type,date,time,status';
    const row = (family: string) =>
      `systmone,${clinic.id},Riverside,Riverside,P9,Rosa,${family},07700 900499,A9,six-to-eight-week-review,2026-12-03,14:00,booked`;
    const importNamed = async (family: string) => {
      const mapped = mapCsv(`${header}\n${row(family)}\n`, {
        appointmentTypes: deps.config.appointmentTypes,
        allowedCountries: deps.config.allowedCountries,
        timeZone: deps.config.timeZone,
      });
      if (!mapped.ok) throw new Error(mapped.message);
      await runImport(deps, mapped.batch as ImportBatch, { dryRun: false, confirm: false, by: 'staff:test' });
    };
    await importNamed('Pemberton');
    expect((await clientsByName(store, 'pemberton')).map((c) => c.firstName)).toEqual(['Rosa']);

    // Act
    await importNamed('Quayle');
    await eraseClient(deps, { clientId: world.gone.id, by: 'staff:test' });

    // Assess
    expect(await clientsByName(store, 'pemberton')).toEqual([]);
    expect(ids(await clientsByName(store, 'rosa'))).toEqual(ids(await clientsByName(store, 'quayle')));
    expect((await clientsByName(store, 'quayle')).map((c) => c.firstName)).toEqual(['Rosa']);
    expect(ids(await clientsByName(store, 'smith amelia'))).toEqual(await scanByName('smith amelia'));
    expect(ids(await clientsByName(store, 'smith'))).toEqual(ids([world.amelia, world.ameliaS]));
    expect(await clientsByName(store, 'gone')).toEqual([]);
  });
});

describe('bookings by reference and by client (lookup and byClient indexes)', () => {
  it('finds the same bookings as a Scan', async () => {
    // Prepare
    const world = await aWorld();
    const all = await scanEntity(store, 'Booking');

    // Act
    const byRef = await bookingsByRef(store, '4821');
    const ofFamily = await bookingsOfClients(store, [world.zoe.id, world.max.id]);

    // Assess
    expect(ids(byRef)).toEqual(
      all
        .filter((b) => b.ref === '4821')
        .map((b) => String(b.id))
        .sort(),
    );
    expect(byRef.map((b) => b.startsAt)).toEqual([...byRef.map((b) => b.startsAt)].sort().reverse());
    expect(ofFamily.map((b) => b.id)).toEqual(
      all
        .filter((b) => b.clientId === world.zoe.id || b.clientId === world.max.id)
        .sort((a, b) => String(a.startsAt).localeCompare(String(b.startsAt)))
        .map((b) => String(b.id)),
    );
    expect(ofFamily).toHaveLength(5);
  });

  it("counts a year's misses per child as the Scan does", async () => {
    // Prepare
    const world = await aWorld();
    const all = await scanEntity(store, 'Booking');
    const expected = new Map<string, number>();
    for (const b of all) {
      const inYear = String(b.localDay) >= '2025-11-24' && String(b.localDay) < '2026-11-24';
      if (inYear && (b.status === 'DNA' || b.status === 'WNB'))
        expected.set(String(b.clientId), (expected.get(String(b.clientId)) ?? 0) + 1);
    }

    // Act
    const misses = await missesOfClients(
      store,
      [world.zoe.id, world.max.id, world.oliver.id],
      '2025-11-24',
      '2026-11-24',
    );

    // Assess
    expect(misses).toEqual(expected);
    expect(misses.get(world.max.id)).toBe(2);
  });
});

describe('the staff reads over the indexes', () => {
  it('search by reference and a family record include siblings; an erased family is in neither', async () => {
    // Prepare
    const world = await aWorld();
    await eraseClient(deps, { clientId: world.gone.id, by: 'staff:test' });

    // Act
    const byRef = await searchFamilies(deps, '4821');
    const record = await familyRecord(deps, world.zoe.id);
    const toCall = await familiesToCall(deps, '2026-11-24');

    // Assess
    expect(byRef.kind).toBe('ref');
    expect(ids(byRef.items)).toEqual(ids([world.zoe, world.max, world.oliver]));
    expect(ids(record.children)).toEqual(ids([world.zoe, world.max]));
    expect(record.bookings.map((b) => b.id)).toEqual(
      [
        world.bookings.maxTooOld,
        world.bookings.maxOlder,
        world.bookings.maxOld,
        world.bookings.zoe,
        world.bookings.max,
      ].map((b) => b.id),
    );
    // Max missed twice in the year before tomorrow; Zoë has no misses and no flag; the erased child's
    // booking was cancelled by the erasure.
    expect(toCall.map((c) => [c.firstName, c.misses])).toEqual([['Max', 2]]);
  });
});
