/**
 * The families, as agents. Each booking gets a fate when it is made, drawn from PARAMETERS (would the
 * family miss it, and why; would they cancel anyway), keyed so the four runs share it. What Attend
 * changes is what happens next: a reminder makes a forgetful family remember, a text makes cancelling
 * one reply away, an offer gives a waiting family an earlier time. Families only ever act through the
 * doors a real family has: a text to the trust's number, or a phone call to staff (who use the API).
 */
import { DateTime } from 'luxon';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { formatDay, formatTime } from '#core/local-time.ts';
import type { BookingOutcome } from '#core/model.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import type { Agenda } from './agenda.ts';
import { type AppointmentTypeId, type MissReason, PARAMETERS } from './parameters.ts';
import { type Purpose, phrase } from './phrases.ts';
import type { Child, Population } from './population.ts';
import { draw, replyDelayMinutes, weightedPick } from './random.ts';
import type { TextReader } from './reading.ts';

const A = PARAMETERS.attendance;
const T = PARAMETERS.texts;
const O = PARAMETERS.offers;
const ZONE = 'Europe/London';
const MIN = 60_000;
const HOUR = 60 * MIN;

/** A booking as a family knows it: from the API's answer, the set-up, or the "you're booked" text. */
export interface BookingView {
  id?: string;
  phone: string;
  ref: string;
  clientId: string;
  slotId: string;
  type: string;
  startsAt: string;
  bookedAt: string;
  source: 'staff' | 'import' | 'offer';
}

export interface Fate {
  willMiss: boolean;
  reason: MissReason;
  cancelAnyway: boolean;
  phones: boolean;
  decideAt: number;
  wnb: boolean;
}

export interface BookingState extends BookingView {
  key: string;
  fate: Fate;
  remembered: boolean;
  cancelSent: boolean;
  cancelled: boolean;
  textsSeen: number;
  remindersSeen: number;
}

/** What the families did, counted by them: half of the ground truth /metrics is checked against. */
export interface FamilyLog {
  texts: Partial<Record<Purpose, number>>;
  phoneCancels: number;
  offersSeen: number;
  textsSeen: number;
  unread: number;
  remembered: number;
}

const quintile = (decile: number | undefined) => Math.ceil((decile ?? 5) / 2);

/** How much likelier than average this booking is to be missed, before any calibration. */
export function relativeRisk(child: Child, type: string, leadDays: number, extraMisses = 0): number {
  const f = child.client.flags;
  const misses = Math.min(3, child.priorMisses + extraMisses);
  return (
    A.imdQuintileRelativeRisk.value[quintile(f.imdDecile) - 1]! *
    (f.vulnerable ? A.vulnerableRelativeRisk.value : 1) *
    (f.parentalMentalHealth ? A.parentalMentalHealthRelativeRisk.value : 1) *
    (f.needsCarer ? A.needsCarerRelativeRisk.value : 1) *
    A.priorMissRelativeRisk.value ** misses *
    (A.typeRelativeRisk.value[type as AppointmentTypeId] ?? 1) *
    A.leadWeekRelativeRisk.value ** Math.max(0, leadDays / 7 - 1)
  );
}

/**
 * The scale that makes the month's expected DNA+WNB rate with no Attend at all equal Kent's 11.5%,
 * counting the families who phone to cancel (they leave the denominator).
 */
