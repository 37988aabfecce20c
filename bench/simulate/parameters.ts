/**
 * Every behaviour parameter of the simulation, in one place: its value, where it comes from, and whether
 * it is an assumption. A parameter is `sourced` only when the cited work states that number (or a count
 * it is worked out from); everything else is `assumed`, with the reasoning or the work that gives only
 * the direction. The report prints this table as it is, so a reader can see what the model rests on.
 *
 * This is a model, not a trial: change a value here and the results change with it.
 */

export interface Parameter<T> {
  readonly value: T;
  /** Where the value comes from, or why it was chosen. */
  readonly source: string;
  readonly assumption: boolean;
}

const sourced = <T>(value: T, source: string): Parameter<T> => ({ value, source, assumption: false });
const assumed = <T>(value: T, source: string): Parameter<T> => ({ value, source, assumption: true });

export const SOURCES = {
  kentQi:
    'Kent Community Health NHS FT, "Reducing missed appointments in health visiting" (quality improvement case study), https://qi.kentcht.nhs.uk/reducing-missed-appointments-in-health-visiting/',
  kentMagazine:
    'KCHFT Community Health magazine, "A major drive has been launched to reduce thousands of missed NHS appointments", p. 10, https://kentcht.nhs.uk/wp-content/uploads/flipbook/48/files/basic-html/page10.html',
  kentImd:
    'Kent County Council, "The Index of Multiple Deprivation (IMD2019): headline findings for Kent", Strategic Commissioning Statistical Bulletin, January 2020',
  hallsworth:
    'Hallsworth M, Berry D, Sanders M, Sallis A, King D, Vlaev I, Darzi A. Stating appointment costs in SMS reminders reduces missed hospital appointments: findings from two randomised controlled trials. PLoS ONE 2015;10(9):e0137306. doi:10.1371/journal.pone.0137306',
  cochrane:
    'Gurol-Urganci I, de Jongh T, Vodopivec-Jamsek V, Atun R, Car J. Mobile phone messaging reminders for attendance at healthcare appointments. Cochrane Database of Systematic Reviews 2013, Issue 12, CD007458. doi:10.1002/14651858.CD007458.pub3',
  nhsEngland:
    'NHS England, "Reducing did not attends (DNAs) in outpatient services" (7.6% of 103 million outpatient appointments in 2021/22 were DNAs), https://www.england.nhs.uk/long-read/reducing-did-not-attends-dnas-in-outpatient-services/',
  scotland:
    'Campbell K, Millard A, McCartney G, McCullough S. Who is least likely to attend? An analysis of outpatient appointment "Did Not Attend" (DNA) data in Scotland. NHS Health Scotland, 2015',
  french:
    "French LRM, Turner KM, Morley H, Goldsworthy L, Sharp DJ, Hamilton-Shield J. Characteristics of children who do not attend their hospital appointments, and GPs' response. Br J Gen Pract 2017;67(660):e483-e489. doi:10.3399/bjgp17X691373",
  philpottMorgan:
    'Philpott-Morgan S, Thakrar DB, Symons J, Ray D, Ashrafian H, Darzi A. Characterising the nationwide burden and predictors of unkept outpatient appointments in the NHS in England. PLoS Med 2021;18(10):e1003783. doi:10.1371/journal.pmed.1003783',
  holdship:
    'Holdship J, Dhanoa H, Hopper A, et al. Developing a multivariate predictive model of hospital outpatient attendance for patients of all ages. medRxiv 2022. doi:10.1101/2022.01.24.22269733',
} as const;

