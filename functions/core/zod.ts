/**
 * zod for everything the event-path functions load: `zod/mini`, the tree-shakable form of zod 4, with
 * its English messages. Classic `zod` (`import * as z from 'zod'`) brings its whole API into a bundle
 * with its first import (about 97 KB minified), so every schema an event-path function can reach is
 * written in the mini forms (`z.optional(x)`, `x.check(z.minLength(1))`, `z.extend(obj, {…})`) and
 * imports zod from here; the admin API, the web pages and the tests may use classic zod around them.
 *
 * `zod/mini` loads no locale, so its messages would be a bare "Invalid input": setting the English one
 * here keeps every message (the 400s naming the field, a bad config's lines) worded as classic zod
 * words them. It is global, and classic zod sets the same locale when it loads.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

import type * as core from 'zod/v4/core';

/** The names classic zod's types go by, for the schemas written here. */
export type RefinementCtx<T = unknown> = core.$RefinementCtx<T>;
export type ZodError<T = unknown> = core.$ZodError<T>;
export type ZodType<Output = unknown, Input = unknown> = ZodMiniType<Output, Input>;

import type { ZodMiniType } from 'zod/mini';

/**
 * Classic zod's `ctx.addIssue` for a `z.transform`, which in zod/mini is handed the bare parse payload:
 * a custom issue on the value being transformed (with `path`, below it).
 */
export function addIssue(ctx: core.ParsePayload, issue: { message: string; path?: PropertyKey[] }): void {
  ctx.issues.push({ code: 'custom', input: ctx.value, ...issue });
}
