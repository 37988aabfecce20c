/** Planning one patient: a new client, a changed one, or nothing to do. */
import { newClient } from './client.ts';
import type { PatientFields, PatientInput } from './import-model.ts';
import { type ClientChanges, outcome, type RecordPlan, rejected } from './import-plan.ts';
import { newRef, type PlanContext, type PlanState, refChange } from './import-planning.ts';
import type { SourceRecordOf } from './import-records.ts';
import type { Client } from './model.ts';

export function planPatient(
  ctx: PlanContext,
  state: PlanState,
  record: SourceRecordOf<PatientInput>,
): RecordPlan {
  const plan = (o: RecordPlan['outcome'], writes: RecordPlan['writes'] = []): RecordPlan => ({
    kind: 'Patient',
    key: record.k,
    phase: 'patients',
    outcome: o,
    writes,
  });
  const { held } = state;
  const f = record.input.fields;
  const ref = held.refs[record.k];
  if (!ref) {
    const client = newClient(
      {
        firstName: f.firstName,
        familyName: f.familyName ?? '',
        ...(f.phone ? { phone: f.phone } : {}),
        ...(f.nhsNumber ? { nhsNumber: f.nhsNumber } : {}),
        language: f.language ?? undefined,
        dateOfBirth: f.dateOfBirth ?? undefined,
        dueDate: f.dueDate ?? undefined,
        namedHealthVisitor: f.namedHealthVisitor ?? undefined,
        ...(f.address ? { address: f.address } : {}),
        flags: {
          imdDecile: f.imdDecile ?? undefined,
          needsCarer: f.needsCarer ?? false,
          parentalMentalHealth: f.parentalMentalHealth ?? false,
          vulnerable: f.vulnerable ?? false,
          doNotText: f.doNotText ?? false,
        },
        sourceRecord: record.key,
      },
      { now: ctx.now, defaultLanguage: ctx.config.defaultLanguage },
    );
    if (f.nhsNumber && held.nhsNumbers[f.nhsNumber]) return plan(nhsNumberTaken(ctx));
    if (f.nhsNumber) held.nhsNumbers[f.nhsNumber] = client.id;
    held.clients[client.id] = client;
    state.newIds.push(client.id);
    return plan(outcome('created', { id: client.id }), [
      { op: 'createClient', client, ref: newRef(ctx, 'Patient', record, client.id) },
    ]);
  }
  if (ref.sourceHash === record.hash) return plan(outcome('unchanged', { id: ref.attendId }));
  const client = held.clients[ref.attendId];
  if (!client) {
    return plan(
      rejected(
        ctx.label('patient'),
        "this patient's record was erased from Attend; an import does not bring it back",
      ),
    );
  }
  const changes = clientChanges(client, f);
  const change = refChange(ctx, 'Patient', record, ref);
  if (Object.keys(changes).length === 0) {
    return plan(outcome('unchanged', { id: client.id }), [{ op: 'touchRef', ref: change }]);
  }
  if (changes.nhsNumber !== undefined) {
    const holder = changes.nhsNumber === null ? undefined : held.nhsNumbers[changes.nhsNumber];
    if (holder !== undefined && holder !== client.id) return plan(nhsNumberTaken(ctx));
    if (client.nhsNumber) delete held.nhsNumbers[client.nhsNumber];
    if (changes.nhsNumber) held.nhsNumbers[changes.nhsNumber] = client.id;
  }
  held.clients[client.id] = { ...client, phone: changes.phone ?? client.phone };
  return plan(
    outcome('changed', {
      id: client.id,
      changes: Object.keys(changes).map((c) => ctx.label(c.replace(/^flags\./, ''))),
    }),
    [
      {
        op: 'updateClient',
        client,
        changes,
        liveBookings: changes.phone ? (held.liveBookings[client.id] ?? []) : [],
        ref: change,
      },
    ],
  );
}

/** Two clients cannot share an NHS number; the message never repeats it. */
const nhsNumberTaken = (ctx: PlanContext) =>
  rejected(ctx.label('nhsNumber'), 'another client in Attend already has this NHS number');

/** The changes that make `client` say what the source says; fields the source leaves out are kept. */
export function clientChanges(client: Client, f: PatientFields): ClientChanges {
  const changes: ClientChanges = {};
  const differs = (given: unknown, current: unknown) =>
    given !== undefined && (given ?? undefined) !== current;
  if (f.firstName !== client.firstName) changes.firstName = f.firstName;
  if (differs(f.familyName, client.familyName)) changes.familyName = f.familyName;
  // A row with no mobile keeps the number Attend has (staff clear a number with PATCH /clients/{id}).
  if (f.phone !== undefined && f.phone !== client.phone) changes.phone = f.phone;
  if (differs(f.nhsNumber, client.nhsNumber)) changes.nhsNumber = f.nhsNumber;
  if (differs(f.language, client.language)) changes.language = f.language;
  if (differs(f.dateOfBirth, client.dateOfBirth)) changes.dateOfBirth = f.dateOfBirth;
  if (differs(f.dueDate, client.dueDate)) changes.dueDate = f.dueDate;
  if (differs(f.namedHealthVisitor, client.namedHealthVisitor))
    changes.namedHealthVisitor = f.namedHealthVisitor;
  if (differs(f.imdDecile, client.flags.imdDecile)) changes['flags.imdDecile'] = f.imdDecile;
  if (differs(f.needsCarer, client.flags.needsCarer)) changes['flags.needsCarer'] = f.needsCarer;
  if (differs(f.parentalMentalHealth, client.flags.parentalMentalHealth))
    changes['flags.parentalMentalHealth'] = f.parentalMentalHealth;
  if (differs(f.vulnerable, client.flags.vulnerable)) changes['flags.vulnerable'] = f.vulnerable;
  if (differs(f.doNotText, client.flags.doNotText)) changes['flags.doNotText'] = f.doNotText;
  if (f.address !== undefined && JSON.stringify(f.address ?? undefined) !== JSON.stringify(client.address))
    changes.address = f.address;
  return changes;
}
