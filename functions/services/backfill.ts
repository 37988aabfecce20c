/**
 * The short-notice list: a freed slot is offered by text to the eligible families who most need it, in
 * waves of K with a hold each; the first YES takes it. Every state change is a conditional write or a
 * transaction, so a stream record delivered twice, a crash mid-wave, or ten families answering YES in
 * the same second still end with at most one booking and no family offered twice.
 *
 * The slot drives the waves: while a run is open the slot sits in the offersByExpiry index with the time
 * its next "check" is due (quiet hours ending, or the current wave's holds lapsing). Offers sit there too,
 * first while their text is unsent and then until their hold ends.
 */
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { newBooking, pickRef } from '#core/booking.ts';
import { type Candidate, type RankedCandidate, rankCandidates } from '#core/eligibility.ts';
import { appointmentBooked, appointmentCancelled, type DomainEvent, domainEvent } from '#core/events.ts';
import { formatDay, formatTime } from '#core/local-time.ts';
import type { Booking, Client, Clinic, Slot, TierState } from '#core/model.ts';
import { holdExpiresAt, holdMinutes, offerWindowOpen } from '#core/offer-hold.ts';
import { nextAllowedAfter } from '#core/quiet-hours.ts';
import { planReminders, reminderPlanInput } from '#core/reminder-plan.ts';
import { renderText, templateFor } from '#core/templates.ts';
import type { Offer } from '#core/waitlist.ts';
import { bookingItem, cancelItems, getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { cancellationReasons, isConditionFailure } from '#store/client.ts';
import { getClient, getClients } from '#store/clients.ts';
import { getClinic } from '#store/clinics.ts';
import { keys, offersByExpiry } from '#store/keys.ts';
import { recordMessage } from '#store/messages.ts';
import {
  claimOfferText,
  completeOfferText,
  createOffer,
  dueForExpiry,
  earliestExpiry,
  offersBySlot,
  releaseOfferText,
  settleOffer,
  settleOfferItem,
  type TransactItem,
  toOffer,
} from '#store/offers.ts';
import { getSlot, toSlot } from '#store/slots.ts';
import { getEntry, waitingByType } from '#store/waitlist.ts';
import { isSuppressed, suppressedAmong } from './consent.ts';
import type { Deps } from './deps.ts';
import { gsmFriendly, outboundMessage, type RenderedText, sendAndRecord } from './texts.ts';

const TEXT_LEASE_MINUTES = 10;
/** How long a caller making a wave holds it before another may assume it died. */
const WAVE_LEASE_MINUTES = 2;
const MAX_TEXT_ATTEMPTS = 3;
/** Candidate reads per wave are capped so a list of 100,000 never turns a wave into a scan. */
const MAX_CANDIDATE_PAGES = 5;

const minutesAfter = (iso: string, minutes: number) =>
  new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();

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

  const leadDays = (new Date(slot.startsAt).getTime() - deps.now().getTime()) / 86_400_000;
  const window = offerWindowOpen(now, slot.startsAt, config.shortNotice, config.quietHours, config.timeZone);
  let state: 'OFFERING' | 'WAITING_FOR_DAYTIME' | 'NOT_OFFERED' | 'UNFILLED';
  let reason: string | undefined;
  if (leadDays > config.shortNotice.maxLeadDays) {
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
  const checkAt =
    state === 'WAITING_FOR_DAYTIME'
      ? nextAllowedAfter(now, config.quietHours, config.timeZone).toISOString()
      : undefined;
  const offering = state === 'OFFERING' || state === 'WAITING_FOR_DAYTIME';
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.slot(slot.id),
        UpdateExpression: [
          'SET backfill = :run, updatedAt = :now',
          offering ? ', #status = :offering' : '',
          checkAt ? ', expiryShard = :shard, expiryDueAt = :due' : '',
        ].join(''),
        ConditionExpression:
          '#status = :free AND (attribute_not_exists(backfill) OR backfill.runId <> :runId)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':run': {
            runId,
            state,
            wave: 0,
            offersMade: 0,
            startedAt: now,
            ...(reason ? { reason, endedAt: now } : {}),
          },
          ':now': now,
          ':free': 'FREE',
          ':runId': runId,
          ...(offering ? { ':offering': 'OFFERING' } : {}),
          ...(checkAt
            ? { ':shard': offersByExpiry.slotCheck(slot.id, checkAt).expiryShard, ':due': checkAt }
            : {}),
        },
      }),
    );
  } catch (err) {
    if (isConditionFailure(err)) return 'duplicate';
    throw err;
  }
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

