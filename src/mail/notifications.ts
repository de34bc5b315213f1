// Turns writes into messages in the outbox, always inside the caller's transaction:
// an approved comment to the post's confirmed subscribers (never its own writer), a
// held or reported comment to the post's author and the admins, a newly public post to the blog's
// subscribers. A person gets at most one message per post per 10 minutes: notices that
// come later join the message still waiting, or wait for the window to pass.
import { randomBytes } from 'node:crypto';
import { isoNow, type Clock } from '../clock.js';
import type { Comment } from '../comments/comments-repository.js';
import type { Db } from '../db/open.js';
import type { Repositories } from '../repositories.js';
import type { CommentItem, HeldItem, Payload, ReportedItem } from './messages.js';
import type { MessageKind } from './outbox-repository.js';

export const GATHER_MS = 10 * 60 * 1000;
/** The author's daily digest of held comments: at most one message a day, all posts together. */
export const DIGEST_MS = 24 * 60 * 60 * 1000;
const POSTS_CHECKED = 'mail_posts_checked_at';

export interface NotificationsDeps {
  db: Db;
  repos: Repositories;
  clock: Clock;
  /** The host part of every Message-ID (BASE_URL's host). */
  domain: string;
}

export type Notifications = ReturnType<typeof createNotifications>;

const sameAddress = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The time after which the next message in a gathered series may go: 10 minutes after the last one went (or will go). */
export function nextWindow(last: { sent_at: string | null; next_attempt_at: string } | undefined, now: number, windowMs = GATHER_MS): number {
  if (!last) return now;
  return Math.max(now, Date.parse(last.sent_at ?? last.next_attempt_at) + windowMs);
}

