/**
 * A slot's short-notice run: started from the stream for each freeing, sent in waves of K with a hold
 * each, ended filled (a YES, or staff booking it), unfilled (the cutoff, nobody left) or withdrawn. The
 * states and the moves between them are the table in core/offer-run.ts; every write is a row of it in
 * store/slot-runs.ts. Whoever ends a run settles its pending offers at once (settleEndedRun), and
 * families who had been texted an offer are told once that the time has gone.
 */
import { randomUUID } from 'node:crypto';
import { pickRef } from '#core/booking.ts';
import { plusLocalDays } from '#core/dates.ts';
import {
  preRankCandidates,
  type RankedCandidate,
  takeEligible,
  type UnbookedCandidate,
} from '#core/eligibility.ts';
import { domainEvent } from '#core/events.ts';
import type { Booking, Slot } from '#core/model.ts';
import { holdExpiresAt, holdMinutes, offerWindowOpen } from '#core/offer-hold.ts';
import {
  type EndedRunState,
  isOpen,
  NOTICE_ON_END,
  noticeDueAt,
  OFFER_END_FOR_RUN,
  type Run,
} from '#core/offer-run.ts';
import { nextAllowedAfter } from '#core/quiet-hours.ts';
import type { Offer } from '#core/waitlist.ts';
import { liveBookingsByPhone } from '#store/bookings.ts';
import { getClients } from '#store/clients.ts';
import { getClinic } from '#store/clinics.ts';
import { createOffer, offersBySlot, settleOffer } from '#store/offers.ts';
import {
  claimWave,
  clearSlotCheck,
  endUnfilled,
  finishWave,
  startRun,
  waitForDaytime,
} from '#store/slot-runs.ts';
import { getSlot } from '#store/slots.ts';
import { getEntry, waitingByType } from '#store/waitlist.ts';
import { type ConsentReading, readConsents } from './consent.ts';
import type { Deps } from './deps.ts';
import { minutesAfter, type NoticeOutcome, sendDueNotice, sendOfferText } from './offer-texts.ts';

/** How long a caller making a wave holds it before another may assume it died. */
const WAVE_LEASE_MINUTES = 2;
/** Candidate reads per wave are capped so a list of 100,000 never turns a wave into a scan. */
const MAX_CANDIDATE_PAGES = 5;

// ---------------------------------------------------------------------------------------------------
// Starting a run (from the stream)

export type StartOutcome = 'offered' | 'deferred' | 'not-offered' | 'unfilled' | 'duplicate' | 'not-free';

/**
 * Called for each slot the stream reports as freed. The run is keyed by the freeing (freedAt, or the
 * creation of a new short-notice slot), so a redelivered record finds the run already started.
 */
export async function startBackfill(deps: Deps, slotId: string): Promise<StartOutcome> {
  const { config, store } = deps;
  const slot = await getSlot(store, slotId);
  if (slot?.status !== 'FREE') return 'not-free';
  // Only a freeing starts a run: a cancellation, or a slot staff add as short-notice. A slot created
  // for ordinary booking (no freedAt) is left for schedulers.
  if (!slot.freedAt) return 'not-offered';
  const runId = slot.freedAt;
  if (slot.backfill?.runId === runId) return 'duplicate';
  const now = deps.now().toISOString();

  // Calendar days on the trust's clock: 14 days after 10:00 is 10:00, even across a clock change.
  const tooFarAhead =
    Date.parse(slot.startsAt) >
    plusLocalDays(deps.now(), config.shortNotice.maxLeadDays, config.timeZone).getTime();
  const window = offerWindowOpen(now, slot.startsAt, config.shortNotice, config.quietHours, config.timeZone);
  let state: Run['state'];
  let reason: string | undefined;
  if (tooFarAhead) {
    state = 'NOT_OFFERED';
    reason = 'too-far-ahead';
  } else if (!window.open && window.reason === 'past-cutoff') {
    state = 'UNFILLED';
    reason = 'past-cutoff';
  } else if (!window.open) {
    state = 'WAITING_FOR_DAYTIME';
  } else {
    state = 'OFFERING';
  }
  const run: Run = {
    runId,
    state,
    wave: 0,
    offersMade: 0,
    startedAt: now,
    ...(reason ? { reason, endedAt: now } : {}),
  };
  const checkAt =
    state === 'WAITING_FOR_DAYTIME'
      ? nextAllowedAfter(now, config.quietHours, config.timeZone).toISOString()
      : undefined;
  if (!(await startRun(store, slot, { run, now, checkAt }))) return 'duplicate';
  if (state === 'UNFILLED') {
    await deps.events.publish([
      domainEvent('SlotUnfilled', { slotId: slot.id, reason: 'past-cutoff', offersMade: 0, at: now }),
    ]);
    return 'unfilled';
  }
  if (state === 'NOT_OFFERED') return 'not-offered';
  if (state === 'WAITING_FOR_DAYTIME') return 'deferred';
  const started = await getSlot(store, slot.id);
  if (started) await nextWave(deps, started);
  return 'offered';
}

