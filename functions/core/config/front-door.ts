/**
 * The `frontDoor` part of the trust config: the browser front door for the staff app and the parent
 * pages (API Gateway REST API on the trust's own domain, with AWS WAF). Without it, no front door and no
 * web function are deployed; the admin API's IAM function URL is unaffected.
 *
 * Pure zod, like the rest of the trust config schema (which may move to functions/core/config/: this
 * part is one file so it moves as one).
 */
import * as z from '#core/zod.ts';

const hostname = z
  .string()
  .check(
    z.toLowerCase(),
    z.regex(
      /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      'expected a host name such as "attend.example-trust.nhs.uk"',
    ),
  );

/** An ACM certificate; group 1 is its region. */
const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;

export const frontDoorSchema = z
  .strictObject({
    /** The trust's host name for Attend in browsers, e.g. "attend.example-trust.nhs.uk". */
    domainName: hostname,
    /**
     * An ACM certificate for domainName in the stack's own region (a regional API Gateway endpoint uses a
     * certificate from its own region, not us-east-1). The trust issues or imports it before deploying.
     */
    certificateArn: z
      .string()
      .check(
        z.regex(
          ACM_ARN,
          'expected an ACM certificate ARN, e.g. "arn:aws:acm:eu-west-2:111122223333:certificate/0a1b2c3d-…"',
        ),
      ),
    /**
     * A Route 53 public hosted zone to put the alias record in. Leave it out when the trust's DNS is
     * elsewhere: point a CNAME at the FrontDoorTarget output instead.
     */
    hostedZoneId: z.optional(
      z
        .string()
        .check(
          z.regex(/^Z[A-Z0-9]{4,32}$/, 'expected a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"'),
        ),
    ),
    /** The hosted zone's name. @default domainName without its first label */
    hostedZoneName: z.optional(hostname),
    /** Requests one IP address may make in 5 minutes before AWS WAF answers 429 for a while. */
    rateLimitPerFiveMinutes: z._default(z.number().check(z.int(), z.gte(100), z.lte(2_000_000_000)), 2000),
    /**
     * The same for parent pages (/p/…) alone: lower, because a personal link needs a handful of requests
     * and guessing links needs many. Mobile networks share addresses, so not too low.
     */
    parentLinkRateLimitPerFiveMinutes: z._default(
      z.number().check(z.int(), z.gte(100), z.lte(2_000_000_000)),
      300,
    ),
  })
  .check(
    z.superRefine((door, ctx) => {
      if (door.hostedZoneName && !door.hostedZoneId) {
        ctx.addIssue({ code: 'custom', path: ['hostedZoneId'], message: 'required with hostedZoneName' });
      }
      const zone = door.hostedZoneName ?? door.domainName.split('.').slice(1).join('.');
      if (door.hostedZoneId && door.domainName !== zone && !door.domainName.endsWith(`.${zone}`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['hostedZoneName'],
          message: `"${door.domainName}" is not in the zone "${zone}"`,
        });
      }
    }),
  );
export type FrontDoorConfig = z.infer<typeof frontDoorSchema>;

/** The section: optional, with no default (no front door unless the trust configures one). */
export const frontDoorSection = z.optional(frontDoorSchema);

/** The hosted zone's name: as configured, else the domain without its first label. */
export function hostedZoneName(door: FrontDoorConfig): string {
  return door.hostedZoneName ?? door.domainName.split('.').slice(1).join('.');
}

/** The checks on frontDoor that need the rest of the config. */
export function checkFrontDoor(
  cfg: { readonly region: string; readonly frontDoor?: FrontDoorConfig },
  ctx: z.RefinementCtx,
): void {
  const door = cfg.frontDoor;
  if (!door) return;
  const region = ACM_ARN.exec(door.certificateArn)?.[1];
  if (region !== cfg.region) {
    ctx.addIssue({
      code: 'custom',
      path: ['frontDoor', 'certificateArn'],
      message: `is in ${region}, but the stack deploys to ${cfg.region}; a regional API Gateway domain needs a certificate in its own region`,
    });
  }
}
