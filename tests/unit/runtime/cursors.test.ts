/** Page cursors: sealed under the key, bound to the route and query, and nothing else opens. */
import { describe, expect, it } from 'vitest';
import { cursorCodecFromEnv } from '#runtime/cursor-key.ts';
import { CursorCodec, cursorScope } from '#runtime/cursors.ts';

const codec = new CursorCodec(async () => 'a-test-key-of-some-length');
const slotsA = cursorScope('listSlots', { clinicId: 'a', date: '2026-11-23', limit: 10 });

describe('CursorCodec', () => {
  it('opens what it sealed, for the same scope, and hides the position', async () => {
    const position = Buffer.from('{"pk":"SLOT#1"}').toString('base64url');
    const cursor = await codec.seal(position, slotsA);
    expect(await codec.open(cursor, slotsA)).toBe(position);
    expect(cursor).not.toContain(position);
    expect(await codec.seal(position, slotsA)).not.toBe(cursor);
  });

  it('refuses a cursor for another query, another route, another key, or edited', async () => {
    const cursor = await codec.seal('x', slotsA);
    const last = cursor.at(-3) === 'A' ? 'B' : 'A';
    const edited = `${cursor.slice(0, -3)}${last}${cursor.slice(-2)}`;
    const otherClinic = cursorScope('listSlots', { clinicId: 'b', date: '2026-11-23' });
    expect(await codec.open(cursor, otherClinic)).toBeUndefined();
    expect(await codec.open(cursor, cursorScope('listAudit', {}))).toBeUndefined();
    expect(await CursorCodec.ephemeral().open(cursor, slotsA)).toBeUndefined();
    expect(await codec.open(edited, slotsA)).toBeUndefined();
    expect(await codec.open('eyJwayI6IkNMSUVOVCMxIn0', slotsA)).toBeUndefined();
    expect(await codec.open('not base64 at all!', slotsA)).toBeUndefined();
  });

  it('binds to every parameter but the page size and the cursor, in any order', () => {
    expect(cursorScope('listSlots', { date: 'd', clinicId: 'a', limit: 5, cursor: 'c' })).toBe(
      cursorScope('listSlots', { clinicId: 'a', date: 'd' }),
    );
  });

  it('reads the key once, and again after a failed read', async () => {
    let reads = 0;
    const flaky = new CursorCodec(async () => {
      reads += 1;
      if (reads === 1) throw new Error('throttled');
      return 'a-test-key-of-some-length';
    });
    await expect(flaky.seal('x', 's')).rejects.toThrow('throttled');
    await flaky.seal('x', 's');
    await flaky.seal('y', 's');
    expect(reads).toBe(2);
  });
});

describe('cursorCodecFromEnv', () => {
  const arn = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/x/cursor-key';

  it('reads the secret from Secrets Manager when the stack names one', async () => {
    const asked: unknown[] = [];
    const secrets = {
      send: async (command: { input: unknown }) => {
        asked.push(command.input);
        return { SecretString: 'a-secret-from-secrets-manager' };
      },
    };
    const fromAws = cursorCodecFromEnv({ CURSOR_KEY_SECRET_ARN: arn }, secrets as never);
    const sameKey = new CursorCodec(async () => 'a-secret-from-secrets-manager');
    expect(await sameKey.open(await fromAws.seal('p', 's'), 's')).toBe('p');
    expect(asked).toEqual([{ SecretId: arn }]);
  });

  it('fails at cold start without a key', () => {
    expect(() => cursorCodecFromEnv({})).toThrow(/CURSOR_KEY_SECRET_ARN/);
  });
});
