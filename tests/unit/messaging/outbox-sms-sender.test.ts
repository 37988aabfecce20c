/**
 * The local outbox prints each text to the console. Only texts to Ofcom's drama range (07700 900000–
 * 900999, numbers no one holds) print in full; for any other number the console shows the message id,
 * segments and encoding, since a trust may try Attend on real data.
 */
import { describe, expect, it } from 'vitest';
import { LocalOutbox } from '#messaging/outbox-sms-sender.ts';

const AT = new Date('2026-11-23T10:00:00.000Z');
const BODY = 'ECHT: Amelia has a health visitor review on Thu 3 Dec at 14:00. Reply CANCEL 4821 to cancel.';

function outboxPrinting(): { outbox: LocalOutbox; lines: string[] } {
  const lines: string[] = [];
  return {
    outbox: new LocalOutbox(
      () => AT,
      (line) => lines.push(line),
    ),
    lines,
  };
}

describe('the local outbox on the console', () => {
  it.each(['+447700900000', '+447700900626', '+447700900999'])(
    'prints a text to %s (drama range) in full, with its number',
    async (to) => {
      const { outbox, lines } = outboxPrinting();

      await outbox.send({ to, body: BODY });

      expect(lines).toEqual([`[sms ${AT.toISOString()}] → ${to} (1 GSM-7 segment): ${BODY}`]);
    },
  );

  it.each([
    ['a real UK mobile', '+447911123456'],
    ['just below the drama range', '+447700899999'],
    ['just above it', '+447700901000'],
    ['another country', '+14255550182'],
  ])('prints only the message id, segments and encoding for %s', async (_case, to) => {
    const { outbox, lines } = outboxPrinting();

    const { providerMessageId } = await outbox.send({ to, body: `${BODY} Dydd Iau – £3` });

    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(line).toContain(providerMessageId);
    expect(line).toContain('2 UCS-2 segments');
    expect(line).not.toContain('Amelia');
    expect(line).not.toContain(to.slice(-6));
    // The outbox itself (GET /dev/sms/outbox) still has the whole text.
    expect(outbox.entries[0]).toMatchObject({ to, body: `${BODY} Dydd Iau – £3` });
  });
});
