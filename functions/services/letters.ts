/**
 * Letters for families a text cannot reach (issue 14): once a day, one batch per clinic, made from the
 * clinic's live bookings ahead (byClinicDay, a Query per day; never a Scan), the families' contact
 * routes and the letters already recorded. Which letters is core/letters/due.ts; the PDF is
 * letter-batch-pdf.ts; where it goes is the LetterSink (messaging/letter-files.ts).
 *
 * Once only: each letter is recorded per (booking, kind) by a conditional write before the batch is
 * stored, and each batch has an item per (day, clinic) that is READY once stored. A rerun of a READY
 * batch changes nothing; a run that stopped part-way (MAKING) is made again whole, with the same letters.
 */
import { createHash } from 'node:crypto';
import { mapWithConcurrency } from '#core/concurrency.ts';
import type { EventPathConfig } from '#core/config/event-path-config.ts';
import { notifyLettersConfigSchema } from '#core/config/letters.ts';
import { decideContactRoute } from '#core/contact-channels.ts';
import { addDays, daysBetween } from '#core/dates.ts';
import { domainEvent } from '#core/events.ts';
import { type DueLetter, type LetterCandidate, type LetterKind, lettersDue } from '#core/letters/due.ts';
import { type LetterDataInput, letterContextFrom } from '#core/letters/letter.ts';
import { localDay, localToUtc } from '#core/local-time.ts';
import { letterIncrements } from '#core/metrics.ts';
import type { Booking, Client, Clinic } from '#core/model.ts';
import type { LetterFiles } from '#messaging/letter-files.ts';
import {
  type LetterBatch,
  type LetterLookup,
  type LetterSink,
  LetterSinkError,
} from '#messaging/letter-sink.ts';
import { bookingsByClinicDay } from '#store/bookings.ts';
import { getClients } from '#store/clients.ts';
import { listClinics } from '#store/clinics.ts';
import {
  claimNotifySend,
  finishLetterBatch,
  getLetterBatch,
  type LetterBatchRecord,
  type LetterRecord,
  letterBatchesOfDay,
  lettersOfBookings,
  reclaimNotifySend,
  recordLetter,
  recordNotifyFound,
  recordNotifySend,
  startLetterBatch,
  unfinishedLetterBatches,
} from '#store/letters.ts';
import { applyIncrements } from '#store/metrics.ts';
import { consentsOf } from './consent.ts';
import { contactFacts } from './contact.ts';
import type { Deps } from './deps.ts';
import { makeLetterBatch } from './letter-batch-pdf.ts';
import { bookingLink } from './parent-links.ts';

const shortHash = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/** A clinic id as it may appear in a file name: lower-case letters, digits and dashes. */
function clinicSlug(clinicId: string): string {
  const slug = clinicId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  // Two ids that read the same once cleaned (`RVR_1`, `rvr-1`) keep apart by a hash of the original.
  return slug === clinicId ? slug : `${slug || 'clinic'}-${shortHash(clinicId, 6)}`;
}

/** A batch's id: its day and clinic, so the same day's batch for a clinic is always the same batch. */
export function letterBatchId(day: string, clinicId: string): string {
  return `${day}-${clinicSlug(clinicId)}`;
}

/** A letter's id (its Notify reference and place in the batch): the same however often it is made. */
export function letterIdOf(bookingId: string, kind: LetterKind): string {
  return `ltr-${kind}-${shortHash(`${bookingId}#${kind}`, 24)}`;
}

/** The local days whose bookings a batch made on `day` may write to, nearest first. */
function daysAhead(config: EventPathConfig, day: string): string[] {
  const { minLeadDays, reminderDaysBefore, reminderLatestDaysBefore } = config.letters;
  const first = Math.min(minLeadDays, reminderLatestDaysBefore);
  // Booking letters go to every booking far enough ahead, up to the booking horizon.
  const last = Math.max(config.booking.horizonDays, reminderDaysBefore);
  return Array.from({ length: last - first + 1 }, (_, i) => addDays(day, first + i));
}