// ---------------------------------------------------------------------------------------------------
// Waves

/** What selectCandidates found, and what it read to find it. */
export interface Selection {
  /** At most k eligible families, best first. */
  ranked: RankedCandidate[];
  /**
   * Items read from the table: list entries (the index pages' items, excluded ones too), their
   * clients, opted-out numbers' consent records, and the live bookings of each number looked up.
   */
  itemsRead: number;
  /**
   * Each number whose live bookings were read (E.164 → its live BOOKED bookings, every child's, from
   * liveBookingsByPhone), which holds every ranked family's number: nextWave picks offer refs from it.
   */
  liveByPhone: ReadonlyMap<string, Booking[]>;
  /**
   * The consent reading of each number on the pages read (E.164 → its reading): nextWave sends each
   * offer text with its family's, which the guard takes in place of its own read while it is fresh.
   */
  consentReads: ReadonlyMap<string, ConsentReading>;
}

/**
 * Reads the top of the list for the slot's type, page by page, until K eligible families are found.
 * Live bookings (one Query per number) are read only for families that pass every other check, best
 * first, and only until K are eligible: the result is rankCandidates' top K of the pool read so far.
 */
export async function selectCandidates(
  deps: Deps,
  slot: Slot,
  k: number,
  exclude: ReadonlySet<string>,
): Promise<Selection> {
  const now = deps.now().toISOString();
  const pool: UnbookedCandidate[] = [];
  const liveByPhone = new Map<string, Booking[]>();
  const consentReads = new Map<string, ConsentReading>();
  let itemsRead = 0;
  const bookingsOf = async ({ client }: UnbookedCandidate): Promise<Booking[]> => {
    // No mobile: no live bookings by number (checkEligibility refuses them as `no-phone` before this).
    if (client.phone === undefined) return [];
    let live = liveByPhone.get(client.phone);
    if (!live) {
      live = await liveBookingsByPhone(deps.store, client.phone);
      itemsRead += live.length;
      liveByPhone.set(client.phone, live);
    }
    return live.filter((b) => b.clientId === client.id);
  };
  let startKey: Record<string, unknown> | undefined;
  let ranked: RankedCandidate[] = [];
  for (let page = 0; page < MAX_CANDIDATE_PAGES; page++) {
    const out = await waitingByType(deps.store, slot.type, { limit: Math.max(10, k * 4), startKey });
    itemsRead += out.read;
    // The family who just gave this slot up is never offered it back.
    const entries = out.items.filter((e) => !exclude.has(e.id) && e.clientId !== slot.freedByClientId);
    const clients = await getClients(
      deps.store,
      entries.map((e) => e.clientId),
    );
    itemsRead += clients.size;
    const readings = await readConsents(
      deps,
      [...clients.values()].flatMap((c) => (c.phone ? [c.phone] : [])),
    );
    for (const [phone, reading] of readings) {
      consentReads.set(phone, reading);
      if (reading.consent) itemsRead++;
    }
    for (const entry of entries) {
      const client = clients.get(entry.clientId);
      if (!client) continue;
      const suppressed = client.phone !== undefined && readings.get(client.phone)?.consent !== undefined;
      pool.push({ entry, client, suppressed });
    }
    // Numbers already read are in liveByPhone, so walking the earlier pages' families again reads nothing.
    const prospects = preRankCandidates(pool, slot, deps.config, now);
    ranked = await takeEligible(prospects, slot, deps.config, now, k, bookingsOf);
    startKey = out.next;
    if (ranked.length >= k || !startKey) break;
  }
  return { ranked, itemsRead, liveByPhone, consentReads };
}