/** Reads the top of the list for the slot's type, page by page, until K eligible families are found. */
export async function selectCandidates(
  deps: Deps,
  slot: Slot,
  k: number,
  exclude: ReadonlySet<string>,
): Promise<{ ranked: RankedCandidate[]; itemsRead: number }> {
  const now = deps.now().toISOString();
  const pool: Candidate[] = [];
  const bookingsByPhone = new Map<string, Booking[]>();
  let itemsRead = 0;
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
    const suppressed = await suppressedAmong(
      deps,
      [...clients.values()].map((c) => c.phone),
    );
    for (const entry of entries) {
      const client = clients.get(entry.clientId);
      if (!client) continue;
      let live = bookingsByPhone.get(client.phone);
      if (!live) {
        live = await liveBookingsByPhone(deps.store, client.phone);
        itemsRead += live.length;
        bookingsByPhone.set(client.phone, live);
      }
      pool.push({
        entry,
        client,
        suppressed: suppressed.has(client.phone),
        otherBookings: live.filter((b) => b.clientId === client.id),
      });
    }
    ranked = rankCandidates(pool, slot, deps.config, now, k);
    startKey = out.next;
    if (ranked.length >= k || !startKey) break;
  }
  return { ranked, itemsRead };
}

/**
 * Sends the next wave for a slot whose run is open, or ends the run: unfilled at the cutoff or when
 * nobody eligible is left, deferred to the morning in quiet hours. Claiming the wave number first means
 * two callers racing (a NO and the expiry sweep, say) send one wave, not two.
 */
export async function nextWave(deps: Deps, slot: Slot): Promise<'sent' | 'deferred' | 'unfilled' | 'busy'> {
  const { config, store } = deps;
  const run = slot.backfill;
  if (!run || (run.state !== 'OFFERING' && run.state !== 'WAITING_FOR_DAYTIME') || slot.status !== 'OFFERING')
    return 'busy';
  const now = deps.now().toISOString();
  const offers = (await offersBySlot(store, slot.id)).filter((o) => o.runId === run.runId);
  if (offers.some((o) => o.status === 'PENDING')) return 'busy';

  const window = offerWindowOpen(now, slot.startsAt, config.shortNotice, config.quietHours, config.timeZone);
  if (!window.open && window.reason === 'past-cutoff') {
    await endRun(deps, slot, 'UNFILLED', 'past-cutoff', offers.length);
    return 'unfilled';
  }
  if (!window.open) {
    const at = nextAllowedAfter(now, config.quietHours, config.timeZone).toISOString();
    await scheduleCheck(deps, slot, at, 'WAITING_FOR_DAYTIME');
    return 'deferred';
  }

  const hold = holdMinutes(now, slot.startsAt, config.shortNotice);
  const expiresAt = holdExpiresAt(now, slot.startsAt, config.shortNotice);
  // Claim wave n+1; the slot's next check is when this wave's holds lapse.
  try {
    const check = offersByExpiry.slotCheck(slot.id, expiresAt);
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.slot(slot.id),
        UpdateExpression:
          'SET backfill.wave = :next, backfill.#state = :offering, backfill.openingUntil = :lease, expiryShard = :shard, expiryDueAt = :due, updatedAt = :now',
        // A wave being made holds a short lease: another caller who sees "no offers pending" in the gap
        // before this wave's offers exist must not start a wave of its own (or end the run).
        ConditionExpression:
          '#status = :offeringStatus AND backfill.runId = :runId AND backfill.wave = :wave AND (attribute_not_exists(backfill.openingUntil) OR backfill.openingUntil < :now)',
        ExpressionAttributeNames: { '#status': 'status', '#state': 'state' },
        ExpressionAttributeValues: {
          ':next': run.wave + 1,
          ':offering': 'OFFERING',
          ':offeringStatus': 'OFFERING',
          ':shard': check.expiryShard,
          ':due': expiresAt,
          ':now': now,
          ':runId': run.runId,
          ':wave': run.wave,
          ':lease': minutesAfter(now, WAVE_LEASE_MINUTES),
        },
      }),
    );
  } catch (err) {
    if (isConditionFailure(err)) return 'busy';
    throw err;
  }

  const { ranked } = await selectCandidates(
    deps,
    slot,
    config.shortNotice.waveSize,
    new Set(offers.map((o) => o.entryId)),
  );
  if (ranked.length === 0) {
    await endRun(
      deps,
      { ...slot, backfill: { ...run, wave: run.wave + 1 } },
      'UNFILLED',
      'no-eligible-family',
      offers.length,
    );
    return 'unfilled';
  }
  const clinic = await getClinic(store, slot.clinicId);
  const taken = new Set((await Promise.all(ranked.map((r) => liveRefs(deps, r.client.phone)))).flat());
  const made: Offer[] = [];
  for (const candidate of ranked) {
    const offer: Offer = {
      id: randomUUID(),
      ref: pickRef(taken),
      slotId: slot.id,
      entryId: candidate.entry.id,
      clientId: candidate.client.id,
      phone: candidate.client.phone,
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
    if (await createOffer(store, offer, candidate.entry)) made.push(offer);
  }
  await store.db.send(
    new UpdateCommand({
      TableName: store.table,
      Key: keys.slot(slot.id),
      UpdateExpression: 'SET backfill.offersMade = backfill.offersMade + :n REMOVE backfill.openingUntil',
      ExpressionAttributeValues: { ':n': made.length },
    }),
  );
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
    await sendOfferText(deps, offer, { slot, client, clinic });
  }
  return 'sent';
}

