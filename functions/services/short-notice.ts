/**
 * The short-notice list as staff look at it: each waiting family with their score worked out now and
 * what it is made of, their availability and the dates they can be offered; and the runs of offers under
 * way, each with this run's offers. Read-only: offering is the backfill's (services/offer-run.ts).
 */
import { dateRangeFor, scoreEntry } from '#core/eligibility.ts';
import { ValidationError } from '#core/errors.ts';
import type { Slot } from '#core/model.ts';
import type { Offer, ScorePart, WaitlistEntry } from '#core/waitlist.ts';
import { getClients } from '#store/clients.ts';
import { offersBySlot } from '#store/offers.ts';
import { slotsUnderOffer } from '#store/slots.ts';
import { waitingByType } from '#store/waitlist.ts';
import type { Deps } from './deps.ts';

export interface ExplainedEntry extends WaitlistEntry {
  /** The child's (or expectant parent's) names; absent when the client record is gone. */
  firstName?: string;
  familyName?: string;
  /**
   * The family has no mobile: they stay on the list (staff may ring them when a slot frees) but the
   * short-notice run never offers them a slot, an offer being a text (eligibility reason `no-phone`).
   */
  noMobile?: boolean;
  /** The score now (the stored `score` is from when the entry was last written) and its parts. */
  scoreNow: number;
  breakdown: ScorePart[];
  /** The dates a slot must fall between: the entry's own, else the Healthy Child Programme window. */
  dates: ReturnType<typeof dateRangeFor>;
}

export async function explainedList(
  deps: Deps,
  query: { type: string; limit?: number; cursor?: string },
): Promise<{ items: ExplainedEntry[]; cursor?: string }> {
  const typeConfig = deps.config.appointmentTypes[query.type];
  if (!typeConfig) {
    throw new ValidationError('Query is invalid', [
      {
        field: 'query.type',
        message: `unknown appointment type; one of: ${Object.keys(deps.config.appointmentTypes).join(', ')}`,
      },
    ]);
  }
  const found = await waitingByType(deps.store, query.type, { limit: query.limit, cursor: query.cursor });
  const clients = await getClients(
    deps.store,
    found.items.map((e) => e.clientId),
  );
  const now = deps.now().toISOString();
  const items = found.items.map((entry): ExplainedEntry => {
    const client = clients.get(entry.clientId);
    if (!client) {
      return { ...entry, scoreNow: entry.score, breakdown: [], dates: dateRangeFor(entry, {}, typeConfig) };
    }
    const { score, breakdown } = scoreEntry(entry, client, typeConfig, deps.config, now);
    return {
      ...entry,
      firstName: client.firstName,
      familyName: client.familyName,
      ...(client.phone === undefined ? { noMobile: true } : {}),
      scoreNow: score,
      breakdown,
      dates: dateRangeFor(entry, client, typeConfig),
    };
  });
  return found.cursor ? { items, cursor: found.cursor } : { items };
}

export interface LiveRun {
  slot: Slot;
  /** The offers of the slot's current run, oldest first, each with the family's first name. */
  offers: (Offer & { firstName?: string })[];
}

export async function liveRuns(deps: Deps): Promise<LiveRun[]> {
  const slots = await slotsUnderOffer(deps.store);
  const runs = await Promise.all(
    slots.map(async (slot) => ({
      slot,
      offers: (await offersBySlot(deps.store, slot.id)).filter((o) => o.runId === slot.backfill?.runId),
    })),
  );
  const clients = await getClients(
    deps.store,
    runs.flatMap((r) => r.offers.map((o) => o.clientId)),
  );
  return runs.map((run) => ({
    slot: run.slot,
    offers: run.offers.map((offer) => {
      const firstName = clients.get(offer.clientId)?.firstName;
      return firstName === undefined ? offer : { ...offer, firstName };
    }),
  }));
}