/**
 * Sends the next wave for a slot whose run is open, or ends the run: unfilled at the cutoff or when
 * nobody eligible is left, deferred to the morning in quiet hours. Claiming the wave number first means
 * two callers racing (a NO and the expiry sweep, say) send one wave, not two.
 */
export async function nextWave(deps: Deps, slot: Slot): Promise<'sent' | 'deferred' | 'unfilled' | 'busy'> {
  const { config, store } = deps;
  const run = slot.backfill;
  if (!run || !isOpen(run.state) || slot.status !== 'OFFERING') return 'busy';
  const now = deps.now().toISOString();
  const offers = (await offersBySlot(store, slot.id)).filter((o) => o.runId === run.runId);
  if (offers.some((o) => o.status === 'PENDING')) return 'busy';

  const window = offerWindowOpen(now, slot.startsAt, config.shortNotice, config.quietHours, config.timeZone);
  if (!window.open && window.reason === 'past-cutoff') {
    return (await endRun(deps, slot, 'past-cutoff')) ? 'unfilled' : 'busy';
  }
  if (!window.open) {
    const at = nextAllowedAfter(now, config.quietHours, config.timeZone).toISOString();
    await waitForDaytime(store, slot, at);
    return 'deferred';
  }

  const hold = holdMinutes(now, slot.startsAt, config.shortNotice);
  const expiresAt = holdExpiresAt(now, slot.startsAt, config.shortNotice);
  // A wave being made holds a short lease: another caller who sees "no offers pending" in the gap
  // before this wave's offers exist must not start a wave of its own (or end the run).
  const claimed = await claimWave(store, slot, {
    now,
    leaseUntil: minutesAfter(now, WAVE_LEASE_MINUTES),
    holdsEndAt: expiresAt,
  });
  if (!claimed) return 'busy';
  const claimedSlot: Slot = { ...slot, backfill: { ...run, wave: run.wave + 1, state: 'OFFERING' } };

  const { ranked, liveByPhone, consentReads } = await selectCandidates(
    deps,
    slot,
    config.shortNotice.waveSize,
    new Set(offers.map((o) => o.entryId)),
  );
  if (ranked.length === 0) {
    return (await endRun(deps, claimedSlot, 'no-eligible-family')) ? 'unfilled' : 'busy';
  }
  const clinic = await getClinic(store, slot.clinicId);
  // Offer refs must differ from the refs of the families' live bookings, which selectCandidates read
  // to check them (a ranked family always has its number there; reading it again is only a fallback).
  const taken = new Set<string>();
  for (const { client } of ranked) {
    if (client.phone === undefined) continue;
    const live = liveByPhone.get(client.phone) ?? (await liveBookingsByPhone(store, client.phone));
    for (const booking of live) taken.add(booking.ref);
  }
  const made: Offer[] = [];
  for (const candidate of ranked) {
    // checkEligibility refuses a family with no mobile (`no-phone`): an offer is a text.
    const phone = candidate.client.phone;
    if (phone === undefined) continue;
    const offer: Offer = {
      id: randomUUID(),
      ref: pickRef(taken),
      slotId: slot.id,
      entryId: candidate.entry.id,
      clientId: candidate.client.id,
      phone,
      wave: run.wave + 1,
      status: 'PENDING',
      offeredAt: now,
      expiresAt,
      score: candidate.score,
      breakdown: candidate.breakdown,
      runId: run.runId,
      holdMinutes: hold,
      textStatus: 'PENDING',
      textAttempts: 0,
    };
    taken.add(offer.ref);
    const result = await createOffer(store, offer, candidate.entry);
    if (result === 'made') made.push(offer);
    // Staff booked or withdrew the slot while this wave was being made: no more offers for it.
    if (result === 'run-ended') break;
  }
  await finishWave(store, claimedSlot);
  if (made.length > 0) {
    await deps.events.publish([
      domainEvent('SlotOffered', {
        slotId: slot.id,
        offerIds: made.map((o) => o.id),
        wave: run.wave + 1,
        offeredAt: now,
      }),
    ]);
  }
  for (const offer of made) {
    const client = ranked.find((r) => r.client.id === offer.clientId)!.client;
    await sendOfferText(deps, offer, { slot, client, clinic, consentRead: consentReads.get(offer.phone) });
  }
  return 'sent';
}

