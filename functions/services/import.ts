/**
 * Imports what an EPR export says (patients, slots, appointments) into Attend, idempotently: each source
 * record is keyed by its source system and id through a pointer item, and a record whose source says
 * exactly what it said last time is left alone. Bad rows are reported one by one and the good ones
 * still import.
 *
 * The stages, each in its own place:
 * 1. parse: the API reads the CSV file or Bundle (core/import-csv.ts, core/import-fhir.ts) into a batch,
 *    and collectRecords (core/import-records.ts) finds its distinct records;
 * 2. match: matchImport (import-match.ts) reads what Attend holds that the records touch;
 * 3. plan: planImport (core/import-planner.ts) decides each record's outcome and writes, as plain data;
 * 4. apply: applyPlan (import-apply.ts) carries out the writes. A dry run stops after the plan.
 */

import type { ImportBatch } from '#core/import-model.ts';
import { planImport } from '#core/import-planner.ts';
import { planContext } from '#core/import-planning.ts';
import { collectRecords } from '#core/import-records.ts';
import { buildReport, type ImportOptions, type ImportReport } from '#core/import-report.ts';
import type { Deps } from './deps.ts';
import { applyPlan } from './import-apply.ts';
import { matchImport } from './import-match.ts';

export type { ImportAction, ImportOptions, ImportReport, ImportRow } from '#core/import-report.ts';

export async function runImport(
  deps: Deps,
  batch: ImportBatch,
  options: ImportOptions,
): Promise<ImportReport> {
  const started = Date.now();
  const records = collectRecords(batch);
  const holdings = await matchImport(deps, records, { dryRun: options.dryRun });
  const ctx = planContext({
    batch,
    records,
    config: deps.config,
    now: deps.now().toISOString(),
    by: options.by,
    confirm: options.confirm,
    reminderPlans: !options.dryRun,
  });
  const { plan, state } = planImport(ctx, holdings);
  const warnings: string[] = [];
  let clinicsCreated = plan.clinics.map((c) => c.id);
  if (!options.dryRun) {
    const applied = await applyPlan(deps, ctx, plan, state);
    clinicsCreated = applied.clinicsCreated;
    if (applied.events.length > 0) {
      try {
        await deps.events.publish(applied.events);
      } catch (err) {
        // The records are written and a re-import will not repeat them, so the caller must hear of it.
        // Only the error's name: a provider's message may echo what it was sent.
        deps.log.error('import events not published', {
          count: applied.events.length,
          error: (err as Error).name,
        });
        warnings.push(
          `${applied.events.length} domain events (AppointmentBooked/AppointmentCancelled) could not be put on the event bus; the bookings themselves are saved`,
        );
      }
    }
  }
  const report = buildReport({
    batch,
    records,
    options,
    entryErrors: plan.entryErrors,
    outcomes: state.outcomes,
    virtualIds: plan.newIds,
    clinicsCreated,
    warnings,
  });
  deps.log.info('import finished', {
    format: batch.format,
    dryRun: options.dryRun,
    summary: report.summary,
    clinicsCreated: report.clinicsCreated.length,
    ms: Date.now() - started,
  });
  return report;
}
