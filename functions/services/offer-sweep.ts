/**
 * The every-minute offer sweep. It reads only what needs attention now from the offersByExpiry index:
 * slots whose run check is due (quiet hours over, every hold in the wave lapsed, or a run ended whose
 * offers are still to be settled), unsent offer texts, lapsed holds, and notices that are due (held
 * through quiet hours, or left by a sender that died).
 */

import type { Client, Slot } from '#core/model.ts';
import { isOpen } from '#core/offer-run.ts';
import type { Offer } from '#core/waitlist.ts';
import { getClient, getClients } from '#store/clients.ts';
import { getClinic } from '#store/clinics.ts';
import { offersByExpiry } from '#store/keys.ts';
import { dueForExpiry, earliestExpiry, settleOffer, toOffer } from '#store/offers.ts';
import { getSlot, toSlot } from '#store/slots.ts';
import { getEntry } from '#store/waitlist.ts';
import type { Deps } from './deps.ts';
import { nextWave, settleEndedRun } from './offer-run.ts';
import { sendDueNotice, sendOfferText } from './offer-texts.ts';

export interface OfferSweepReport {
  textsSent: number;
  expired: number;
  wavesSent: number;
  unfilled: number;
  /** Notices ("that time has gone") sent by this sweep, and those it dropped as no longer mattering. */
  noticesSent: number;
  noticesDropped: number;
}

interface Due {
  slots: Set<string>;
  lapsed: Offer[];
  unsent: Offer[];
  notices: Offer[];
}

async function readDue(deps: Deps, now: string): Promise<Due> {
  const due: Due = { slots: new Set(), lapsed: [], unsent: [], notices: [] };
  for (const shard of offersByExpiry.allShards()) {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await dueForExpiry(deps.store, shard, now, cursor);
      cursor = page.next;
      for (const item of page.items) {
        if (item.entity === 'Slot') {
          due.slots.add(toSlot(item).id);
          continue;
        }
        if (item.entity !== 'Offer') continue;
        const offer = toOffer(item);
        if (offer.status === 'PENDING') {
          if (offer.expiresAt <= now) due.lapsed.push(offer);
          else if (offer.textStatus === 'PENDING' || offer.textStatus === 'SENDING') due.unsent.push(offer);
        } else if (offer.notice?.state === 'DUE' || offer.notice?.state === 'SENDING') {
          due.notices.push(offer);
        }
      }
    } while (cursor);
  }
  return due;
}

export async function runOfferSweep(deps: Deps): Promise<OfferSweepReport> {
  const report: OfferSweepReport = {
    textsSent: 0,
    expired: 0,
    wavesSent: 0,
    unfilled: 0,
    noticesSent: 0,
    noticesDropped: 0,
  };
  const now = deps.now().toISOString();
  const due = await readDue(deps, now);
  const slots = new Map<string, Slot | undefined>();
  const slotOf = async (id: string) => {
    if (!slots.has(id)) slots.set(id, await getSlot(deps.store, id));
    return slots.get(id);
  };

  // A run that ended (staff booked the slot, say) settles its offers first, as WITHDRAWN or TAKEN with
  // their notices, so a hold lapsing in the same minute does not end them as EXPIRED instead.
  for (const slotId of due.slots) {
    const slot = await slotOf(slotId);
    if (!slot || !isOpen(slot.backfill?.state)) {
      const settled = await settleEndedRun(deps, slotId);
      count(report, settled.notices);
      slots.delete(slotId);
    }
  }
  for (const offer of due.lapsed) {
    const entry = await getEntry(deps.store, offer.entryId);
    if (await settleOffer(deps.store, offer, entry, 'EXPIRED', now)) report.expired++;
    due.slots.add(offer.slotId);
  }
  for (const offer of due.unsent) {
    const [slot, client] = await Promise.all([slotOf(offer.slotId), getClient(deps.store, offer.clientId)]);
    if (!slot || !client) continue;
    const clinic = await getClinic(deps.store, slot.clinicId);
    if (await sendOfferText(deps, offer, { slot, client, clinic })) report.textsSent++;
  }
  await sendDueNotices(deps, due.notices, slotOf, report);
  for (const slotId of due.slots) {
    slots.delete(slotId);
    const slot = await slotOf(slotId);
    if (!slot) continue;
    if (!isOpen(slot.backfill?.state)) {
      count(report, (await settleEndedRun(deps, slotId)).notices);
      continue;
    }
    const result = await nextWave(deps, slot);
    if (result === 'sent') report.wavesSent++;
    if (result === 'unfilled') report.unfilled++;
  }
  return report;
}

/**
 * Due notices, newest first per phone: a phone owed several (two offers taken overnight) gets the newest
 * only, since each says the same thing, and the rest are dropped as superseded.
 */
async function sendDueNotices(
  deps: Deps,
  notices: Offer[],
  slotOf: (id: string) => Promise<Slot | undefined>,
  report: OfferSweepReport,
): Promise<void> {
  if (notices.length === 0) return;
  const clients: Map<string, Client> = await getClients(
    deps.store,
    notices.map((o) => o.clientId),
  );
  const newest = new Map<string, Offer>();
  for (const offer of notices) {
    const best = newest.get(offer.phone);
    if (!best || (offer.respondedAt ?? '') > (best.respondedAt ?? '')) newest.set(offer.phone, offer);
  }
  for (const offer of notices) {
    const outcome = await sendDueNotice(deps, offer, {
      slot: await slotOf(offer.slotId),
      client: clients.get(offer.clientId),
      supersededByNewer: newest.get(offer.phone) !== offer,
    });
    count(report, [outcome]);
  }
}

function count(report: OfferSweepReport, outcomes: readonly string[]): void {
  for (const outcome of outcomes) {
    if (outcome === 'sent') report.noticesSent++;
    if (outcome === 'dropped') report.noticesDropped++;
  }
}

/** For the local scheduler: when the offer sweep next has work. */
export async function nextOfferWork(deps: Deps): Promise<string | undefined> {
  return earliestExpiry(deps.store, offersByExpiry.allShards());
}