async function liveRefs(deps: Deps, phone: string): Promise<string[]> {
  return (await liveBookingsByPhone(deps.store, phone)).map((b) => b.ref);
}

async function scheduleCheck(
  deps: Deps,
  slot: Slot,
  at: string,
  state: 'OFFERING' | 'WAITING_FOR_DAYTIME',
): Promise<void> {
  const check = offersByExpiry.slotCheck(slot.id, at);
  await deps.store.db.send(
    new UpdateCommand({
      TableName: deps.store.table,
      Key: keys.slot(slot.id),
      UpdateExpression: 'SET expiryShard = :shard, expiryDueAt = :due, backfill.#state = :state',
      ConditionExpression: 'backfill.runId = :runId',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':shard': check.expiryShard,
        ':due': at,
        ':state': state,
        ':runId': slot.backfill!.runId,
      },
    }),
  );
}

/**
 * Ends a run without a booking: the slot goes back to FREE for schedulers (the runId guard stops that
 * FREE from starting another run), pending offers of the run expire, and SlotUnfilled is announced.
 */
async function endRun(
  deps: Deps,
  slot: Slot,
  state: 'UNFILLED',
  reason: string,
  offersMade: number,
): Promise<void> {
  const { store } = deps;
  const now = deps.now().toISOString();
  try {
    await store.db.send(
      new UpdateCommand({
        TableName: store.table,
        Key: keys.slot(slot.id),
        UpdateExpression:
          'SET #status = :free, backfill.#state = :state, backfill.reason = :reason, backfill.endedAt = :now, updatedAt = :now REMOVE expiryShard, expiryDueAt, backfill.openingUntil',
        // Only the run and wave the caller saw: a newer wave's live offers are never ended from here.
        ConditionExpression: '#status = :offering AND backfill.runId = :runId AND backfill.wave = :wave',
        ExpressionAttributeNames: { '#status': 'status', '#state': 'state' },
        ExpressionAttributeValues: {
          ':free': 'FREE',
          ':offering': 'OFFERING',
          ':state': state,
          ':reason': reason,
          ':now': now,
          ':runId': slot.backfill!.runId,
          ':wave': slot.backfill!.wave,
        },
      }),
    );
  } catch (err) {
    if (isConditionFailure(err)) return;
    throw err;
  }
  for (const offer of (await offersBySlot(store, slot.id)).filter((o) => o.status === 'PENDING')) {
    const entry = await getEntry(store, offer.entryId);
    if (entry) await settleOffer(store, offer, entry, 'EXPIRED', now);
  }
  await deps.events.publish([domainEvent('SlotUnfilled', { slotId: slot.id, reason, offersMade, at: now })]);
}

// ---------------------------------------------------------------------------------------------------
// Offer texts

function offerText(
  deps: Deps,
  offer: Offer,
  input: { slot: Slot; client: Client; clinic: Clinic | undefined },
): RenderedText {
  const { config } = deps;
  const language = templateFor(
    config,
    'offer',
    input.client.language || config.defaultLanguage,
    input.slot.type,
  ).language;
  const text = renderText(config, {
    key: 'offer',
    language,
    typeId: input.slot.type,
    vars: {
      name: gsmFriendly(input.client.firstName),
      day: formatDay(input.slot.startsAt, config.timeZone, language),
      time: formatTime(input.slot.startsAt, config.timeZone),
      venue: gsmFriendly(input.clinic?.venue ?? ''),
      ref: offer.ref,
      holdMinutes: String(offer.holdMinutes),
    },
  });
  return { key: 'offer', body: text.body, segments: text.segments, encoding: text.encoding };
}

