/**
 * `/staff/inbox`: replies that need a person, newest first, each with its conversation; a text reply
 * (a fixed reply or free text) whose segments and cost show on "Check" without JavaScript; and "mark
 * handled" with a note. Sending goes through `POST /inbox/{id}/reply`, so the same sanitising and
 * consent guard as every text.
 */

import { issueDetail } from '#api/dispatch.ts';
import { HANDLED_NOTE_MAX } from '#api/inbox.ts';
import { CANCEL_REASONS, type CancelReason } from '#core/cancel-reason.ts';
import { textsSwitchedOff } from '#core/client.ts';
import type { Client } from '#core/model.ts';
import { staffReplyKeys, staffReplyTemplate } from '#core/staff-replies.ts';
import { hasReasonToTag } from '#services/inbox-reasons.ts';
import { plainFieldMessage } from '#web/form-messages.ts';
import { errorStatus, type PageContext, type RegisterPages, redirect, refusalMessage } from '#web/router.ts';
import { ROLES } from '#web/staff-session.ts';
import { REASON_LABELS } from './metrics.ts';
import { formats, may } from './staff-kit.ts';

const REASONS: Readonly<Record<string, string>> = {
  'free-text': 'A message Attend could not act on',
  'unmatched-number': 'From a number Attend does not know',
  ambiguous: 'Several bookings: the family was asked to choose',
  'unknown-reference': 'A reference Attend does not know',
  'rebook-request': 'Asked to rebook',
  'parent-page': 'A reason given on the parent page',
  'dna-reason': 'An answer to the after-DNA question',
  'untagged-reason': 'Cancelled by text, with a reason to tag',
  'number-unreachable': 'Number cannot get texts',
};

/** Items Attend raised itself (not words a family wrote): the body is Attend's note to staff. */
const SYSTEM_REASONS: ReadonlySet<string> = new Set(['number-unreachable']);

/** Why no text can go to the item's number, in words for staff; undefined when a reply may go. */
const NO_REPLY: Readonly<Record<string, string>> = {
  unreachable:
    'No reply by text: texts to this number cannot be delivered. Check the number with the family by phone or letter, then change it on the family’s page.',
  'stop-text': 'No reply by text: the family texted STOP, so Attend sends them no texts.',
  staff: 'No reply by text: staff have stopped texts to this number.',
  'sms-off': 'No reply by text: texts are switched off for this family.',
};

interface ReplyState {
  itemId: string;
  template?: string;
  text?: string;
  preview?: { body: string; segments: number; encoding: string; characters: number; cost: string };
  error?: string;
}

/** A refused form on one item (a reason not chosen, a note too long, a 409): its message, shown on the page. */
interface FormError {
  itemId: string;
  form: 'reason' | 'note';
  message: string;
  /** The note as it was typed, shown again in its box. */
  note?: string;
}

/**
 * Why a reply by text cannot go to the item's number: its consent (one record per number: STOP, staff,
 * unreachable), read once through the first client on it, or texts switched off for a client on it.
 */
async function whyNoReply(
  page: PageContext,
  clients: readonly (Pick<Client, 'id' | 'contact'> & { flags: Pick<Client['flags'], 'doNotText'> })[],
): Promise<string | undefined> {
  const first = clients[0];
  if (first === undefined) return undefined;
  const view = await page.invoke('getClient', { params: { id: first.id } });
  if (view.ok && !('erased' in view.body) && view.body.consent.state === 'opted-out') {
    return NO_REPLY[view.body.consent.reason] ?? NO_REPLY.staff;
  }
  return clients.some((c) => textsSwitchedOff(c)) ? NO_REPLY['sms-off'] : undefined;
}

