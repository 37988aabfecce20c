/**
 * Reasons for cancelling or missing, read from a reply when it says so clearly; anything unsure is left
 * for staff to tag. The fixture (tests/fixtures/replies.json) holds rows in every language; these are the
 * rules.
 */
import { describe, expect, it } from 'vitest';
import { CANCEL_REASONS, LEXICONS, parseReply } from '#core/intent.ts';

describe('reasons', () => {
  it.each([
    ['cant get there no bus', 'CANCEL', 'transport'],
    ['sorry baby poorly', 'FREE_TEXT', 'unwell'],
    ["Can't come, I'm on a late shift", 'CANCEL', 'work'],
    ['Cancel please, the nursery is closed', 'CANCEL', 'childcare'],
    ['Sorry it completely slipped my mind', 'FREE_TEXT', 'forgot'],
    ['We no longer need it, thanks', 'CANCEL', 'no-longer-needed'],
    ["Need to rebook, there's a funeral that day", 'REBOOK', 'other'],
  ] as const)('"%s" is %s for %s', (body, intent, reason) => {
    expect(parseReply(body)).toMatchObject({ intent, reason });
  });

  it.each([
    ["I'm not ill, I just can't make it", 'negated'],
    ['If she is still poorly tomorrow I will let you know', 'hedged'],
    ['Can we still come if he has a temperature?', 'asked'],
    ['Cancel please, baby is ill and the car has broken down', 'two reasons'],
    ["I'll have to cancel", '"I\'ll" is not "ill"'],
    ['Cancel please', 'none given'],
  ])('"%s" has no reason: %s', (body) => {
    expect(parseReply(body).reason).toBeUndefined();
  });

  it('goes with cancelling, rebooking and free text only, not with a yes, a no or an opt-out', () => {
    expect(parseReply("Yes we'll be there, she's not poorly any more").reason).toBeUndefined();
    expect(parseReply("No thanks, I'm at work").reason).toBeUndefined();
    expect(parseReply('Stop texting me, my son is ill').reason).toBeUndefined();
  });

  it('are the values of CancelReason, in every lexicon', () => {
    for (const lexicon of LEXICONS) {
      for (const reason of Object.keys(lexicon.reasons ?? {})) {
        expect(CANCEL_REASONS, `${lexicon.language} ${reason}`).toContain(reason);
      }
      expect(Object.keys(lexicon.reasons ?? {}).length, lexicon.language).toBeGreaterThanOrEqual(6);
    }
  });
});
