// A queued row made into the message the mailer sends: the payload built into text and
// HTML with the blog's current name, its fixed Message-ID, and for a subscription's
// message the signed one-click unsubscribe link (RFC 8058).
import type { CommentKeys } from '../comments/comment-keys.js';
import { unsubscribeToken } from '../subscriptions/mail-tokens.js';
import type { OutgoingMail } from './mailer.js';
import { buildMessage, type Payload } from './messages.js';
import type { OutboxRow } from './outbox-repository.js';

export interface OutgoingDeps {
  baseUrl: string;
  from: string;
  keys: CommentKeys;
  /** The blog's name as it is now. */
  siteTitle(): string;
}

export function unsubscribeUrl(baseUrl: string, keys: CommentKeys, subscriptionId: number, email: string): string {
  return `${baseUrl}/subscriptions/unsubscribe?token=${encodeURIComponent(unsubscribeToken(keys, { subscriptionId, email }))}`;
}

export function outgoingMail(row: OutboxRow, { baseUrl, from, keys, siteTitle }: OutgoingDeps): OutgoingMail {
  const leave = row.subscription_id === null ? undefined : unsubscribeUrl(baseUrl, keys, row.subscription_id, row.recipient);
  const built = buildMessage(row.kind, JSON.parse(row.payload) as Payload, { title: siteTitle(), baseUrl }, leave);
  return { from, to: row.recipient, messageId: row.message_id, ...built };
}