/** Pattern: a clinic's live (BOOKED) bookings on the days ahead a batch may write to. */
async function liveBookingsAhead(deps: Deps, clinicId: string, day: string): Promise<Booking[]> {
  const perDay = await mapWithConcurrency(daysAhead(deps.config, day), 4, async (d) => {
    const out: Booking[] = [];
    let cursor: string | undefined;
    do {
      const page = await bookingsByClinicDay(deps.store, clinicId, d, { limit: 500, cursor });
      out.push(...page.items.filter((b) => b.status === 'BOOKED'));
      cursor = page.cursor;
    } while (cursor);
    return out;
  });
  return perDay.flat();
}

interface Chosen {
  readonly due: DueLetter;
  readonly booking: Booking;
  readonly client: Client;
  readonly noSms: string;
}

/** The letters a clinic's batch for `day` holds, with what each needs; nothing is written. */
async function chooseLetters(deps: Deps, clinicId: string, day: string, batchId: string): Promise<Chosen[]> {
  const bookings = await liveBookingsAhead(deps, clinicId, day);
  if (bookings.length === 0) return [];
  const clients = await getClients(deps.store, [...new Set(bookings.map((b) => b.clientId))]);
  // One batch read for the clinic's numbers, not one read per number (a clinic-day has hundreds).
  const consents = await consentsOf(
    deps,
    [...clients.values()].flatMap((c) => (c.phone === undefined ? [] : [c.phone as string])),
  );
  const routes = new Map<string, ReturnType<typeof decideContactRoute>>();
  for (const client of clients.values()) {
    const phone = client.phone as string | undefined;
    const consent = phone === undefined ? undefined : consents.get(phone);
    routes.set(client.id, decideContactRoute(contactFacts(deps, client, consent)));
  }
  const letterRoute = bookings.filter((b) => routes.get(b.clientId)?.route === 'letter');
  const recorded = new Map<string, LetterRecord[]>();
  for (const letter of await lettersOfBookings(
    deps.store,
    letterRoute.map((b) => b.id),
  )) {
    recorded.set(letter.bookingId, [...(recorded.get(letter.bookingId) ?? []), letter]);
  }
  const candidates: LetterCandidate[] = letterRoute.map((b) => {
    const records = recorded.get(b.id) ?? [];
    const of = (kind: LetterKind) => {
      const r = records.find((x) => x.kind === kind);
      return r && { day: r.day, batchId: r.batchId };
    };
    const booking = of('booking');
    const reminder = of('reminder');
    return {
      bookingId: b.id,
      appointmentDay: b.localDay,
      status: b.status,
      route: 'letter',
      recorded: { ...(booking && { booking }), ...(reminder && { reminder }) },
    };
  });
  const byId = new Map(bookings.map((b) => [b.id, b]));
  return lettersDue(deps.config.letters, day, batchId, candidates).map((due) => {
    const booking = byId.get(due.bookingId)!;
    const decision = routes.get(booking.clientId)!;
    return {
      due,
      booking,
      client: clients.get(booking.clientId)!,
      noSms: decision.route === 'letter' ? decision.noSms : 'unknown',
    };
  });
}

/** What a letter says, from the booking, its family and its clinic; the parent link when links are on. */
async function letterData(deps: Deps, chosen: Chosen, clinic: Clinic, day: string): Promise<LetterDataInput> {
  const { booking, client, due } = chosen;
  const link = await bookingLink(deps, booking);
  return {
    letterId: letterIdOf(booking.id, due.kind),
    kind: due.kind,
    language: client.language,
    dated: day,
    recipient: {
      name: `${client.firstName} ${client.familyName}`.trim(),
      // An expectant parent (a due date and no child yet) is written to by name.
      parentOf: !(client.dueDate !== undefined && client.dateOfBirth === undefined),
      // chooseLetters keeps only families whose route is `letter`, which needs an address.
      address: client.address!,
    },
    appointment: {
      typeId: booking.type,
      startsAt: booking.startsAt,
      venue: clinic.name,
      venueAddress: clinic.address,
      ref: booking.ref,
    },
    ...(link !== undefined && { parentLink: link }),
  };
}