/** Claim → send → record, as for reminders; a failed send is retried by the expiry sweep. */
export async function sendOfferText(
  deps: Deps,
  offer: Offer,
  input: { slot: Slot; client: Client; clinic: Clinic | undefined },
): Promise<boolean> {
  const now = deps.now().toISOString();
  const leaseCutoff = minutesAfter(now, -TEXT_LEASE_MINUTES);
  if (!(await claimOfferText(deps.store, offer, now, leaseCutoff))) return false;
  const text = offerText(deps, offer, input);
  let providerMessageId: string;
  try {
    ({ providerMessageId } = await deps.sms.send({ to: offer.phone, body: text.body }));
  } catch (err) {
    await releaseOfferText(deps.store, {
      offer,
      claimedAt: now,
      giveUp: offer.textAttempts + 1 >= MAX_TEXT_ATTEMPTS,
    });
    deps.log.warn('offer text failed', { offerId: offer.id, error: (err as Error).name });
    return false;
  }
  const message = outboundMessage(text, {
    to: offer.phone,
    at: deps.now().toISOString(),
    providerMessageId,
    clientId: offer.clientId,
    offerId: offer.id,
    slotId: offer.slotId,
  });
  try {
    await completeOfferText(deps.store, {
      offer,
      claimedAt: now,
      message,
      retentionDays: deps.config.messages.retentionDays,
    });
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    await recordMessage(deps.store, message, deps.config.messages.retentionDays);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Answers: YES and NO

export type AcceptOutcome =
  | { outcome: 'accepted'; booking: Booking }
  | { outcome: 'taken' }
  | { outcome: 'expired' }
  | { outcome: 'already-answered'; status: Offer['status'] };

/**
 * YES: one transaction moves the offer PENDING → ACCEPTED (while its hold lasts), the slot → BOOKED,
 * creates the booking with its reminder plan, moves the family's entry → BOOKED and, for a family
 * swapping from a later booking, cancels that booking and frees its slot (which the stream then offers
 * on). Of many YESes for one slot exactly one can succeed: the slot condition sees to that.
 */
export async function acceptOffer(deps: Deps, offer: Offer, attempt = 0): Promise<AcceptOutcome> {
  const { config, store } = deps;
  const now = deps.now();
  const nowIso = now.toISOString();
  if (offer.status !== 'PENDING') return { outcome: 'already-answered', status: offer.status };
  if (offer.expiresAt <= nowIso) {
    const entry = await getEntry(store, offer.entryId);
    if (entry) await settleOffer(store, offer, entry, 'EXPIRED', nowIso);
    return { outcome: 'expired' };
  }
  const [slot, client, entry] = await Promise.all([
    getSlot(store, offer.slotId),
    getClient(store, offer.clientId),
    getEntry(store, offer.entryId),
  ]);
  if (!slot || !client || !entry) return { outcome: 'taken' };
  const type = config.appointmentTypes[slot.type];
  const swapFrom = entry.currentBookingId ? await getBooking(store, entry.currentBookingId) : undefined;
  const swap = swapFrom?.status === 'BOOKED' && swapFrom.startsAt > slot.startsAt ? swapFrom : undefined;

  const plan = planReminders(
    reminderPlanInput(config, { startsAt: slot.startsAt, bookedAt: nowIso, tiers: type?.tiers ?? [] }),
  );
  const tiers: Record<string, TierState> = {};
  for (const t of plan.planned) {
    // The "you're booked" answer to their YES is the confirmation.
    tiers[t.id] =
      t.kind === 'confirmation'
        ? { kind: t.kind, dueAt: t.dueAt, status: 'SKIPPED', attempts: 0, skipReason: 'offer-accepted-text' }
        : { kind: t.kind, dueAt: t.dueAt, status: 'PENDING', attempts: 0 };
  }
  const live = await liveBookingsByPhone(store, client.phone);
  const booking = newBooking({
    slot,
    client,
    source: 'offer',
    by: `offer:${offer.id}`,
    now: nowIso,
    // The family keeps the reference the offer text gave them, unless a live booking of theirs has it.
    ref: live.some((b) => b.ref === offer.ref) ? pickRef(new Set(live.map((b) => b.ref))) : offer.ref,
    tiers,
  });

  const items: TransactItem[] = [
    settleOfferItem(store, offer, 'ACCEPTED', nowIso, { expression: 'expiresAt > :now', values: {} }),
    {
      Update: {
        TableName: store.table,
        Key: keys.slot(slot.id),
        UpdateExpression:
          'SET #status = :booked, bookingId = :bookingId, backfill.#state = :filled, backfill.endedAt = :now, backfill.bookingId = :bookingId, updatedAt = :now REMOVE expiryShard, expiryDueAt',
        ConditionExpression: '#status IN (:free, :offering) AND backfill.runId = :runId',
        ExpressionAttributeNames: { '#status': 'status', '#state': 'state' },
        ExpressionAttributeValues: {
          ':booked': 'BOOKED',
          ':bookingId': booking.id,
          ':filled': 'FILLED',
          ':now': nowIso,
          ':free': 'FREE',
          ':offering': 'OFFERING',
          ':runId': offer.runId,
        },
      },
    },
    {
      Put: {
        TableName: store.table,
        Item: bookingItem(booking),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Update: {
        TableName: store.table,
        Key: keys.waitlistEntry(entry.id),
        UpdateExpression: 'SET #status = :booked, updatedAt = :now REMOVE waitlistPk, waitlistScore',
        ConditionExpression: '#status = :offered',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':booked': 'BOOKED', ':offered': 'OFFERED', ':now': nowIso },
      },
    },
  ];
  if (swap) {
    const noticeMinutes = Math.floor((new Date(swap.startsAt).getTime() - now.getTime()) / 60_000);
    items.push(
      ...cancelItems(store, {
        booking: swap,
        by: `swap:${offer.id}`,
        reason: 'Family took an earlier short-notice slot',
        now: nowIso,
        noticeMinutes,
        late: false,
      }),
    );
  }
  try {
    await store.db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const [offerReason, slotReason] = cancellationReasons(err);
    // Real DynamoDB may cancel one of two racing transactions as a conflict, not a failed condition:
    // that says nothing about who won, so try again (bounded) and let the conditions decide.
    if (cancellationReasons(err).includes('TransactionConflict') && attempt < 3)
      return acceptOffer(deps, offer, attempt + 1);
    if (offerReason === 'ConditionalCheckFailed') {
      const fresh = (await offersBySlot(store, offer.slotId)).find((o) => o.id === offer.id);
      if (fresh?.status === 'PENDING') {
        await settleOffer(store, fresh, entry, 'EXPIRED', nowIso);
        return { outcome: 'expired' };
      }
      return { outcome: 'already-answered', status: fresh?.status ?? 'EXPIRED' };
    }
    if (slotReason === 'ConditionalCheckFailed') {
      await settleOffer(store, offer, entry, 'TAKEN', nowIso);
      return { outcome: 'taken' };
    }
    const reasons = cancellationReasons(err);
    // The swap booking changed under us (cancelled meanwhile): try again, which re-reads it.
    if (swap && reasons.slice(4).includes('ConditionalCheckFailed')) return acceptOffer(deps, offer);
    // The family was taken off the list meanwhile: the offer lapses rather than booking them.
    await settleOffer(store, offer, entry, 'EXPIRED', nowIso);
    return { outcome: 'expired' };
  }

  const events: DomainEvent[] = [
    appointmentBooked(booking),
    domainEvent('SlotFilled', {
      slotId: slot.id,
      bookingId: booking.id,
      offerId: offer.id,
      minutesToFill: Math.max(
        0,
        Math.round(
          (now.getTime() - new Date(slot.backfill?.startedAt ?? offer.offeredAt).getTime()) / 60_000,
        ),
      ),
      filledAt: nowIso,
    }),
  ];
  if (swap) {
    events.push(
      appointmentCancelled(swap, {
        by: 'swap',
        noticeMinutes: Math.floor((new Date(swap.startsAt).getTime() - now.getTime()) / 60_000),
        late: false,
        at: nowIso,
      }),
    );
  }
  await deps.events.publish(events);
  await tellTheOthers(deps, slot, offer);
  return { outcome: 'accepted', booking };
}

/** The other families with a pending offer for the slot are told it has gone, and stay on the list. */
async function tellTheOthers(deps: Deps, slot: Slot, accepted: Offer): Promise<void> {
  const now = deps.now().toISOString();
  const others = (await offersBySlot(deps.store, slot.id)).filter(
    (o) => o.status === 'PENDING' && o.id !== accepted.id,
  );
  for (const other of others) {
    const entry = await getEntry(deps.store, other.entryId);
    if (!entry || !(await settleOffer(deps.store, other, entry, 'TAKEN', now))) continue;
    const client = await getClient(deps.store, other.clientId);
    if (!client || other.textStatus !== 'SENT' || (await isSuppressed(deps, other.phone))) continue;
    const text = renderText(deps.config, {
      key: 'offerTaken',
      language: client.language,
      typeId: slot.type,
      vars: {},
    });
    try {
      await sendAndRecord(
        deps,
        { key: 'offerTaken', body: text.body, segments: text.segments, encoding: text.encoding },
        {
          to: other.phone,
          clientId: other.clientId,
          offerId: other.id,
          slotId: other.slotId,
        },
      );
    } catch (err) {
      deps.log.warn('offer-taken text failed', { offerId: other.id, error: (err as Error).name });
    }
  }
}

/** NO: the offer is declined, the family stays on the list, and if nobody else holds an offer the next wave goes now. */
export async function declineOffer(deps: Deps, offer: Offer): Promise<'declined' | 'already-answered'> {
  const now = deps.now().toISOString();
  const entry = await getEntry(deps.store, offer.entryId);
  if (offer.status !== 'PENDING' || !entry) return 'already-answered';
  if (!(await settleOffer(deps.store, offer, entry, 'DECLINED', now))) return 'already-answered';
  const slot = await getSlot(deps.store, offer.slotId);
  if (slot) await nextWave(deps, slot);
  return 'declined';
}

// ---------------------------------------------------------------------------------------------------
// The every-minute sweep

export interface OfferSweepReport {
  textsSent: number;
  expired: number;
  wavesSent: number;
  unfilled: number;
}

/**
 * Reads only what needs attention now from the offersByExpiry index: unsent offer texts, lapsed holds,
 * and slots whose wave is due (quiet hours over, or every hold in the wave lapsed).
 */
export async function runOfferSweep(deps: Deps): Promise<OfferSweepReport> {
  const report: OfferSweepReport = { textsSent: 0, expired: 0, wavesSent: 0, unfilled: 0 };
  const now = deps.now().toISOString();
  const slotsToCheck = new Set<string>();
  for (const shard of offersByExpiry.allShards()) {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await dueForExpiry(deps.store, shard, now, cursor);
      cursor = page.next;
      for (const item of page.items) {
        if (item.entity === 'Slot') {
          slotsToCheck.add(toSlot(item).id);
          continue;
        }
        if (item.entity !== 'Offer') continue;
        const offer = toOffer(item);
        if (offer.status !== 'PENDING') continue;
        if (offer.expiresAt <= now) {
          const entry = await getEntry(deps.store, offer.entryId);
          if (entry && (await settleOffer(deps.store, offer, entry, 'EXPIRED', now))) report.expired++;
          slotsToCheck.add(offer.slotId);
        } else if (offer.textStatus === 'PENDING' || offer.textStatus === 'SENDING') {
          const [slot, client] = await Promise.all([
            getSlot(deps.store, offer.slotId),
            getClient(deps.store, offer.clientId),
          ]);
          if (
            slot &&
            client &&
            (await sendOfferText(deps, offer, {
              slot,
              client,
              clinic: await getClinic(deps.store, slot.clinicId),
            }))
          ) {
            report.textsSent++;
          }
        }
      }
    } while (cursor);
  }
  for (const slotId of slotsToCheck) {
    const slot = await getSlot(deps.store, slotId);
    if (!slot) continue;
    const result = await nextWave(deps, slot);
    if (result === 'sent') report.wavesSent++;
    if (result === 'unfilled') report.unfilled++;
    if (result === 'busy' && slot.backfill && slot.status !== 'OFFERING') await clearSlotCheck(deps, slot);
  }
  return report;
}

async function clearSlotCheck(deps: Deps, slot: Slot): Promise<void> {
  await deps.store.db
    .send(
      new UpdateCommand({
        TableName: deps.store.table,
        Key: keys.slot(slot.id),
        UpdateExpression: 'REMOVE expiryShard, expiryDueAt',
        ConditionExpression: '#status <> :offering',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':offering': 'OFFERING' },
      }),
    )
    .catch((err: unknown) => {
      if (!isConditionFailure(err)) throw err;
    });
}

/** For the local scheduler: when the offer sweep next has work. */
export async function nextOfferWork(deps: Deps): Promise<string | undefined> {
  return earliestExpiry(deps.store, offersByExpiry.allShards());
}
