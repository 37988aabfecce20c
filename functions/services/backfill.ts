/**
 * The short-notice list: a freed slot is offered by text to the eligible families who most need it, in
 * waves of K with a hold each; the first YES takes it. Every state change is a conditional write or a
 * transaction, so a stream record delivered twice, a crash mid-wave, or ten families answering YES in
 * the same second still end with at most one booking, no family offered twice and no family told twice.
 *
 * This module is the service's front door (the stream and sweep entries, the reply handler and the
 * tests import from here). The parts:
 * - core/offer-run.ts: the state machine, as one table (slot, run and offer states; notices);
 * - store/slot-runs.ts, store/offers.ts, store/offer-texts.ts: one named, conditional write per row;
 * - offer-run.ts: starting a run, waves, ending and settling a run;
 * - offer-answers.ts: YES and NO;
 * - offer-texts.ts: the offer text and the once-per-offer notice;
 * - offer-sweep.ts: the every-minute sweep.
 */
export { type AcceptOutcome, acceptOffer, declineOffer } from './offer-answers.ts';
export {
  nextWave,
  type SettleReport,
  type StartOutcome,
  selectCandidates,
  settleEndedRun,
  startBackfill,
} from './offer-run.ts';
export { nextOfferWork, type OfferSweepReport, runOfferSweep } from './offer-sweep.ts';
export { answerWithNotice, type NoticeOutcome, sendDueNotice, sendOfferText } from './offer-texts.ts';