/** The Notify reconcile timings: the trust's, or their defaults (a Notify sink given without the config, in tests). */
function notifyTiming(config: EventPathConfig): { resendAfterMinutes: number; dataRetentionDays: number } {
  const shape = notifyLettersConfigSchema.shape;
  return {
    resendAfterMinutes:
      config.letters.notify?.resendAfterMinutes ?? shape.resendAfterMinutes.parse(undefined),
    dataRetentionDays: config.letters.notify?.dataRetentionDays ?? shape.dataRetentionDays.parse(undefined),
  };
}

/** A send whose outcome was never recorded: the run stopped after the claim, or Notify's answer was lost. */
const unsettled = (notify: LetterRecord['notify']): notify is NonNullable<LetterRecord['notify']> =>
  notify?.state === 'SENDING' || (notify?.state === 'FAILED' && notify.lost === true);

/**
 * Settles a letter whose send was never settled by asking Notify for it by its reference (the letter
 * id): found, it is SENT with Notify's id and status; not found and claimed more than
 * `letters.notify.resendAfterMinutes` ago (but within Notify's data retention, which bounds what Notify
 * lists), the request never reached Notify, so it is claimed again and the caller sends it. Notify not
 * answering, or a claim too recent, leaves it as it is for a later run. Every change is a conditional
 * write on the record as it was read, so of two runs at once at most one sends. Answers the new claim's
 * time when the caller may send it.
 */
async function settleUnknownSend(
  deps: Deps,
  sink: LetterSink,
  key: { bookingId: string; kind: LetterKind; batchId: string },
  letterId: string,
  seen: NonNullable<LetterRecord['notify']>,
): Promise<string | undefined> {
  const settings = notifyTiming(deps.config);
  if (!sink.findLetter) return undefined;
  let lookup: LetterLookup;
  try {
    lookup = await sink.findLetter(letterId);
  } catch (err) {
    // The API key could not be read, say: nothing is known.
    lookup = { found: 'unknown', reason: (err as Error).name };
  }
  const at = deps.now().toISOString();
  if (lookup.found === true) {
    const recorded = await recordNotifyFound(
      deps.store,
      key,
      seen,
      { notificationId: lookup.providerId, status: lookup.status },
      at,
    );
    deps.log.info('notify letter settled: found by its reference', {
      letterId,
      batchId: key.batchId,
      recorded,
    });
    return undefined;
  }
  if (lookup.found === 'unknown') {
    deps.log.warn('notify letter left unsettled: Notify could not be asked', {
      letterId,
      batchId: key.batchId,
      reason: lookup.reason,
    });
    return undefined;
  }
  const age = deps.now().getTime() - Date.parse(seen.at);
  if (age < settings.resendAfterMinutes * 60_000) return undefined;
  if (age > settings.dataRetentionDays * 86_400_000) return undefined;
  if (!(await reclaimNotifySend(deps.store, key, seen, at))) return undefined;
  deps.log.info('notify letter not found by its reference: sending it again', {
    letterId,
    batchId: key.batchId,
  });
  return at;
}

