/**
 * Parent-link tokens and the link in texts (issue 13, item 1): 128-bit tokens derived with the trust's
 * secret, stored as SHA-256 only; links off in the example config; English defaults with the link fit
 * two segments; a wording that makes any text too long fails the config load.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrustConfig, TrustConfigError } from '#core/config/trust-config.ts';
import { formatDay } from '#core/local-time.ts';
import {
  LINKED_TEMPLATES,
  linkToken,
  parentLinkUrl,
  parentSessionEnds,
  TOKEN_PATTERN,
  tokenHash,
  withLink,
} from '#core/parent-links.ts';
import { analyseSms } from '#core/sms-segments.ts';
import { renderText } from '#core/templates.ts';

const SECRET = 'attend-test-consent-key-not-a-secret';
const raw = () => JSON.parse(readFileSync('config/trusts/example.json', 'utf8')) as Record<string, unknown>;

describe('tokens', () => {
  it('are 128 bits (22 base64url characters), one per booking or offer, and depend on the secret', () => {
    const a = linkToken(SECRET, { kind: 'booking', bookingId: 'b1' });
    expect(a).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(a, 'base64url')).toHaveLength(16);
    expect(linkToken(SECRET, { kind: 'booking', bookingId: 'b1' })).toBe(a);
    expect(linkToken(SECRET, { kind: 'booking', bookingId: 'b2' })).not.toBe(a);
    expect(linkToken(SECRET, { kind: 'offer', slotId: 'b1', offerId: 'b1' })).not.toBe(a);
    expect(linkToken(`${SECRET}-other`, { kind: 'booking', bookingId: 'b1' })).not.toBe(a);
  });

  it('are stored as a SHA-256 that does not contain them', () => {
    const token = linkToken(SECRET, { kind: 'booking', bookingId: 'b1' });
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(token)).not.toContain(token);
  });
});

describe('links in texts', () => {
  it('are off in the example config', () => {
    expect(parseTrustConfig(raw()).parentLinks).toBeUndefined();
  });

  it('English defaults with the link fit two segments, on the trust domain, for every linked text and type', () => {
    const config = parseTrustConfig({
      ...raw(),
      parentLinks: { baseUrl: 'https://attend.example-community.nhs.uk' },
    });
    const url = parentLinkUrl(
      config.parentLinks!.baseUrl,
      linkToken(SECRET, { kind: 'booking', bookingId: 'b1' }),
    );
    for (const key of LINKED_TEMPLATES) {
      for (const typeId of Object.keys(config.appointmentTypes)) {
        const text = renderText(config, {
          key,
          language: 'en',
          typeId,
          vars: {
            name: 'Amelia-Rose',
            day: formatDay('2026-12-02T10:00:00Z', config.timeZone, 'en'),
            time: '10:00',
            venue: "Riverside Children's Centre",
            ref: '4821',
            holdMinutes: '120',
          },
        });
        expect(text.segments, `${key} ${typeId} without the link`).toBe(1);
        const linked = withLink(config, text, url, key);
        const sentence = key === 'offer' ? 'Or take it online' : 'Confirm, change or cancel';
        expect(linked.body).toContain(`${sentence}: ${url}`);
        expect(analyseSms(linked.body).segments, `${key} ${typeId}: ${linked.body}`).toBeLessThanOrEqual(2);
      }
    }
  });

  it('a wording that makes a text longer than six segments fails the load, named', () => {
    // Welsh texts are UCS-2 (ŵ): 402 characters at most, which a long wording and the link pass.
    const wording = {
      en: 'Manage it: {link}',
      cy: `${'Defnyddiwch y ddolen hon i weld eich apwyntiad. '.repeat(3)}ŵ {link}`,
    };
    expect(wording.cy.length).toBeLessThanOrEqual(200);
    expect(() =>
      parseTrustConfig({
        ...raw(),
        parentLinks: { baseUrl: 'https://attend.example-community.nhs.uk', wording },
      }),
    ).toThrow(TrustConfigError);
    try {
      parseTrustConfig({
        ...raw(),
        parentLinks: { baseUrl: 'https://attend.example-community.nhs.uk', wording },
      });
    } catch (err) {
      expect((err as Error).message).toContain('parentLinks.wording.cy');
    }
  });

  it('a wording without {link} is refused', () => {
    expect(() =>
      parseTrustConfig({
        ...raw(),
        parentLinks: { baseUrl: 'https://a.example.nhs.uk', wording: { en: 'Manage it online' } },
      }),
    ).toThrow(/needs \{link\}/);
  });
});

describe('how long a parent session lasts', () => {
  const checkedAt = new Date('2026-11-23T09:00:00.000Z');
  const at = (minutes: number) => new Date(checkedAt.getTime() + minutes * 60_000).toISOString();

  it('30 minutes on a booking link', () => {
    expect(parentSessionEnds(checkedAt).toISOString()).toBe(at(30));
  });

  it('on an offer still held, until the hold ends, so coming back within it needs no second check', () => {
    expect(parentSessionEnds(checkedAt, at(110)).toISOString()).toBe(at(110));
  });

  it('never shorter than 30 minutes, and never longer than 2 hours after the check, whatever the hold', () => {
    expect(parentSessionEnds(checkedAt, at(5)).toISOString()).toBe(at(30));
    expect(parentSessionEnds(checkedAt, at(24 * 60)).toISOString()).toBe(at(120));
  });
});