/**
 * Ends a run without a booking: the slot goes back to FREE for schedulers, its pending offers expire,
 * and SlotUnfilled is announced. False when the run or wave had moved on (nothing changed).
 */
async function endRun(deps: Deps, slot: Slot, reason: string): Promise<boolean> {
  const now = deps.now().toISOString();
  if (!(await endUnfilled(deps.store, slot, { reason, now }))) return false;
  await settleEndedRun(deps, slot.id);
  const ended = await getSlot(deps.store, slot.id);
  await deps.events.publish([
    domainEvent('SlotUnfilled', {
      slotId: slot.id,
      reason,
      offersMade: ended?.backfill?.offersMade ?? slot.backfill?.offersMade ?? 0,
      at: now,
    }),
  ]);
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Settling an ended run

export interface SettleReport {
  /** Pending offers this call ended. */
  settled: number;
  /** What became of each notice this call tried to send. */
  notices: NoticeOutcome[];
}

/**
 * After a run has ended (filled by a YES or by staff, unfilled, withdrawn): every PENDING offer of the
 * run ends as the table says (TAKEN, WITHDRAWN or EXPIRED) with its family back on the list, and a
 * family who had been texted the offer is owed one notice, marked in the same write and sent now (or
 * held until quiet hours end). Safe to call more than once and from several places at once: each offer
 * ends once, each notice goes once, and the slot's check is cleared only when nothing is left.
 */
export async function settleEndedRun(deps: Deps, slotId: string): Promise<SettleReport> {
  const { store, config } = deps;
  const report: SettleReport = { settled: 0, notices: [] };
  const slot = await getSlot(store, slotId);
  if (!slot) return report;
  const run = slot.backfill;
  if (run && isOpen(run.state)) return report;
  if (!run) {
    await clearSlotCheck(store, slot);
    return report;
  }
  const now = deps.now().toISOString();
  const endStatus = OFFER_END_FOR_RUN[run.state as EndedRunState];
  const kind = NOTICE_ON_END[endStatus];
  const dueAt = noticeDueAt(now, config.quietHours, config.timeZone);
  const offers = (await offersBySlot(store, slot.id)).filter((o) => o.runId === run.runId);
  for (const offer of offers.filter((o) => o.status === 'PENDING')) {
    const textWent = offer.textStatus === 'SENT' || offer.textStatus === 'SENDING';
    const entry = await getEntry(store, offer.entryId);
    const ended = await settleOffer(
      store,
      offer,
      entry,
      endStatus as Exclude<typeof endStatus, 'ACCEPTED'>,
      now,
      kind && textWent ? { kind, dueAt } : undefined,
    );
    if (ended) report.settled++;
  }
  await clearSlotCheck(store, slot);
  report.notices = await sendNoticesFor(deps, slot);
  return report;
}

/** Sends the DUE notices of a slot's offers (read afresh: some may have been settled by others). */
async function sendNoticesFor(deps: Deps, slot: Slot): Promise<NoticeOutcome[]> {
  const due = (await offersBySlot(deps.store, slot.id)).filter((o) => o.notice?.state === 'DUE');
  if (due.length === 0) return [];
  const clients = await getClients(
    deps.store,
    due.map((o) => o.clientId),
  );
  const outcomes: NoticeOutcome[] = [];
  for (const offer of due) {
    outcomes.push(await sendDueNotice(deps, offer, { slot, client: clients.get(offer.clientId) }));
  }
  return outcomes;
}