/**
 * Sends each recorded letter of a batch through GOV.UK Notify, one at a time, each claimed on its record
 * before the request and given Notify's answer after it (store/letters.ts claimNotifySend):
 * - a crash before the claim: the rerun claims and sends it;
 * - a crash after the claim, before the answer is recorded (SENDING), or an answer lost on the way back
 *   (FAILED, lost): Notify may have it, and Notify has no idempotency key. A later run asks Notify for
 *   it by its reference (settleUnknownSend): found, it is SENT; not found once the claim is old enough,
 *   it is claimed again and sent; Notify not answering, it waits. Never twice comes first: a second
 *   letter posted to a family at risk at home is the worse harm;
 * - a refusal (4xx) is recorded and the next letter goes; throttling or Notify being down is recorded
 *   as retryable;
 * - a batch run late (a day that is past) sends no letter whose appointment is fewer than
 *   `letters.reminderLatestDaysBefore` days away: the post would arrive too late. It is recorded as
 *   failed, never sent;
 * - once every letter has been tried, the run fails while any letter is left to retry or to settle, so
 *   the batch stays MAKING and the scheduler's retry, or the next day's run, takes it up again; the
 *   batch is READY once none is left.
 */
async function sendThroughNotify(
  deps: Deps,
  files: LetterFiles,
  batch: LetterBatch,
  recorded: readonly Chosen[],
): Promise<{ sent: number; failed: number }> {
  const sink = files.sink;
  const send = sink.sendLetter!.bind(sink);
  const bookingIds = [...new Set(recorded.map((c) => c.booking.id))];
  const ofBatch = async () =>
    (await lettersOfBookings(deps.store, bookingIds)).filter((l) => l.batchId === batch.batchId);
  const before = new Map((await ofBatch()).map((l) => [l.letterId, l]));
  const ofLetter = new Map(recorded.map((c) => [letterIdOf(c.booking.id, c.due.kind), c]));
  const { reminderLatestDaysBefore } = deps.config.letters;
  const today = localDay(deps.now(), deps.config.timeZone);
  for (const letter of batch.letters) {
    const c = ofLetter.get(letter.letterId)!;
    const key = { bookingId: c.booking.id, kind: c.due.kind, batchId: batch.batchId };
    const seen = before.get(letter.letterId)?.notify;
    let claimedAt: string | undefined;
    if (unsettled(seen)) {
      claimedAt = await settleUnknownSend(deps, sink, key, letter.letterId, seen);
      if (claimedAt === undefined) continue;
    } else {
      claimedAt = deps.now().toISOString();
      if (!(await claimNotifySend(deps.store, key, claimedAt))) continue;
    }
    if (batch.day < today && daysBetween(today, c.booking.localDay) < reminderLatestDaysBefore) {
      // Claimed and never sent: a late batch does not post a letter that would arrive too late.
      await recordNotifySend(
        deps.store,
        key,
        { state: 'FAILED', reason: 'too late to post: the batch was finished late', retryable: false },
        deps.now().toISOString(),
        claimedAt,
      );
      continue;
    }
    const outcome = await send(letter);
    await recordNotifySend(
      deps.store,
      key,
      outcome.status === 'sent'
        ? { state: 'SENT', notificationId: outcome.providerId }
        : {
            state: 'FAILED',
            reason: outcome.status === 'failed' ? outcome.reason : 'not sent',
            retryable: outcome.status === 'failed' && outcome.retryable,
            ...(outcome.status === 'failed' && outcome.lost && { lost: true }),
          },
      deps.now().toISOString(),
      claimedAt,
    );
    if (outcome.status !== 'sent') {
      deps.log.warn('notify refused a letter', { letterId: letter.letterId, batchId: batch.batchId });
    }
  }
  const now = await ofBatch();
  const retry = now.filter((l) => l.notify?.state === 'FAILED' && l.notify.retryable).length;
  const settling = now.filter(
    (l) =>
      unsettled(l.notify) &&
      deps.now().getTime() - Date.parse(l.notify.at) <=
        notifyTiming(deps.config).dataRetentionDays * 86_400_000,
  ).length;
  if (retry + settling > 0) {
    throw new LetterSinkError(
      `${batch.batchId}: ${retry} letter(s) to retry (Notify throttled or was down), ${settling} to settle with Notify`,
    );
  }
  const sent = now.filter((l) => l.notify?.state === 'SENT').length;
  return { sent, failed: now.length - sent };
}

