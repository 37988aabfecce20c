import { describe, expect, it } from 'vitest';
import {
  byClient,
  byClinicDay,
  byPhone,
  dueReminders,
  foldName,
  importUploads,
  keys,
  lookup,
  metricsKeys,
  offersByExpiry,
  openByKind,
  shardOf,
  slotCollection,
  waitlistByType,
} from '#store/keys.ts';

// Stored keys outlive the code that wrote them: these pin every key format, so moving a builder into
// keys.ts (or tidying one) can never change what is already in a trust's table.
describe('keys', () => {
  it('builds the record keys', () => {
    expect(keys.slot('s1')).toEqual({ pk: 'SLOT#s1', sk: 'SLOT' });
    expect(keys.offer('s1', 'o1')).toEqual({ pk: 'SLOT#s1', sk: 'OFFER#o1' });
    expect(keys.waitlistEntry('c1.clinic')).toEqual({ pk: 'WAITLIST#c1.clinic', sk: 'WAITLIST' });
    expect(keys.inboxItem('i1')).toEqual({ pk: 'INBOX#i1', sk: 'INBOX' });
    expect(keys.audit('2026-11-16T10:00:00.000Z', 42, 'a1')).toEqual({
      pk: 'AUDIT#2026-11-16',
      sk: '2026-11-16T10:00:00.000Z#0000000000000042#a1',
    });
    expect(keys.auditPartition('2026-11-16')).toBe('AUDIT#2026-11-16');
    expect(keys.localState('CLOCK')).toEqual({ pk: 'LOCAL#CLOCK', sk: 'LOCAL#CLOCK' });
    expect(keys.nhsNumber('9434765919')).toEqual({ pk: 'NHSNUMBER#9434765919', sk: 'NHSNUMBER' });
    expect(keys.healthProbe).toEqual({ pk: 'HEALTH', sk: 'HEALTH' });
  });

  it('puts a slot and its offers in one item collection', () => {
    const slot = keys.slot('s1');
    const offer = keys.offer('s1', 'o1');
    expect(offer.pk).toBe(slot.pk);
    expect(slotCollection.partition('s1')).toBe(slot.pk);
    expect(offer.sk.startsWith(slotCollection.prefix.offer)).toBe(true);
    expect(slot.sk.startsWith(slotCollection.prefix.offer)).toBe(false);
  });

  it('tells byPhone item kinds apart by their named prefixes', () => {
    const items = {
      client: byPhone.client('+447700900123', 'c1'),
      liveBooking: byPhone.liveBooking('+447700900123', '2026-12-03T14:00:00.000Z', 'b1'),
      message: byPhone.message('+447700900123', '2026-12-01T10:00:00.000Z', 'm1'),
      liveOffer: byPhone.liveOffer('+447700900123', '2026-12-01T10:00:00.000Z', 'o1'),
    };
    expect(items.liveOffer).toEqual({
      phonePk: 'PHONE#+447700900123',
      phoneSk: 'OFFER#2026-12-01T10:00:00.000Z#o1',
    });
    expect(items.message.phoneSk).toBe('MSG#2026-12-01T10:00:00.000Z#m1');
    for (const [kind, item] of Object.entries(items)) {
      const matching = Object.entries(byPhone.prefix).filter(([, p]) => item.phoneSk.startsWith(p));
      expect(matching.map(([k]) => k)).toEqual([kind]);
    }
    expect(byPhone.messageRange()).toEqual({ from: 'MSG#', to: 'MSG#~' });
    expect(byPhone.messageRange('2026-12-01')).toEqual({ from: 'MSG#2026-12-01', to: 'MSG#~' });
  });

  it('builds the byClinicDay, waitlistByType and openByKind index keys', () => {
    expect(byClinicDay.slot('riverside', '2026-12-03', '2026-12-03T14:00:00.000Z', 's1')).toEqual({
      clinicDayPk: 'CLINIC#riverside#DAY#2026-12-03',
      clinicDaySk: 'SLOT#2026-12-03T14:00:00.000Z#s1',
    });
    expect(waitlistByType.entry('clinic', 42.5)).toEqual({
      waitlistPk: 'WAITLIST#clinic',
      waitlistScore: 42.5,
    });
    expect(waitlistByType.partition('clinic')).toBe('WAITLIST#clinic');
    expect(openByKind.inbox('2026-12-01T10:00:00.000Z', 'i1')).toEqual({
      openPk: 'OPEN#INBOX',
      openSk: '2026-12-01T10:00:00.000Z#i1',
    });
  });

  it('shards due reminders and the offersByExpiry index by id', () => {
    expect(dueReminders.entry('b1', '2026-12-01T10:00:00.000Z')).toEqual({
      dueShard: `DUE#${shardOf('b1')}`,
      nextDueAt: '2026-12-01T10:00:00.000Z',
    });
    expect(offersByExpiry.entry('o1', 'T')).toEqual({
      expiryShard: `EXP#${shardOf('o1')}`,
      expiryDueAt: 'T',
    });
    // A slot's check is sharded on "slot:<id>", not on the bare id.
    expect(offersByExpiry.slotCheck('s1', 'T')).toEqual({
      expiryShard: `EXP#${shardOf('slot:s1')}`,
      expiryDueAt: 'T',
    });
    expect(offersByExpiry.allShards()).toEqual([
      'EXP#0',
      'EXP#1',
      'EXP#2',
      'EXP#3',
      'EXP#4',
      'EXP#5',
      'EXP#6',
      'EXP#7',
    ]);
    expect(dueReminders.allShards()).toHaveLength(8);
  });

  it('partitions metrics cells by month', () => {
    expect(metricsKeys.cell('2026-11-16', 'CLINIC#riverside')).toEqual({
      pk: 'METRICS#2026-11',
      sk: '2026-11-16#CLINIC#riverside',
    });
    expect(metricsKeys.dayRange('2026-11-01', '2026-11-30')).toEqual({
      from: '2026-11-01#',
      to: '2026-11-30#~',
    });
    expect(metricsKeys.applied('e1')).toEqual({ pk: 'METRICSAPPLIED#e1', sk: 'APPLIED' });
    expect(metricsKeys.moved.pk.startsWith('METRICS#')).toBe(false);
  });

  it('keeps a held import upload and its parts in one partition, parts in order', () => {
    expect(importUploads.head('u1')).toEqual({ pk: 'IMPORTUPLOAD#u1', sk: 'UPLOAD' });
    expect(importUploads.part('u1', 2)).toEqual({ pk: 'IMPORTUPLOAD#u1', sk: 'PART#002' });
    expect(importUploads.partition('u1')).toBe('IMPORTUPLOAD#u1');
  });

  it('builds the byClient and lookup index keys, names folded', () => {
    expect(byClient.booking('c1', '2026-12-03T14:00:00.000Z', 'b1')).toEqual({
      clientPk: 'CLIENT#c1',
      clientSk: 'BOOKING#2026-12-03T14:00:00.000Z#b1',
    });
    expect(foldName('  Zoë   O’Neil-Smith ')).toBe('zoe oneil smith');
    expect(byClient.firstName('Zoë', 'Ångström', 'c1')).toEqual({
      clientPk: 'FIRST#zo',
      clientSk: 'zoe#angstrom#c1',
    });
    expect(byClient.firstName('Z', '', 'c1')).toBeUndefined();
    expect(lookup.client('Zoë', 'Ångström', 'c1')).toEqual({
      lookupPk: 'NAME#an',
      lookupSk: 'angstrom#zoe#c1',
    });
    expect(lookup.client('Ava', '', 'c2')).toEqual({ lookupPk: 'NAME#av', lookupSk: 'ava#ava#c2' });
    expect(lookup.client('A', '', 'c3')).toBeUndefined();
    expect(lookup.booking('4821', '2026-12-03T14:00:00.000Z', 'b1')).toEqual({
      lookupPk: 'REF#4821',
      lookupSk: '2026-12-03T14:00:00.000Z#b1',
    });
  });
});
