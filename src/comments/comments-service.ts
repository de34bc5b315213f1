// Posting a comment: the checks after the token, in order (input, too quick, rate,
// duplicate), then the moderation decision and the insert. The public form and the
// author's reply (from the post page or the moderation queue) share this one path.
// A comment's HTML is rendered here alone: at posting, at an edit, and all again.
import { renderCommentMarkdown, countLinks } from '../markdown.js';
import { findPersonalData } from '../risk/personal-data.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import type { Repositories } from '../repositories.js';
import type { Post } from '../posts/posts-repository.js';
import type { Settings } from '../settings/settings.js';
import type { User } from '../users/users-repository.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { Notifications } from '../mail/notifications.js';
import type { SubscriptionsService } from '../subscriptions/subscriptions-service.js';
import { addressKey } from '../limits/address.js';
import { validateComment, type CommentForm, type FieldErrors } from './comment-input.js';
import type { CommentKeys } from './comment-keys.js';
import type { CommentStatus, NewComment } from './comments-repository.js';
import type { LikeOutcome } from './likes-repository.js';
import { decideStatus, reportHold } from './moderation.js';
import { buildThread } from './comment-tree.js';
import { threadPage } from './comment-pages.js';
import { checkCommentText } from './comment-input.js';
import { ownEditVerdict, type OwnEditVerdict } from './own-edits.js';
import type { Commenter } from '../commenters/commenters-repository.js';

export type PostOutcome =
  | { kind: 'invalid'; errors: FieldErrors }
  | { kind: 'too-quick'; waitSeconds: number }
  | { kind: 'rate-limited'; retryAfter: number }
  | { kind: 'duplicate' }
  | { kind: 'stored'; id: number; status: CommentStatus };

export interface Submission {
  post: Pick<Post, 'id'>;
  form: CommentForm;
  settings: Settings;
  /** The client address (req.ip); only its keyed hash is used or kept. */
  ip: string;
  userAgent: string;
  /** The signed-in author or admin, if any: trusted, approved at once. */
  user?: Pick<User, 'id' | 'display_name' | 'email'>;
  /** A signed-in commenter (when no staff member is signed in): name and email from the identity, moderated like anyone. */
  commenter?: Pick<Commenter, 'id' | 'name' | 'email'>;
  now?: number;
}

export type OwnEditOutcome =
  | { kind: 'refused'; verdict: Exclude<OwnEditVerdict, 'allowed'> }
  | { kind: 'invalid'; error: string }
  | { kind: 'edited'; status: CommentStatus }
  | { kind: 'deleted' };

export type CommentsService = ReturnType<typeof createCommentsService>;

export interface CommentsServiceDeps {
  db: Db;
  repos: Repositories;
  keys: CommentKeys;
  /** Comments per address per minute, counted for readers (not signed-in people). */
  limiter: RateLimiter;
  clock: Clock;
  /** Messages about the comment, queued in its transaction. */
  notifications: Notifications;
  /** The form's "Email me" boxes, stored with the comment. */
  subscriptions: SubscriptionsService;
}