/**
 * Makes one clinic's batch for a local day (or answers it as it is, when it is READY already): records
 * each letter once, renders the PDF, stores it through the sink, counts the letters and sends
 * LetterBatchReady.
 */
export async function makeClinicLetterBatch(
  deps: Deps,
  files: LetterFiles,
  clinic: Clinic,
  day: string,
): Promise<LetterBatchRecord> {
  const batchId = letterBatchId(day, clinic.id);
  const existing = await getLetterBatch(deps.store, day, clinic.id);
  if (existing?.status === 'READY') return existing;
  const started = await startLetterBatch(deps.store, {
    batchId,
    clinicId: clinic.id,
    day,
    startedAt: deps.now().toISOString(),
  });
  if (started.status === 'READY') return started;

  const chosen = (await chooseLetters(deps, clinic.id, day, batchId)).sort((a, b) =>
    a.booking.startsAt.localeCompare(b.booking.startsAt),
  );
  const recorded: Chosen[] = [];
  for (const c of chosen) {
    const letterId = letterIdOf(c.booking.id, c.due.kind);
    const ours = await recordLetter(deps.store, {
      letterId,
      bookingId: c.booking.id,
      clientId: c.client.id,
      clinicId: clinic.id,
      kind: c.due.kind,
      batchId,
      day,
      language: c.client.language,
      noSms: c.noSms,
      at: deps.now().toISOString(),
    });
    if (!ours) continue;
    recorded.push(c);
    // Once per letter, whatever reruns: the marker is the letter's id.
    await applyIncrements(
      deps.store,
      `letter:${letterId}`,
      letterIncrements(day, c.due.kind, clinic.id, c.client.flags?.imdDecile),
      deps.now(),
    );
  }

  const count = (kind: LetterKind) => recorded.filter((c) => c.due.kind === kind).length;
  const totals = { letters: recorded.length, booking: count('booking'), reminder: count('reminder') };
  if (recorded.length === 0) {
    await finishLetterBatch(deps.store, {
      day,
      clinicId: clinic.id,
      ...totals,
      pages: 0,
      readyAt: deps.now().toISOString(),
    });
    return (await getLetterBatch(deps.store, day, clinic.id))!;
  }

  const context = letterContextFrom(deps.config);
  const letters = await Promise.all(recorded.map((c) => letterData(deps, c, clinic, day)));
  const batch = await makeLetterBatch(
    context,
    { batchId, clinicId: clinicSlug(clinic.id), clinicName: clinic.name, day, letters },
    { letterPdfs: files.sink.needsLetterPdfs },
  );
  const notify = files.sink.sendLetter ? await sendThroughNotify(deps, files, batch, recorded) : undefined;
  const stored = notify ? { location: `notify:${batchId}` } : await files.sink.storeBatch(batch);
  // Every letter ends on a sheet's back (a blank page follows an odd one), so the total is even.
  const lastPage = batch.placements.reduce((last, p) => Math.max(last, p.firstPage + p.pages - 1), 0);
  const pages = lastPage + (lastPage % 2);
  // Sent before the batch is marked READY: a run that stops in between sends it again on the rerun
  // (at least once, with the same batchId), rather than never.
  await deps.events.publish([
    domainEvent('LetterBatchReady', {
      batchId,
      clinicId: clinic.id,
      day,
      letters: recorded.length,
      at: deps.now().toISOString(),
    }),
  ]);
  await finishLetterBatch(deps.store, {
    day,
    clinicId: clinic.id,
    ...totals,
    pages,
    location: stored.location,
    readyAt: deps.now().toISOString(),
    ...(notify && { notify }),
  });
  deps.log.info('letter batch ready', { batchId, letters: recorded.length });
  return (await getLetterBatch(deps.store, day, clinic.id))!;
}

/**
 * How many days back the daily run looks for a batch still MAKING: the batches' retention
 * (`letters.retentionDays`), at most a month. Nothing older is finished by itself.
 */
const CATCH_UP_DAYS_MAX = 31;