export function calibrate(population: Population): number {
  const forgot = A.missReasons.value.forgot / Object.values(A.missReasons.value).reduce((s, w) => s + w, 0);
  const phoned = (1 - forgot) * A.phoneCancel.value;
  const risks = population.bookings.map((b) =>
    relativeRisk(population.children.get(b.clientId)!, b.slot.type, b.leadDays),
  );
  const rate = (k: number) => {
    let missed = 0;
    let kept = 0;
    for (const r of risks) {
      const p = Math.min(0.9, k * r);
      missed += p * (1 - phoned);
      kept += 1 - (1 - p) * A.cancelAnyway.value - p * phoned;
    }
    return missed / kept;
  };
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 50; i++) {
    const mid = (lo + hi) / 2;
    if (rate(mid) < A.baselineMissRate.value) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** The next weekday office minute (09:00-17:00) at or after `at`. */
function officeHours(at: number): number {
  let t = DateTime.fromMillis(at, { zone: ZONE });
  for (let i = 0; i < 8; i++) {
    if (t.weekday <= 5 && t.hour >= 9 && t.hour < 17) return t.toMillis();
    t = (t.hour >= 17 || t.weekday > 5 ? t.plus({ days: 1 }) : t).set({ hour: 9, minute: 30 });
  }
  return t.toMillis();
}

export class Families {
  readonly log: FamilyLog = {
    texts: {},
    phoneCancels: 0,
    offersSeen: 0,
    textsSeen: 0,
    unread: 0,
    remembered: 0,
  };
  /**
   * Phone → [from, to) spans of outbox positions in which the family had opted out (to = Infinity while
   * it lasts): positions rather than times, because a STOP and a reminder can share a virtual minute.
   */
  readonly optedOut = new Map<string, [number, number][]>();
  private readonly byRef = new Map<string, BookingState>();
  /** The same states by phone, in the order they were registered (a Kent-sized month has tens of thousands). */
  private readonly byPhone = new Map<string, BookingState[]>();
  private readonly childrenByPhone = new Map<string, Child[]>();
  private readonly waitingType = new Map<string, string>();
  private readonly extraMisses = new Map<string, number>();
  private slotIndex: Map<string, Population['slots']> | undefined;

  constructor(
    private readonly input: {
      population: Population;
      config: TrustConfig;
      texting: boolean;
      agenda: Agenda;
      reader: TextReader;
      /** The calibration constant from `calibrate`. */
      k: number;
    },
  ) {
    for (const child of input.population.children.values()) {
      const list = this.childrenByPhone.get(child.client.phone!) ?? [];
      list.push(child);
      this.childrenByPhone.set(child.client.phone!, list);
    }
    for (const w of input.population.waiting) this.waitingType.set(w.clientId, w.type);
  }

  state(phone: string, ref: string): BookingState | undefined {
    return this.byRef.get(`${phone}|${ref}`);
  }

  /** By the key actions carry: `<phone>|<ref>`. */
  stateByKey(key: string): BookingState | undefined {
    return this.byRef.get(key);
  }

  /** What will become of a booking if nothing changes the family's mind; the same in every run. */
  fateOf(view: BookingView): Fate {
    const child = this.input.population.children.get(view.clientId)!;
    const key = `${view.clientId}|${view.slotId}`;
    const start = Date.parse(view.startsAt);
    const booked = Date.parse(view.bookedAt);
    const leadDays = (start - booked) / 86_400_000;
    const risk =
      relativeRisk(child, view.type, leadDays, this.extraMisses.get(view.clientId) ?? 0) *
      (view.source === 'offer' ? A.shortNoticeTakerRelativeRisk.value : 1);
    const willMiss = draw(key, 'miss') < Math.min(0.9, this.input.k * risk);
    const reason = weightedPick(A.missReasons.value, draw(key, 'reason'));
    return {
      willMiss,
      reason,
      cancelAnyway: !willMiss && draw(key, 'anyway') < A.cancelAnyway.value,
      phones: willMiss && reason !== 'forgot' && draw(key, 'phone') < A.phoneCancel.value,
      decideAt: officeHours(booked + draw(key, 'when') * Math.max(0, start - 3 * HOUR - booked)),
      wnb: view.type !== 'antenatal' && draw(key, 'wnb') < A.wasNotBroughtShare.value,
    };
  }

  /** A new booking: its fate is drawn, and a family who will cancel ahead plans when. */
  register(view: BookingView): BookingState {
    const key = `${view.clientId}|${view.slotId}`;
    const start = Date.parse(view.startsAt);
    const fate = this.fateOf(view);
    const state: BookingState = {
      ...view,
      key,
      fate,
      remembered: false,
      cancelSent: false,
      cancelled: false,
      textsSeen: 0,
      remindersSeen: 0,
    };
    this.byRef.set(`${view.phone}|${view.ref}`, state);
    const ofPhone = this.byPhone.get(view.phone);
    if (ofPhone) ofPhone.push(state);
    else this.byPhone.set(view.phone, [state]);
    if ((fate.cancelAnyway || fate.phones) && fate.decideAt < start - HOUR) {
      this.input.agenda.add(fate.decideAt, {
        kind: 'phone-cancel',
        stateKey: `${view.phone}|${view.ref}`,
        rebook: draw(key, 'rebook') < T.rebookShare.value,
      });
    }
    return state;
  }

  /** The bookings texted to one phone, in the order they were registered. */
  private statesOf(phone: string): readonly BookingState[] {
    return this.byPhone.get(phone) ?? [];
  }

  /** Whether the family can text the trust about this booking (they have had a text from it). */
  canText(state: BookingState): boolean {
    return (
      this.input.texting && state.textsSeen > 0 && !this.isOptedOut(state.phone, Number.POSITIVE_INFINITY)
    );
  }

  isOptedOut(phone: string, at: number): boolean {
    return (this.optedOut.get(phone) ?? []).some(([from, to]) => from <= at && at < to);
  }

  noteOptOut(phone: string, at: number, out: boolean): void {
    const spans = this.optedOut.get(phone) ?? [];
    const open = spans.find(([, to]) => to === Number.POSITIVE_INFINITY);
    if (out && !open) spans.push([at, Number.POSITIVE_INFINITY]);
    if (!out && open) open[1] = at;
    this.optedOut.set(phone, spans);
  }

  noteMiss(clientId: string): void {
    this.extraMisses.set(clientId, (this.extraMisses.get(clientId) ?? 0) + 1);
  }

  /** A text arrived on a family's phone: read it, and perhaps plan a reply. */
  onText(index: number, entry: OutboxEntry): void {
    const family = this.childrenByPhone.get(entry.to);
    if (!family) return;
    this.log.textsSeen++;
    const read = this.input.reader.read(entry.body);
    if (!read) {
      this.log.unread++;
      return;
    }
    const at = Date.parse(entry.at);
    const u = (what: string) => draw(entry.to, index, what);
    switch (read.key) {
      case 'confirmation':
      case 'moved':
      case 'reminder': {
        const state = read.vars.ref ? this.state(entry.to, read.vars.ref) : undefined;
        if (!state || state.cancelled) return;
        state.textsSeen++;
        if (read.key === 'reminder') state.remindersSeen++;
        const { fate } = state;
        if (fate.willMiss && fate.reason === 'forgot' && !state.remembered && read.key === 'reminder') {
          if (draw(state.key, 'remember', state.remindersSeen) < T.rememberPerReminder.value) {
            state.remembered = true;
            this.log.remembered++;
          }
        }
        if (!state.cancelSent && fate.willMiss && fate.reason !== 'forgot') {
          if (draw(state.key, 'cancel', state.textsSeen) < T.cancelPerText.value) {
            const rebook = draw(state.key, 'rebook') < T.rebookShare.value;
            this.reply(state, rebook ? 'rebook' : 'cancel', at, u('delay'));
            return;
          }
        }
        if (u('stop') < T.stopPerText.value) this.replyPlain(entry.to, 'stop', at, u('delay'));
        else if (u('free') < T.freeTextPerText.value)
          this.replyPlain(entry.to, 'free', at, u('delay'), u('which'));
        else if (u('help') < T.helpPerText.value) this.replyPlain(entry.to, 'help', at, u('delay'));
        return;
      }
      case 'offer': {
        this.log.offersSeen++;
        const child = family.find((c) => this.waitingType.has(c.client.id)) ?? family[0]!;
        const q = quintile(child.client.flags.imdDecile);
        const accept = O.accept.value * O.acceptRelative.value[q - 1]!;
        const v = u('answer');
        const answer: Purpose | undefined =
          v < accept ? 'yes' : v < accept + O.decline.value ? 'no' : undefined;
        if (answer) this.replyPlain(entry.to, answer, at, u('delay'), u('which'), O.replyMedianMinutes.value);
        return;
      }
      case 'offerAccepted': {
        const slot = this.slotFromText(read.vars);
        const child = family.find((c) => slot && this.waitingType.get(c.client.id) === slot.type);
        if (slot && child && read.vars.ref) {
          this.register({
            phone: entry.to,
            ref: read.vars.ref,
            clientId: child.client.id,
            slotId: slot.id,
            type: slot.type,
            startsAt: slot.startsAt,
            bookedAt: entry.at,
            source: 'offer',
          }).textsSeen = 1;
        }
        return;
      }
      case 'chooseBooking': {
        // They did not say which child: they answer again with the reference.
        const pending = this.statesOf(entry.to).find((s) => s.cancelSent && !s.cancelled);
        if (pending)
          this.input.agenda.add(at + 3 * MIN, {
            kind: 'text',
            phone: entry.to,
            purpose: 'cancel',
            body: phrase('cancel', { language: 'en', inWords: false, u: 0, ref: pending.ref }),
            stateKey: `${pending.phone}|${pending.ref}`,
          });
        return;
      }
      case 'cancelConfirmed':
      case 'cancelConfirmedLate':
      case 'alreadyCancelled':
      case 'rebookRequested':
      case 'cancelledByStaff':
      case 'cancelledNotNeeded': {
        const state = read.vars.ref
          ? this.state(entry.to, read.vars.ref)
          : this.statesOf(entry.to).find((s) => s.cancelSent && !s.cancelled);
        if (state) state.cancelled = true;
        return;
      }
      default:
        return;
    }
  }

  /** The slot a text names (venue, day and time), looked up in the trust's sessions. */
  private slotFromText(vars: Partial<Record<string, string>>) {
    if (!this.slotIndex) {
      this.slotIndex = new Map();
      for (const s of this.input.population.slots) {
        const at = `${s.clinicId}|${formatTime(s.startsAt, ZONE)}`;
        this.slotIndex.set(at, [...(this.slotIndex.get(at) ?? []), s]);
      }
    }
    const clinic = this.input.population.clinics.find((c) => c.venue === vars.venue);
    if (!clinic || !vars.time || !vars.day) return undefined;
    return this.slotIndex
      .get(`${clinic.id}|${vars.time}`)
      ?.find((s) => ['en', 'cy', 'pl', 'ro'].some((l) => formatDay(s.startsAt, ZONE, l) === vars.day));
  }

  /** A cancellation or rebook request by text, about one booking, before it starts. */
  reply(state: BookingState, purpose: 'cancel' | 'rebook', at: number, u: number): void {
    const when = this.replyTime(at, u, T.replyMedianMinutes.value);
    if (when > Date.parse(state.startsAt) - 30 * MIN) return;
    state.cancelSent = true;
    const language = this.languageOf(state.phone);
    const several = this.statesOf(state.phone).some((s) => !s.cancelled && s !== state);
    const quote = several && draw(state.key, 'quote') < T.quotesReferenceWhenSeveral.value;
    const body = phrase(purpose, {
      language,
      inWords: draw(state.key, 'words') < T.naturalLanguageShare.value,
      u: draw(state.key, 'phrase'),
      reason: state.fate.cancelAnyway ? undefined : state.fate.reason,
      ...(quote ? { ref: state.ref } : {}),
    });
    this.input.agenda.add(when, {
      kind: 'text',
      phone: state.phone,
      purpose,
      body,
      stateKey: `${state.phone}|${state.ref}`,
    });
  }

  private replyPlain(
    phone: string,
    purpose: Purpose,
    at: number,
    u: number,
    which = 0,
    median = T.replyMedianMinutes.value,
  ): void {
    const language = this.languageOf(phone);
    const body = phrase(purpose, { language, inWords: which < T.naturalLanguageShare.value, u: which });
    this.input.agenda.add(this.replyTime(at, u, median), { kind: 'text', phone, purpose, body });
  }

  private replyTime(at: number, u: number, median: number): number {
    // A few reply in the evening, once the children are in bed: inside quiet hours for the trust's texts.
    if (u > 1 - T.eveningReplyShare.value) {
      const minutes = Math.floor(((1 - u) / T.eveningReplyShare.value) * 180);
      const evening = DateTime.fromMillis(at, { zone: ZONE }).set({ hour: 20, minute: 0 }).plus({ minutes });
      if (evening.toMillis() > at) return evening.toMillis();
    }
    return at + replyDelayMinutes(median, u) * MIN;
  }

  private languageOf(phone: string): string {
    return this.childrenByPhone.get(phone)?.[0]?.client.language ?? 'en';
  }

  /** How the booking ends if it is still booked when the clinic runs (`view` for one no family saw made). */
  outcomeFor(state: BookingState | undefined, view: BookingView): BookingOutcome {
    const fate = state?.fate ?? this.fateOf(view);
    const misses = fate.willMiss && !(fate.reason === 'forgot' && state?.remembered);
    if (!misses) return 'ATTENDED';
    this.noteMiss(view.clientId);
    return fate.wnb ? 'WNB' : 'DNA';
  }
}