export function createNotifications({ db, repos, clock, domain }: NotificationsDeps) {
  const { outbox } = repos;

  function queue(recipient: string, payload: Payload, opts: { gatherKey?: string; subscriptionId?: number; at?: number } = {}): void {
    const now = clock();
    outbox.add({
      message_id: `<${now.toString(36)}.${randomBytes(8).toString('hex')}@${domain}>`,
      recipient,
      kind: payload.kind as MessageKind,
      gather_key: opts.gatherKey ?? null,
      subscription_id: opts.subscriptionId ?? null,
      payload: JSON.stringify(payload),
      next_attempt_at: new Date(opts.at ?? now).toISOString(),
    });
  }

  /** Adds an item to the person's waiting message for the post, or queues a new one after the window. */
  function gather<I>(recipient: string, gatherKey: string, fresh: (items: I[]) => Payload, item: I, subscriptionId?: number, windowMs = GATHER_MS): void {
    const now = clock();
    const waiting = outbox.pendingFor(gatherKey, new Date(now).toISOString());
    if (waiting) {
      const payload = JSON.parse(waiting.payload) as { items: I[] };
      payload.items.push(item);
      outbox.setPayload(waiting.id, JSON.stringify(payload));
      return;
    }
    queue(recipient, fresh([item]), { gatherKey, subscriptionId, at: nextWindow(outbox.lastFor(gatherKey), now, windowMs) });
  }

  /** The comment is visible now: its post's subscribers hear of it, once. Call inside the transaction that approved it. */
  function commentApproved(commentId: number): void {
    if (!outbox.markAnnounced(`comment:${commentId}`)) return;
    const comment = repos.comments.findById(commentId);
    const post = comment ? repos.posts.findById(comment.post_id) : undefined;
    if (!comment || !post) return;
    const parent = comment.parent_id === null ? undefined : repos.comments.findById(comment.parent_id);
    const repliesOnly = repos.settings.load().mail_comment_notices === 'replies';
    for (const sub of repos.subscriptions.confirmedForPost(post.id)) {
      if (sameAddress(sub.email, comment.author_email)) continue;
      const replyToYou = parent !== undefined && sameAddress(parent.author_email, sub.email);
      if (repliesOnly && !replyToYou) continue;
      const item: CommentItem = { commentId, author: comment.author_name, html: comment.body_html, text: comment.body_md, replyToYou };
      gather(sub.email, `comments:${post.id}:${sub.email.toLowerCase()}`,
        (items: CommentItem[]) => ({ kind: 'comments', postTitle: post.title, postSlug: post.slug, items }), item, sub.id);
    }
  }

  /**
   * A message to the post's author and the admins (not the comment's own writer), if
   * the settings ask for these (on by default): per post within 10 minutes, or one
   * daily digest of every post. `kind` keeps held comments and reports apart.
   */
  function toStaff<I>(kind: 'held' | 'reported', postId: number, exceptEmail: string, item: (postTitle: string) => I, fresh: (items: I[]) => Payload): void {
    const settings = repos.settings.load();
    if (!settings.mail_held_comments) return;
    const daily = settings.mail_held_digest === 'daily';
    const post = repos.posts.findById(postId);
    if (!post) return;
    const people = repos.users.list().filter((u) => u.role === 'admin' || u.id === post.author_id);
    const addresses = [...new Set(people.map((u) => u.email.trim().toLowerCase()).filter((e) => e !== '' && !sameAddress(e, exceptEmail)))];
    for (const email of addresses) {
      const key = daily ? `${kind}-daily:${email}` : `${kind}:${post.id}:${email}`;
      gather(email, key, fresh, item(post.title), undefined, daily ? DIGEST_MS : GATHER_MS);
    }
  }

  /** A held comment: the post's author and the admins hear, with the reason. */
  function commentHeld(comment: Pick<Comment, 'id' | 'post_id' | 'author_name' | 'author_email' | 'body_md' | 'held_reason'>): void {
    toStaff('held', comment.post_id, comment.author_email,
      (postTitle): HeldItem => ({ commentId: comment.id, postTitle, author: comment.author_name, reason: comment.held_reason, text: comment.body_md }),
      (items: HeldItem[]) => ({ kind: 'held', items }));
  }

  /**
   * A visible comment's first open report: the post's author and the admins hear once,
   * with the reader's reason. Later reports add nothing until the comment is hidden
   * (a held notice) or a moderator answers them and someone reports it again.
   */
  function commentReported(comment: Pick<Comment, 'id' | 'post_id' | 'author_name' | 'author_email' | 'body_md'>, reason: string): void {
    toStaff('reported', comment.post_id, comment.author_email,
      (postTitle): ReportedItem => ({ commentId: comment.id, postTitle, author: comment.author_name, reason, text: comment.body_md }),
      (items: ReportedItem[]) => ({ kind: 'reported', items }));
  }

  /**
   * Posts that became public since the last check (published now or scheduled earlier)
   * go to the blog's subscribers, each post once; the checkpoint moves in the same
   * transaction, so a crash announces nothing twice and loses nothing.
   */
  const announceDuePosts = db.transaction((): number => {
    const now = isoNow(clock);
    const since = repos.settings.getInternal(POSTS_CHECKED);
    // The first start announces nothing already published.
    if (since === undefined) {
      repos.settings.setInternal(POSTS_CHECKED, now);
      return 0;
    }
    const due = repos.posts.publishedBetween(since, now);
    // Moved only when something came due, so a quiet blog's worker writes nothing.
    if (due.length > 0) repos.settings.setInternal(POSTS_CHECKED, now);
    let announced = 0;
    const followers = due.length > 0 ? repos.subscriptions.confirmedForBlog() : [];
    for (const post of due) {
      if (!outbox.markAnnounced(`post:${post.id}`)) continue;
      announced++;
      for (const sub of followers) {
        queue(sub.email, { kind: 'post', postTitle: post.title, postSlug: post.slug, author: post.author_name, excerpt: post.summary || post.excerpt }, { gatherKey: `post:${post.id}:${sub.email.toLowerCase()}`, subscriptionId: sub.id });
      }
    }
    return announced;
  });

  return { queue, commentApproved, commentHeld, commentReported, announceDuePosts };
}