export const PARAMETERS = {
  population: {
    contactsPerMonth: sourced(24_000, `${SOURCES.kentQi}: "about 24,000 contacts each month"`),
    clinics: assumed(
      25,
      'Kent health visiting runs from about two dozen hubs and clinics; 25 sites across the districts',
    ),
    /** Slots a trust sets up per contact it expects to book: some stay free for rebooking and new needs. */
    slotsPerContact: assumed(1.12, 'Clinics keep about one slot in nine free for new needs and rebooking'),
    shortNoticeFamilies: assumed(
      6_000,
      'Issue 15: about 6,000 families on the short-notice list at Kent scale',
    ),
    /** Of the families on the list, those who also hold a later booking they would give up for an earlier slot. */
    shortNoticeWithLaterBooking: assumed(0.3, 'Assumption'),
    siblingSharesPhone: assumed(
      0.15,
      "About one child in seven shares a parent's phone with a sibling seen the same month",
    ),
    /** IMD decile shares of the families, decile 1 = most deprived tenth of England. */
    imdDecileShares: assumed(
      [0.057, 0.075, 0.085, 0.095, 0.1, 0.11, 0.115, 0.12, 0.123, 0.12],
      `Decile 1 from ${SOURCES.kentImd} (51 of Kent's 901 LSOAs are in England's most deprived 10%); the other deciles are an assumption for a county a little less deprived than England`,
    ),
    needsCarer: assumed(0.05, 'Assumption: families who need a carer or an interpreter to attend'),
    parentalMentalHealth: assumed(
      0.12,
      'Assumption: perinatal mental health conditions affect about one mother in eight',
    ),
    vulnerable: assumed(0.06, 'Assumption: children with a safeguarding or vulnerability flag'),
    doNotText: assumed(0.02, 'Assumption: records marked do-not-text (for example a domestic-abuse risk)'),
    languages: assumed(
      { en: 0.9, pl: 0.04, ro: 0.03, ne: 0.02, cy: 0.01 },
      'Assumption: Kent families by language of their texts (Polish, Romanian and Nepali communities; few Welsh)',
    ),
    /** Share of the month's contacts by appointment type. */
    typeMix: assumed(
      {
        antenatal: 0.06,
        'new-birth-visit': 0.06,
        'six-to-eight-week-review': 0.06,
        'three-to-four-month-contact': 0.05,
        'one-year-review': 0.06,
        'two-year-review': 0.06,
        clinic: 0.4,
        'follow-up': 0.25,
      },
      'Assumption: Kent has about 17,000 births a year, so about 1,400 of each mandated Healthy Child Programme contact a month; the rest are child health clinics and targeted follow-ups',
    ),
    /** Days between booking and the appointment, [min, max], by type. */
    leadDays: assumed(
      {
        antenatal: [7, 28],
        'new-birth-visit': [2, 6],
        'six-to-eight-week-review': [10, 35],
        'three-to-four-month-contact': [10, 35],
        'one-year-review': [14, 42],
        'two-year-review': [14, 42],
        clinic: [1, 14],
        'follow-up': [3, 21],
      },
      'Assumption; reviews are offered inside the trust\'s 42-day booking horizon (Kent: "not booking appointments too far ahead")',
    ),
  },

  attendance: {
    /** The rate the model is normalised to with no reminders, no texts and no short-notice list. */
    baselineMissRate: sourced(
      0.115,
      `${SOURCES.kentMagazine}: DNA and WNB in health visiting "from 11.5 per cent to 7.7 per cent"`,
    ),
    /** What Kent reached with reminders, easy cancelling and short-notice lists; the model is calibrated towards it. */
    kentAfterRate: sourced(
      0.077,
      `${SOURCES.kentMagazine}; used only to calibrate the reminder parameters below`,
    ),
    imdQuintileRelativeRisk: assumed(
      [1.6, 1.3, 1.0, 0.85, 0.75],
      `Direction from ${SOURCES.scotland}, ${SOURCES.french} and ${SOURCES.kentQi} ("patients from the most deprived backgrounds are most likely to miss"); the size is an assumption (about 2x between the most and least deprived fifths)`,
    ),
    vulnerableRelativeRisk: assumed(
      2.0,
      `${SOURCES.french} found an adjusted odds ratio of 2.72 for a child-protection alert; 2.0 as a relative risk is an assumption`,
    ),
    parentalMentalHealthRelativeRisk: assumed(1.3, 'Assumption'),
    needsCarerRelativeRisk: assumed(1.3, 'Assumption'),
    /** Per earlier miss in the child's record, at most three counted. */
    priorMissRelativeRisk: assumed(
      1.5,
      `Direction from ${SOURCES.philpottMorgan} (recency and frequency of earlier unkept appointments are the strongest predictors) and ${SOURCES.holdship}; the size is an assumption`,
    ),
    /** Families with earlier misses on record, and how many. */
    priorMissShare: assumed(0.12, 'Assumption: children with at least one earlier DNA or WNB'),
    typeRelativeRisk: assumed(
      {
        antenatal: 0.8,
        'new-birth-visit': 0.5,
        'six-to-eight-week-review': 0.8,
        'three-to-four-month-contact': 1.0,
        'one-year-review': 1.2,
        'two-year-review': 1.4,
        clinic: 1.0,
        'follow-up': 1.1,
      },
      'Assumption: the early home visits are rarely missed, the later reviews most often',
    ),
    /** Per week of lead time beyond the first. */
    leadWeekRelativeRisk: assumed(
      1.06,
      `Direction from ${SOURCES.holdship} (the wait between booking and appointment predicts DNA) and ${SOURCES.kentQi}; the size is an assumption`,
    ),
    /** Of a child's misses, the share recorded as Was Not Brought rather than DNA (antenatal misses are DNA). */
    wasNotBroughtShare: assumed(0.55, 'Assumption'),
    /** Why a family would miss, if nothing changed their mind. */
    missReasons: assumed(
      { forgot: 0.35, work: 0.15, childcare: 0.15, transport: 0.1, unwell: 0.15, 'no-longer-needed': 0.1 },
      `Assumption; ${SOURCES.kentQi} names caring responsibilities, forgetting and work`,
    ),
    /** Families who cancel ahead whatever happens (illness, plans changed), as a share of bookings. */
    cancelAnyway: assumed(0.06, 'Assumption'),
    /** Would-be missers who phone to cancel, with or without texts. */
    phoneCancel: assumed(0.2, 'Assumption'),
    /** Short-notice families who took a slot by YES miss it less often. */
    shortNoticeTakerRelativeRisk: assumed(0.5, 'Assumption: they chose the time hours or days before'),
  },

  texts: {
    /** A family who would forget remembers, per reminder received (the confirmation does not count). */
    rememberPerReminder: assumed(
      0.35,
      `Calibrated so that reminders alone cut the modelled rate by about a fifth and all of Attend comes near Kent's 7.7%. ${SOURCES.cochrane} found text reminders raise attendance (RR 1.14, low-quality evidence); ${SOURCES.hallsworth} found wording alone moves DNA from 11.1% to 8.4%`,
    ),
    /** A family who cannot come replies CANCEL, per text received, when the text makes it easy. */
    cancelPerText: assumed(0.15, 'Calibrated as above'),
    /** Of cancellations by text, those that ask to rebook (REBOOK) rather than just cancel. */
    rebookShare: assumed(0.3, 'Assumption'),
    /** Replies written in words ("sorry cant make it, no bus") rather than the keyword. */
    naturalLanguageShare: assumed(0.4, 'Assumption'),
    /** A family with two children's bookings on one phone quotes the reference (else they are asked). */
    quotesReferenceWhenSeveral: assumed(0.6, 'Assumption'),
    /** Per text received. */
    stopPerText: assumed(0.001, 'Assumption'),
    freeTextPerText: assumed(0.012, 'Assumption: "thank you", questions, "is it ok to bring his sister?"'),
    helpPerText: assumed(0.001, 'Assumption'),
    /** Minutes from a text to a reply: median, and the share of replies sent that evening (20:00-23:00). */
    replyMedianMinutes: assumed(45, 'Assumption'),
    eveningReplyShare: assumed(0.05, 'Assumption: a reply after the children are in bed'),
  },

  offers: {
    accept: assumed(0.35, 'Assumption: a family on the list takes an offered time'),
    decline: assumed(0.25, 'Assumption: replies NO'),
    replyMedianMinutes: assumed(12, 'Assumption'),
    /** Acceptance falls for the most deprived families at short notice (transport, childcare), by IMD quintile. */
    acceptRelative: assumed([0.85, 0.9, 1.0, 1.05, 1.1], 'Assumption'),
  },

  staff: {
    /** Local times booking clerks book the day's appointments, outcomes are recorded, the inbox is read. */
    bookingTimes: assumed(
      ['09:30', '11:00', '14:00', '15:30'],
      'Assumption: a clerk works through the requests in batches',
    ),
    outcomesAt: assumed('17:15', 'Assumption: outcomes recorded at the end of each clinic day'),
    inboxAt: assumed('09:15', 'Assumption: the inbox is read every weekday morning'),
    /** Working days until staff phone a family who asked to rebook and book them into a free slot. */
    rebookCallDays: assumed(2, 'Assumption'),
  },
} as const;

export type AppointmentTypeId = keyof typeof PARAMETERS.population.typeMix.value;
export type MissReason = keyof typeof PARAMETERS.attendance.missReasons.value;

/** Every parameter as a flat list of rows, for the report. */
export function parameterRows(): { name: string; value: string; assumption: boolean; source: string }[] {
  const rows: { name: string; value: string; assumption: boolean; source: string }[] = [];
  for (const [group, entries] of Object.entries(PARAMETERS)) {
    for (const [name, p] of Object.entries(entries as Record<string, Parameter<unknown>>)) {
      rows.push({
        name: `${group}.${name}`,
        value: JSON.stringify(p.value),
        assumption: p.assumption,
        source: p.source,
      });
    }
  }
  return rows;
}
