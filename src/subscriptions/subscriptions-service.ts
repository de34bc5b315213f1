// Following by email with double opt-in: asking stores pending subscriptions and queues
// one confirmation (no second within an hour); the signed link's page confirms them all;
// an unsubscribe link stops one subscription or everything. Confirming an address is
// never approval for comments. `eraseAddress` is the hook for erasing a person.
import { isoNow, type Clock } from '../clock.js';
import { isEmail } from '../comments/comment-input.js';
import type { CommentKeys } from '../comments/comment-keys.js';
import type { Db } from '../db/open.js';
import type { Notifications } from '../mail/notifications.js';
import type { Repositories } from '../repositories.js';
import { confirmToken, readConfirmToken, readUnsubscribeToken } from './mail-tokens.js';
import type { SubscriptionListed } from './subscriptions-repository.js';

const HOUR = 60 * 60 * 1000;

export interface SubscriptionRequest {
  email: string;
  /** Follow this post's new comments. */
  postId?: number;
  /** Follow the blog's new posts. */
  blog: boolean;
}

export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>;

export interface SubscriptionsDeps {
  db: Db;
  repos: Repositories;
  keys: CommentKeys;
  notifications: Notifications;
  clock: Clock;
}

export function createSubscriptionsService({ db, repos, keys, notifications, clock }: SubscriptionsDeps) {
  const subs = repos.subscriptions;

  /** Stores what was asked for and queues the confirmation; nests in a caller's transaction (a comment's). */
  const request = db.transaction((r: SubscriptionRequest): { confirmationQueued: boolean } => {
    const email = r.email.trim();
    // A signed-in author may have no address on file: there is nobody to write to.
    if (!isEmail(email)) return { confirmationQueued: false };
    if (r.postId !== undefined) subs.add(email, r.postId);
    if (r.blog) subs.add(email, null);
    if (!subs.forAddress(email).some((s) => s.status === 'pending')) return { confirmationQueued: false };
    const now = clock();
    if (repos.outbox.countSince(email, 'confirm', new Date(now - HOUR).toISOString()) > 0) return { confirmationQueued: false };
    notifications.queue(email, { kind: 'confirm', token: confirmToken(keys, { email, askedAt: now }) });
    return { confirmationQueued: true };
  });

  return {
    request,

    /** What a confirmation link stands for: the address and its subscriptions waiting; undefined for a bad or expired link. */
    confirmation(token: string): { email: string; pending: SubscriptionListed[] } | undefined {
      const claim = readConfirmToken(keys, token, clock());
      if (!claim) return undefined;
      return { email: claim.email, pending: subs.forAddress(claim.email).filter((s) => s.status === 'pending') };
    },

    /** The Confirm button: every subscription the address has waiting starts; how many. */
    confirm(token: string): number | undefined {
      const claim = readConfirmToken(keys, token, clock());
      return claim ? subs.confirmAddress(claim.email, isoNow(clock)) : undefined;
    },

    /** What an unsubscribe link stands for; the subscription is undefined once it has been stopped. */
    unsubscription(token: string): { email: string; subscription: SubscriptionListed | undefined } | undefined {
      const claim = readUnsubscribeToken(keys, token);
      if (!claim) return undefined;
      return { email: claim.email, subscription: subs.forAddress(claim.email).find((s) => s.id === claim.subscriptionId) };
    },

    /** Stops the link's subscription, or with `everything` all of its address's subscriptions and waiting messages. */
    unsubscribe(token: string, everything: boolean): { email: string; removed: number } | undefined {
      const claim = readUnsubscribeToken(keys, token);
      if (!claim) return undefined;
      if (everything) return { email: claim.email, removed: eraseAddress(claim.email) };
      const sub = subs.findById(claim.subscriptionId);
      const removed = sub && sub.email.toLowerCase() === claim.email.toLowerCase() && subs.remove(sub.id) ? 1 : 0;
      return { email: claim.email, removed };
    },

    eraseAddress: (email: string): number => eraseAddress(email),

    /** The desk: an administrator removes one subscription, on the audit trail. */
    removeByDesk(id: number, actorId: number): boolean {
      return db.transaction(() => {
        const sub = subs.findById(id);
        if (!sub || !subs.remove(id)) return false;
        repos.audit.record({ userId: actorId, action: 'subscription.remove', subject: `subscription:${id}`, detail: sub.post_id === null ? 'new posts' : `post:${sub.post_id}` }, isoNow(clock));
        return true;
      })();
    },

    /** The desk: a failed message is tried again from its first attempt. */
    retryMessage(id: number, actorId: number): boolean {
      return db.transaction(() => {
        if (!repos.outbox.retry(id)) return false;
        repos.audit.record({ userId: actorId, action: 'mail.retry', subject: `outbox:${id}` }, isoNow(clock));
        return true;
      })();
    },
  };

  /**
   * Everything we hold for an address: its subscriptions and every message to it
   * (none waiting is sent). Erasing a commenter calls this too. Returns the subscriptions removed.
   */
  function eraseAddress(email: string): number {
    return db.transaction(() => {
      repos.outbox.eraseFor(email);
      return subs.removeAddress(email);
    })();
  }
}