/** Clinics whose batches are made at once (each reads its days ahead 4 at a time: 16 reads in flight). */
const CLINICS_AT_ONCE = 4;

/**
 * Makes every clinic's batch for a local day (today's, by default), after finishing first any earlier
 * batch still MAKING (a run that failed after the scheduler's retries: Notify down all day, say), so no
 * batch waits for a person to rerun it. A late batch is the same batch, made again whole with the same
 * letters; each letter is still claimed before it goes, so none goes twice, and a late batch posts no
 * letter that would arrive too late (sendThroughNotify). Its `readyAt` shows the day it was finished.
 * One clinic's failure stops none of the others. Answers the day's batches, then the earlier ones finished.
 */
export async function makeLetterBatches(
  deps: Deps,
  files: LetterFiles,
  day: string = localDay(deps.now(), deps.config.timeZone),
): Promise<LetterBatchRecord[]> {
  if (!deps.config.letters.enabled) return [];
  const caughtUp: LetterBatchRecord[] = [];
  const failures: unknown[] = [];
  const clinics = await listClinics(deps.store);
  const clinicById = new Map(clinics.map((c) => [c.id, c]));
  const lookBack = Math.min(deps.config.letters.retentionDays, CATCH_UP_DAYS_MAX);
  const earlierDays = Array.from({ length: lookBack }, (_, i) => addDays(day, i - lookBack));
  for (const stuck of await unfinishedLetterBatches(deps.store, earlierDays)) {
    const clinic = clinicById.get(stuck.clinicId);
    if (!clinic) continue;
    try {
      caughtUp.push(await makeClinicLetterBatch(deps, files, clinic, stuck.day));
      deps.log.info('earlier letter batch finished late', { batchId: stuck.batchId, day: stuck.day });
    } catch (err) {
      deps.log.error('earlier letter batch failed', {
        clinicId: clinic.id,
        day: stuck.day,
        error: err as Error,
      });
      failures.push(err);
    }
  }
  // Clinics side by side, a few at a time: a trust's twenty-odd clinics one after another would spend
  // most of the run waiting on reads (each clinic reads its bookings for the weeks ahead).
  const made = await mapWithConcurrency(clinics, CLINICS_AT_ONCE, async (clinic) => {
    try {
      return await makeClinicLetterBatch(deps, files, clinic, day);
    } catch (err) {
      deps.log.error('letter batch failed', { clinicId: clinic.id, day, error: err as Error });
      failures.push(err);
      return undefined;
    }
  });
  // The run fails (the scheduler retries, the alarm sees it) once the other clinics are done.
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} letter batch(es) failed`);
  return [...made.filter((batch) => batch !== undefined), ...caughtUp];
}

/** The instant of the first daily batch run strictly after `after`, at letters.batchAt local time. */
export function nextLetterRunAt(config: EventPathConfig, after: Date): string {
  let day = localDay(after, config.timeZone);
  for (;;) {
    const at = localToUtc(day, config.letters.batchAt, config.timeZone);
    if (Date.parse(at) > after.getTime()) return at;
    day = addDays(day, 1);
  }
}

/** The day's batches, one per clinic that has one, in clinic order. */
export async function letterBatchesFor(deps: Deps, day: string): Promise<LetterBatchRecord[]> {
  return (await letterBatchesOfDay(deps.store, day)).sort((a, b) => a.clinicId.localeCompare(b.clinicId));
}

/** A batch's PDF and file name, or undefined when there is no such batch or no PDF (an empty batch). */
export async function letterBatchPdf(
  deps: Deps,
  files: LetterFiles,
  batchId: string,
): Promise<{ fileName: string; pdf: Uint8Array } | undefined> {
  const day = batchId.slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const batch = (await letterBatchesOfDay(deps.store, day)).find((b) => b.batchId === batchId);
  if (!batch?.location) return undefined;
  const pdf = await files.read(batch.location);
  return pdf && { fileName: `letters-${batchId}.pdf`, pdf };
}
