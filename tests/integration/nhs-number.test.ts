/**
 * The NHS number against DynamoDB Local: one client per number (a conditional pointer item), found by
 * number, imported from CSV and FHIR, moved and cleared by a re-import, let go on erasure, and never
 * written to the log by the import.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { newClient } from '#core/client.ts';
import { ConflictError } from '#core/errors.ts';
import { mapCsv } from '#core/import-csv.ts';
import { mapFhir } from '#core/import-fhir.ts';
import type { ImportBatch, ImportContext, MapResult } from '#core/import-model.ts';
import type { Deps } from '#services/deps.ts';
import { eraseClient } from '#services/erasure.ts';
import { type ImportOptions, runImport } from '#services/import.ts';
import { clientByNhsNumber, createClient, getClient } from '#store/clients.ts';
import type { StoreContext } from '#store/context.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { scanEntity } from './helpers.ts';

const NOW = '2026-11-23T10:00:00.000Z';
// Valid NHS test numbers (999 range, modulus 11 check digit).
const NHS_A = '9990001014';
const NHS_B = '9990001022';
const NHS_C = '9990001030';

const HEADER =
  'source_system,clinic_id,clinic_name,venue,patient_id,nhs_number,first_name,mobile,appointment_id,appointment_type,date,time';
const row = (patient: string, nhs: string, appointment: string, time = '14:00', mobile = '07700 900123') =>
  `systmone,riverside,Riverside,Riverside,${patient},${nhs},Amelia,${mobile},${appointment},six-to-eight-week-review,2026-12-03,${time}`;
const csv = (...rows: string[]) => `${HEADER}\n${rows.join('\n')}\n`;

let store: StoreContext;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, NOW);
});

const contextOf = (d: Deps): ImportContext => ({
  appointmentTypes: d.config.appointmentTypes,
  allowedCountries: d.config.allowedCountries,
  timeZone: d.config.timeZone,
});
const batchOf = (result: MapResult): ImportBatch => {
  if (!result.ok) throw new Error(result.message);
  return result.batch;
};
const importCsv = (text: string, d: Deps = deps, options: Partial<ImportOptions> = {}) =>
  runImport(d, batchOf(mapCsv(text, contextOf(d))), {
    dryRun: false,
    confirm: false,
    by: 'staff:test',
    ...options,
  });

const aFamily = (nhsNumber: string | undefined, id: string) =>
  newClient(
    {
      firstName: 'Leo',
      familyName: 'Smith',
      phone: '+447700900456',
      ...(nhsNumber ? { nhsNumber } : {}),
      flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: false },
    },
    { id, now: NOW, defaultLanguage: 'en' },
  );

describe('one client per NHS number', () => {
  it('finds a client by their NHS number, and nobody by a number no client has', async () => {
    // Prepare
    await createClient(store, aFamily(NHS_A, 'leo'));

    // Act / Assess
    expect((await clientByNhsNumber(store, NHS_A))?.id).toBe('leo');
    expect(await clientByNhsNumber(store, NHS_B)).toBeUndefined();
  });

  it('refuses a second client with the same number, and writes nothing for it', async () => {
    // Prepare
    await createClient(store, aFamily(NHS_A, 'leo'));

    // Act
    const second = createClient(store, aFamily(NHS_A, 'other'));

    // Assess
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    await expect(second).rejects.toMatchObject({ code: 'NHS_NUMBER_IN_USE' });
    await expect(second).rejects.not.toThrow(NHS_A);
    expect(await getClient(store, 'other')).toBeUndefined();
  });

  it('lets exactly one of two clients created at once with the same number in', async () => {
    // Act
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => createClient(store, aFamily(NHS_A, `c${i}`))),
    );

    // Assess
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(await scanEntity(store, 'NhsNumber')).toHaveLength(1);
    expect(await scanEntity(store, 'Client')).toHaveLength(1);
  });

  it('lets the number go when the client is erased', async () => {
    // Prepare
    await createClient(store, aFamily(NHS_A, 'leo'));

    // Act
    await eraseClient(deps, { clientId: 'leo', by: 'staff:dpo' });

    // Assess
    expect(await clientByNhsNumber(store, NHS_A)).toBeUndefined();
    expect(await scanEntity(store, 'NhsNumber')).toEqual([]);
  });
});

describe('importing NHS numbers', () => {
  it('stores the 10 digits from CSV and finds the client by them', async () => {
    // Act
    const report = await importCsv(csv(row('P1', '999 000 1014', 'A1')));

    // Assess
    expect(report.summary.created).toBe(1);
    const client = await clientByNhsNumber(store, NHS_A);
    expect(client).toMatchObject({ id: report.rows[0]!.clientId, nhsNumber: NHS_A });
  });

  it('refuses a patient whose NHS number another client has, in Attend or earlier in the file', async () => {
    // Prepare
    await createClient(store, aFamily(NHS_A, 'leo'));

    // Act
    const report = await importCsv(
      csv(
        row('P1', NHS_A, 'A1'),
        row('P2', NHS_B, 'A2', '15:00'),
        row('P3', NHS_B, 'A3', '16:00', '07700 900789'),
      ),
    );

    // Assess
    const taken = [{ field: 'nhs_number', message: 'another client in Attend already has this NHS number' }];
    expect(report.rows.map((r) => [r.action, r.errors])).toEqual([
      ['rejected', taken],
      ['created', undefined],
      ['rejected', taken],
    ]);
    expect((await clientByNhsNumber(store, NHS_A))?.id).toBe('leo');
    expect((await clientByNhsNumber(store, NHS_B))?.id).toBe(report.rows[1]!.clientId);
  });

  it('moves the pointer when the EPR changes the number, and removes it when the EPR clears it', async () => {
    // Prepare
    const first = await importCsv(csv(row('P1', NHS_A, 'A1')));
    const clientId = first.rows[0]!.clientId!;

    // Act
    const changed = await importCsv(csv(row('P1', NHS_C, 'A1')));

    // Assess
    expect(changed.rows[0]).toMatchObject({ action: 'changed', changes: ['nhs_number'] });
    expect(await clientByNhsNumber(store, NHS_A)).toBeUndefined();
    expect((await clientByNhsNumber(store, NHS_C))?.id).toBe(clientId);

    // Act
    const cleared = await importCsv(csv(row('P1', '', 'A1')));

    // Assess
    expect(cleared.rows[0]).toMatchObject({ action: 'changed', changes: ['nhs_number'] });
    expect((await getClient(store, clientId))?.nhsNumber).toBeUndefined();
    expect(await scanEntity(store, 'NhsNumber')).toEqual([]);
  });

  it('reads the NHS number identifier of a FHIR Patient', async () => {
    // Prepare
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          fullUrl: 'urn:uuid:p1',
          resource: {
            resourceType: 'Patient',
            identifier: [
              { system: 'https://epr.example.org/patient-id', value: 'EPR-1' },
              { system: 'https://fhir.nhs.uk/Id/nhs-number', value: '999 000 1022' },
            ],
            name: [{ given: ['Cerys'] }],
            telecom: [{ system: 'phone', value: '07700 900210', use: 'mobile' }],
          },
        },
      ],
    };

    // Act
    const report = await runImport(deps, batchOf(mapFhir(bundle, contextOf(deps))), {
      dryRun: false,
      confirm: false,
      by: 'staff:test',
    });

    // Assess
    expect(report.rows[0]).toMatchObject({ kind: 'Patient', action: 'created' });
    expect((await clientByNhsNumber(store, NHS_B))?.id).toBe(report.rows[0]!.id);
  });

  it('writes no NHS number to the log, whatever happens in the import', async () => {
    // Prepare: a log that keeps every line, and an event bus that is down with an error that echoes
    // what it was sent (as a provider's error may)
    const lines: unknown[] = [];
    const keep = (...args: unknown[]) => {
      lines.push(args);
    };
    const logged: Deps = {
      ...deps,
      log: { info: keep, warn: keep, error: keep } as unknown as Deps['log'],
      events: {
        publish: async () => {
          throw new Error(`bus down while publishing for ${NHS_A}`);
        },
      },
    };
    await createClient(store, aFamily(NHS_C, 'leo'));

    // Act
    await importCsv(
      csv(row('P1', NHS_A, 'A1'), row('P2', NHS_C, 'A2', '15:00'), row('P3', '999 000 1001', 'A3')),
      logged,
    );
    await importCsv(csv(row('P1', NHS_B, 'A1')), logged, { dryRun: true });

    // Assess: the import did log (so the check is not vacuous), and no line holds a number
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const text = JSON.stringify(lines, (_, v) =>
      v instanceof Error ? { message: v.message, stack: v.stack } : v,
    );
    for (const n of [NHS_A, NHS_B, NHS_C, '9990001001']) expect(text).not.toContain(n);
  });
});