export const registerInboxPages: RegisterPages = (router, deps) => {
  const f = formats(deps);
  const replyKeys = staffReplyKeys(deps.config);

  const inboxPage = async (page: PageContext, reply?: ReplyState, status = 200, refused?: FormError) => {
    const q = page.url.searchParams;
    const cursor = q.get('cursor') ?? undefined;
    const found = await page.invoke('listInbox', { query: { limit: 20, ...(cursor && { cursor }) } });
    if (!found.ok) return errorStatus(found.status === 400 ? 400 : found.status);
    const canReply = may(page, 'replyToInboxItem');
    const items = await Promise.all(
      found.body.items.map(async (item) => {
        const conversation = await page.invoke('getInboxConversation', { params: { id: item.id } });
        const clients = conversation.ok ? conversation.body.clients : [];
        const mine = reply?.itemId === item.id ? reply : undefined;
        const language = clients[0]?.language ?? deps.config.defaultLanguage;
        const noReply = item.phone ? await whyNoReply(page, clients) : undefined;
        const reasonToTag = await hasReasonToTag(item, async (id) => {
          const found = await page.invoke('getBooking', { params: { id } });
          return found.ok ? found.body : undefined;
        });
        const system = SYSTEM_REASONS.has(item.reason);
        return {
          id: item.id,
          received: f.dayTime(item.receivedAt),
          reason: REASONS[item.reason] ?? item.reason,
          body: item.body,
          system,
          phone: item.phone,
          noReply,
          tagError: refused?.itemId === item.id && refused.form === 'reason' ? refused.message : undefined,
          noteError: refused?.itemId === item.id && refused.form === 'note' ? refused.message : undefined,
          note: refused?.itemId === item.id ? refused.note : undefined,
          language,
          family: clients.map((c) => ({ id: c.id, name: `${c.firstName} ${c.familyName}`.trim() })),
          messages: (conversation.ok ? conversation.body.messages : []).map((m) => ({
            in: m.direction === 'IN',
            at: f.dayTime(m.at),
            body: m.body,
          })),
          // The trust's fixed replies (trust config `staffReplies`), each in the family's language.
          templates: replyKeys.map((key) => ({
            value: key,
            text: deps.config.staffReplies[key]?.label ?? key,
            hint: { text: staffReplyTemplate(deps.config, key, language) ?? '' },
            checked: (mine?.template ?? '') === key,
          })),
          reply: mine,
          // Tag why they cancelled or missed: for a reply about a booking (metrics count the tag).
          reasons: reasonToTag
            ? CANCEL_REASONS.map((r) => ({
                value: r,
                text: REASON_LABELS[r],
                checked: item.taggedReason === r,
              }))
            : undefined,
          tagged: item.taggedReason ? REASON_LABELS[item.taggedReason] : undefined,
        };
      }),
    );
    return page.render(
      'pages/inbox.njk',
      {
        items,
        canReply,
        price: String(deps.config.costs.pricePerSegmentGbp),
        canHandle: may(page, 'markInboxHandled'),
        canTag: may(page, 'tagInboxReason'),
        noteMax: HANDLED_NOTE_MAX,
        next: found.body.cursor ? `/staff/inbox?cursor=${encodeURIComponent(found.body.cursor)}` : undefined,
        done: (
          {
            sent: 'Your text is sent.',
            handled: 'Marked handled.',
            tagged: 'Reason recorded. It counts in the metrics.',
          } as Record<string, string>
        )[q.get('done') ?? ''],
      },
      { status },
    );
  };

  router.page({
    method: 'GET',
    path: '/staff/inbox',
    summary: 'Replies that need a person: reply by text, mark handled',
    access: ROLES,
    nav: { label: 'Inbox', order: 30 },
    handler: async (page) =>
      may(page, 'listInbox') ? inboxPage(page) : page.render('pages/inbox.njk', { noAccess: true }),
  });

  router.page({
    method: 'POST',
    path: '/staff/inbox/:id/reply',
    summary: 'Text the family a reply (or check its length and cost first)',
    access: ROLES,
    handler: async (page) => {
      const itemId = page.params.id ?? '';
      const fields = page.form?.fields;
      const templateField = fields?.get('template') ?? '';
      const template = replyKeys.includes(templateField) ? templateField : undefined;
      const text = fields?.get('text') ?? '';
      const preview = fields?.get('action') === 'check';
      const result = await page.invoke('replyToInboxItem', {
        params: { id: itemId },
        body: { ...(template && { template }), text, preview },
      });
      const state: ReplyState = { itemId, ...(template && { template }), text };
      if (!result.ok) {
        if (result.status === 403 || result.status === 404) return errorStatus(result.status);
        const refused = result.error.fields?.[0];
        // zod's wording ("Too big: …") is put plainly; the route's own words are kept as they are.
        const error = !refused
          ? result.error.message
          : issueDetail(refused)?.zodWording
            ? plainFieldMessage(refused, { name: 'Reply', noun: 'your reply' })
            : refused.message;
        return inboxPage(page, { ...state, error }, result.status === 400 ? 400 : 409);
      }
      if (preview) {
        const t = result.body.text;
        return inboxPage(page, {
          ...state,
          preview: {
            body: t.body,
            segments: t.segments,
            encoding: t.encoding,
            characters: t.characters,
            cost: `£${t.costGbp.toFixed(4)}`,
          },
        });
      }
      return redirect(`/staff/inbox?done=sent#item-${encodeURIComponent(itemId)}`);
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/inbox/:id/handled',
    summary: 'Mark an inbox item handled, with a note',
    access: ROLES,
    handler: async (page) => {
      const itemId = page.params.id ?? '';
      const note = page.form?.fields.get('note')?.trim() ?? '';
      const result = await page.invoke('markInboxHandled', {
        params: { id: itemId },
        body: note ? { note } : {},
      });
      if (!result.ok && result.status === 400) {
        // A note too long is said on the note, and the note is kept in its box: nothing typed is lost.
        const refused = result.error.fields?.find((f) => f.field === 'note');
        if (!refused) return errorStatus(400, refusalMessage(result.error));
        const message = plainFieldMessage(refused, { name: 'Note' });
        return inboxPage(page, undefined, 400, { itemId, form: 'note', message, note });
      }
      if (!result.ok && result.status !== 409) return errorStatus(result.status);
      return redirect('/staff/inbox?done=handled');
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/inbox/:id/reason',
    summary: 'Tag why the family cancelled or missed (it then counts in the metrics)',
    access: ROLES,
    handler: async (page) => {
      const itemId = page.params.id ?? '';
      const reason = page.form?.fields.get('reason') ?? '';
      // No reason chosen (or one that is not on the list, from an edited form) is said on the form.
      if (!(CANCEL_REASONS as readonly string[]).includes(reason))
        return inboxPage(page, undefined, 400, { itemId, form: 'reason', message: 'Choose a reason' });
      const result = await page.invoke('tagInboxReason', {
        params: { id: itemId },
        body: { reason: reason as CancelReason },
      });
      if (!result.ok) {
        if (result.status !== 409) return errorStatus(result.status);
        // Nothing to tag (the booking is still BOOKED) or it changed meanwhile: say so on the page.
        return inboxPage(page, undefined, 409, { itemId, form: 'reason', message: result.error.message });
      }
      return redirect(`/staff/inbox?done=tagged#item-${encodeURIComponent(itemId)}`);
    },
  });
};