export function createCommentsService({ db, repos, keys, limiter, clock, notifications, subscriptions }: CommentsServiceDeps) {

  const isParent = (postId: number, statuses: readonly CommentStatus[]) => (id: number) => {
    const parent = repos.comments.findById(id);
    return parent !== undefined && parent.post_id === postId && statuses.includes(parent.status);
  };

  /**
   * The form's fields checked, as posting checks them; a signed-in person's name and email
   * come from the account, a signed-in commenter's from their identity.
   */
  function check(s: Pick<Submission, 'post' | 'form' | 'user' | 'commenter'>, approvesParent = false) {
    const commenter = s.user ? undefined : s.commenter;
    const identity = s.user ? { author: s.user.display_name, email: s.user.email }
      : commenter ? { author: commenter.name, email: commenter.email ?? '' } : undefined;
    return validateComment(s.form, isParent(s.post.id, approvesParent ? ['approved', 'pending'] : ['approved']), identity);
  }

  /** `approvesParent`: the author answers a held comment from the queue, which approves it. */
  function postComment(s: Submission, approvesParent = false): PostOutcome {
    const now = s.now ?? clock();
    const commenter = s.user ? undefined : s.commenter;
    const checked = check(s, approvesParent);
    if (!checked.ok) return { kind: 'invalid', errors: checked.errors };
    const { input } = checked;

    // A form with no stamp (a client that sends only the named fields) is not timed;
    // a stamp that is not ours counts as just served.
    if (!s.user && s.form.stamp !== '') {
      const servedAt = keys.stampTime(s.form.stamp) ?? now;
      const waited = (now - servedAt) / 1000;
      if (waited < s.settings.comment_min_seconds) {
        return { kind: 'too-quick', waitSeconds: Math.max(1, Math.ceil(s.settings.comment_min_seconds - waited)) };
      }
    }

    const ipHash = keys.hash('ip', s.ip);
    // The count, the duplicate check and the insert are one write: one commit per
    // comment rather than two, and with several workers no other comment slips in
    // between the duplicate check and the insert. Taken at once (IMMEDIATE), so a second
    // process waits on busy_timeout instead of failing to upgrade a read.
    return db.transaction((): PostOutcome => {
      if (!s.user) {
        const rate = limiter.hit(addressKey(keys.hash, s.ip), now);
        if (!rate.allowed) return { kind: 'rate-limited', retryAfter: rate.retryAfter };
      }

      if (repos.comments.hasSameText(s.post.id, input.email, input.comment)) return { kind: 'duplicate' };

      const bodyHtml = renderCommentMarkdown(input.comment);
      const decision = decideStatus({
        mode: s.settings.comment_moderation,
        approvedBefore: (commenter !== undefined && repos.comments.hasApprovedFromCommenter(commenter.id))
          || (input.email !== '' && repos.comments.hasApprovedFrom(input.author, input.email)),
        signedIn: s.user !== undefined,
        commenter: commenter !== undefined,
        personalData: findPersonalData(input.comment),
        linkCount: countLinks(bodyHtml),
        linkLimit: s.settings.comment_link_limit,
        text: [input.comment, input.author, input.email, input.url].join('\n'),
        blocklist: s.settings.moderation_blocklist,
        trapFilled: s.form.trap.trim() !== '',
      });
      const row = {
        post_id: s.post.id,
        parent_id: input.parentId,
        user_id: s.user?.id ?? null,
        author_name: input.author,
        author_email: input.email,
        author_url: input.url,
        body_md: input.comment,
        body_html: bodyHtml,
        status: decision.status,
        held_reason: decision.reason,
        ip_hash: ipHash,
        user_agent: s.userAgent.slice(0, 500),
        commenter_id: commenter?.id ?? null,
      };
      // Both or neither: a reply never hangs under a hidden parent.
      const parentId = approvesParent ? input.parentId : null;
      if (parentId !== null && repos.comments.findById(parentId)?.status === 'pending') {
        repos.comments.setStatus(parentId, 'approved');
        notifications.commentApproved(parentId);
        // Approved from the queue like the Approve button: its reports are reviewed too.
        repos.reports.markReviewed([parentId]);
      }
      const id = repos.comments.insert(row, new Date(now).toISOString());
      if (row.status === 'approved') notifications.commentApproved(id);
      if (row.status === 'pending') notifications.commentHeld({ ...row, id });
      // Spam gets no mail of any kind, and asks for none.
      if (row.status !== 'spam' && (s.form.subscribe_comments || s.form.subscribe_blog)) {
        subscriptions.request({ email: input.email, postId: s.form.subscribe_comments ? s.post.id : undefined, blog: s.form.subscribe_blog === true });
      }
      return { kind: 'stored', id, status: decision.status };
    }).immediate();
  }

  /** The one rule for a commenter's own edit or delete, checked inside the write's transaction. */
  function ownComment(commentId: number, commenterId: number, settings: Settings, now: number) {
    const comment = repos.comments.findById(commentId);
    const verdict = ownEditVerdict(comment, commenterId, now, settings.comment_edit_minutes);
    return verdict === 'allowed' ? { comment: comment!, refused: undefined } : { comment: undefined, refused: { kind: 'refused' as const, verdict } };
  }

  return {
    postComment: (s: Submission): PostOutcome => postComment(s),

    /** Whether this commenter may edit or delete the comment now (what its page and links show). */
    ownEditVerdict: (commentId: number, commenterId: number, settings: Settings, now = clock()): OwnEditVerdict =>
      ownEditVerdict(repos.comments.findById(commentId), commenterId, now, settings.comment_edit_minutes),

    /**
     * A signed-in commenter's own edit, inside the edit window: marked as edited, and
     * checked again by the risk rules (personal data, links, blocklist), so an approved
     * comment edited into something that would have been held is held now.
     */
    editOwn(commentId: number, commenterId: number, text: string, settings: Settings, now = clock()): OwnEditOutcome {
      const checked = checkCommentText(text);
      return db.transaction((): OwnEditOutcome => {
        const { comment, refused } = ownComment(commentId, commenterId, settings, now);
        if (refused) return refused;
        if (!checked.ok) return { kind: 'invalid', error: checked.error };
        const bodyHtml = renderCommentMarkdown(checked.text);
        const decision = decideStatus({
          mode: 'none',
          approvedBefore: true,
          signedIn: false,
          commenter: true,
          personalData: findPersonalData(checked.text),
          linkCount: countLinks(bodyHtml),
          linkLimit: settings.comment_link_limit,
          text: [checked.text, comment.author_name, comment.author_email, comment.author_url].join('\n'),
          blocklist: settings.moderation_blocklist,
          trapFilled: false,
        });
        const iso = new Date(now).toISOString();
        repos.comments.setEditedBody(comment.id, checked.text, bodyHtml, iso);
        if (comment.status === 'approved' && decision.status === 'pending') {
          repos.comments.hold(comment.id, `Edited by its writer: ${decision.reason}`, iso);
          notifications.commentHeld({ ...comment, body_md: checked.text, held_reason: decision.reason });
          return { kind: 'edited', status: 'pending' };
        }
        return { kind: 'edited', status: comment.status };
      }).immediate();
    },

    /** A signed-in commenter deletes their own comment inside the edit window; one with replies stays as a removed placeholder. */
    deleteOwn(commentId: number, commenterId: number, settings: Settings, now = clock()): OwnEditOutcome {
      return db.transaction((): OwnEditOutcome => {
        const { comment, refused } = ownComment(commentId, commenterId, settings, now);
        if (refused) return refused;
        repos.reports.deleteFor([comment.id]);
        repos.comments.deletePermanently(comment.id, new Date(now).toISOString());
        return { kind: 'deleted' };
      }).immediate();
    },

    /**
     * What is wrong with the form's fields, stored nothing: for a form that still needs
     * its one more click, so the reader fixes everything in that same trip.
     */
    fieldErrors: (s: Pick<Submission, 'post' | 'form' | 'user'>): FieldErrors => {
      const checked = check(s);
      return checked.ok ? {} : checked.errors;
    },

    /**
     * An author's reply from the moderation queue: approved at once, with the user's
     * id (which marks it as the author's in the thread). Replying to a held comment
     * approves it in the same transaction, as the queue's "Approve and reply" says.
     */
    postAuthorReply(post: Pick<Post, 'id'>, user: Pick<User, 'id' | 'display_name' | 'email'>, parentId: number, text: string, settings: Settings): PostOutcome {
      const form: CommentForm = {
        author: '', email: '', url: '', comment: text, comment_parent: String(parentId), remember: false, stamp: '', trap: '',
      };
      return postComment({ post, form, settings, ip: '', userAgent: '', user }, true);
    },

    /** A comment brought in as it was (an import): its HTML rendered here, nothing decided. */
    insertAsWritten(comment: Omit<NewComment, 'body_html'>, createdAt: string): number {
      return repos.comments.insert({ ...comment, body_html: renderCommentMarkdown(comment.body_md) }, createdAt);
    },

    /** New text for a comment (a moderator's edit), rendered as a reader's would be. */
    rewrite(commentId: number, text: string, now: string): void {
      repos.comments.setBody(commentId, text, renderCommentMarkdown(text), now);
    },

    /** Renders every stored comment again, after the Markdown or sanitising rules change; how many. */
    rerenderAll: db.transaction((): number => {
      const sources = repos.comments.allSources();
      for (const c of sources) repos.comments.setRendered(c.id, renderCommentMarkdown(c.body_md));
      return sources.length;
    }),

    /** A reader's like: once per browser, and at most `limit` from one address group (IPv6 by /64) per post. */
    likePost: (postId: number, readerKey: string, ip: string, limit: number): LikeOutcome =>
      repos.likes.add(postId, readerKey, addressKey(keys.hash, ip), limit),

    /**
     * Where the public reads a comment: its post's slug and the page of the thread that
     * holds it. Undefined for an unknown comment, one the public can't see (held, spam,
     * trash) or one on a post that isn't public, so nothing tells them apart.
     */
    locate(commentId: number): { slug: string; page: number } | undefined {
      const comment = repos.comments.findById(commentId);
      if (!comment || comment.status !== 'approved') return undefined;
      const slug = repos.posts.findPublicSlugById(comment.post_id);
      if (slug === undefined) return undefined;
      const { comments_per_page, thread_depth } = repos.settings.load();
      if (comments_per_page === 0) return { slug, page: 1 };
      // The same thread and pages the public sees, so the page found is the page shown.
      const thread = buildThread(repos.comments.listForReader(comment.post_id, []), { maxDepth: thread_depth });
      return { slug, page: threadPage(thread, comments_per_page, 1, commentId)?.page ?? 1 };
    },

    /**
     * A reader's report on a visible comment, counted once per browser. Reports from
     * enough distinct addresses hold the comment back (pending, with the reason for the
     * queue); a staff member's comment is only listed for the moderators.
     */
    reportComment(commentId: number, readerKey: string, ip: string, reason: string, threshold: number): { hidden: boolean } {
      return db.transaction(() => {
        if (!repos.reports.add(commentId, readerKey, addressKey(keys.hash, ip), reason)) return { hidden: false };
        const comment = repos.comments.findById(commentId);
        if (comment?.status !== 'approved') return { hidden: false };
        const held = reportHold({ addresses: repos.reports.countHidingAddresses(commentId), threshold, byStaff: comment.user_id !== null });
        if (held !== undefined) {
          repos.comments.hold(commentId, held);
          // Hidden by reports tells the author and admins like any held comment.
          notifications.commentHeld({ ...comment, held_reason: held });
        } else if (repos.reports.countOpen(commentId) === 1) {
          // The first open report tells them too; the rest wait for the hiding or a review.
          notifications.commentReported(comment, reason);
        }
        return { hidden: held !== undefined };
      })();
    },
  };
}
