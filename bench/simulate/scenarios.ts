/**
 * The simulated trust's config and the four runs the report compares. Each run is the same trust config
 * with a few settings overridden (a trust could set them the same way), never a different code path:
 *
 * - `no-attend`: no confirmation, no reminders, no short-notice offers: families only phone;
 * - `reminders`: confirmations and reminders, cancelling by text; freed slots are not offered;
 * - `backfill-no-equity`: and the short-notice list, with the equity weights of the priority score at 0;
 * - `everything`: Attend as configured.
 */
import type { AppointmentTypeConfig } from '#core/config/appointment-types.ts';
import { parseTrustConfig, type TrustConfig } from '#core/config/trust-config.ts';

export const SCENARIOS = ['no-attend', 'reminders', 'backfill-no-equity', 'everything'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export const SCENARIO_LABELS: Record<Scenario, string> = {
  'no-attend': 'No Attend',
  reminders: 'Reminders only',
  'backfill-no-equity': 'Reminders + short-notice list, no equity weights',
  everything: 'Everything',
};

/** Longer than any slot's lead: a freed slot is past the cutoff at once, so it is never offered. */
const NEVER_OFFER_MINUTES = 366 * 24 * 60;

const threeTiers = (example: TrustConfig) => example.appointmentTypes['six-to-eight-week-review']!.tiers;

/**
 * The Healthy Child Programme types of config/trusts/example.json with clinic-session lengths (20 and
 * 30 minutes), plus the 3-4 month contact and targeted follow-ups, which the example does not list.
 */
function appointmentTypes(example: TrustConfig): Record<string, AppointmentTypeConfig> {
  const from = (id: string, durationMinutes: number): AppointmentTypeConfig => {
    const type = example.appointmentTypes[id];
    if (!type) throw new Error(`config/trusts/example.json has no appointment type "${id}"`);
    return { ...type, durationMinutes };
  };
  return {
    antenatal: from('antenatal', 30),
    'new-birth-visit': from('new-birth-visit', 30),
    'six-to-eight-week-review': from('six-to-eight-week-review', 30),
    'three-to-four-month-contact': {
      names: {
        en: '3-4 month contact',
        cy: 'cyswllt 3-4 mis',
        pl: 'wizyta 3-4 miesiące',
        ro: 'control 3-4 luni',
      },
      durationMinutes: 30,
      ageWindowDays: { from: 84, to: 140 },
      tiers: threeTiers(example),
      templates: {},
    },
    'one-year-review': from('one-year-review', 30),
    'two-year-review': from('two-year-review', 30),
    clinic: from('clinic', 20),
    'follow-up': {
      names: {
        en: 'health visitor follow-up',
        cy: 'ymweliad dilynol',
        pl: 'wizyta kontrolna',
        ro: 'vizită de control',
      },
      durationMinutes: 30,
      tiers: example.appointmentTypes.clinic!.tiers,
      templates: {},
    },
  };
}

/** The trust config one run uses: the example trust with the simulation's types and the run's overrides. */
export function scenarioConfig(example: TrustConfig, scenario: Scenario): TrustConfig {
  const types = appointmentTypes(example);
  const weights = example.shortNotice.priorityWeights;
  const config: TrustConfig = {
    ...example,
    trustId: 'simulated',
    trustName: 'Simulated Community Health NHS Trust',
    appointmentTypes:
      scenario === 'no-attend'
        ? Object.fromEntries(Object.entries(types).map(([id, t]) => [id, { ...t, tiers: [] }]))
        : types,
    reminders: { ...example.reminders, confirmation: scenario !== 'no-attend' },
    shortNotice: {
      ...example.shortNotice,
      cutoffMinutes:
        scenario === 'no-attend' || scenario === 'reminders'
          ? NEVER_OFFER_MINUTES
          : example.shortNotice.cutoffMinutes,
      priorityWeights:
        scenario === 'backfill-no-equity'
          ? {
              ...weights,
              imdDecile1to2: 0,
              imdDecile3to4: 0,
              needsCarer: 0,
              parentalMentalHealth: 0,
              vulnerable: 0,
            }
          : weights,
    },
  };
  // Through the schema, so an override a trust could not write fails here.
  return parseTrustConfig(config, `simulation config (${scenario})`);
}

/** Whether families in this run get texts at all (otherwise they phone). */
export const textsOn = (scenario: Scenario) => scenario !== 'no-attend';
