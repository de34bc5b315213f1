// The desk's moderation: status changes for one comment or many, a moderator's edit,
// the author's reply and readers' reports, each in one transaction with its audit row.
// One rule serves one comment and a bulk action alike: change the status, mark the
// reports of an approved or dismissed comment reviewed, record who did it.
import type { AuditRepository } from '../audit/audit-repository.js';
import { isoNow, type Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import type { Settings } from '../settings/settings.js';
import type { Notifications } from '../mail/notifications.js';
import type { User } from '../users/users-repository.js';
import { checkCommentText } from './comment-input.js';
import type { CommentsRepository, QueuedComment } from './comments-repository.js';
import type { CommentsService, PostOutcome } from './comments-service.js';
import { ACTION_STATUS, type ModerationAction } from './moderation-actions.js';
import { isReportHold } from './moderation.js';
import type { ReportsRepository } from './reports-repository.js';

export interface ModerationDeps {
  db: Db;
  repos: { comments: CommentsRepository; reports: ReportsRepository; audit: AuditRepository };
  /** The author's reply is posted through the one path every comment takes. */
  comments: CommentsService;
  /** An approval tells the post's subscribers, in the same transaction. */
  notifications: Notifications;
  clock: Clock;
}

export type ReplyOutcome = PostOutcome | { kind: 'parent-hidden' };

export type EditOutcome = { ok: true } | { ok: false; error: string };

export type ModerationService = ReturnType<typeof createModerationService>;

export function createModerationService({ db, repos, comments, notifications, clock }: ModerationDeps) {
  const now = () => isoNow(clock);

  /** The status change itself, for any number of comments; call inside a transaction. */
  function apply(selected: readonly QueuedComment[], action: ModerationAction, at: string): void {
    const ids = selected.map((c) => c.id);
    if (action === 'delete') {
      // Newest first, so replies go before their parents and a parent left with
      // no replies is removed rather than kept as a placeholder.
      for (const id of [...ids].sort((a, b) => b - a)) repos.comments.deletePermanently(id, at);
      return;
    }
    if (action === 'dismiss') {
      // Kept as it is, its open reports answered; one that reports had hidden shows again.
      repos.reports.markReviewed(ids, at);
      const unhidden = selected.filter((c) => isReportHold(c.status, c.held_reason)).map((c) => c.id);
      repos.comments.setStatusMany(unhidden, 'approved', at);
      return;
    }
    repos.comments.setStatusMany(ids, ACTION_STATUS[action], at);
    // Reviewed and kept: readers' reports so far stay in its history, answered, and the
    // addresses that made them cannot hide it again.
    if (action === 'approve') {
      repos.reports.markReviewed(ids, at);
      for (const id of ids) notifications.commentApproved(id);
    }
  }

  return {
    /** One comment, from its buttons. */
    act(comment: QueuedComment, action: ModerationAction, actorId: number): void {
      db.transaction(() => {
        const at = now();
        apply([comment], action, at);
        repos.audit.record({ userId: actorId, action: `comment.${action}`, subject: `comment:${comment.id}`, detail: `on post:${comment.post_id} by ${comment.author_name}` }, at);
      })();
    },

    /** The selected comments, from the queue's bulk menu; one audit row for the lot. */
    actOnMany(selected: readonly QueuedComment[], action: ModerationAction, actorId: number): number {
      const ids = selected.map((c) => c.id);
      db.transaction(() => {
        const at = now();
        apply(selected, action, at);
        repos.audit.record({ userId: actorId, action: `comment.bulk-${action}`, subject: ids.map((id) => `comment:${id}`).join(' ').slice(0, 500), detail: `${ids.length} comments` }, at);
      })();
      return ids.length;
    },

    /** A moderator's new text for a comment, checked as a reader's would be. */
    edit(comment: QueuedComment, typed: string, actorId: number): EditOutcome {
      const checked = checkCommentText(typed);
      if (!checked.ok) return { ok: false, error: checked.error };
      db.transaction(() => {
        const at = now();
        comments.rewrite(comment.id, checked.text, at);
        repos.audit.record({ userId: actorId, action: 'comment.edit', subject: `comment:${comment.id}` }, at);
      })();
      return { ok: true };
    },

    /**
     * The author answers a comment from the queue: posted at once, and a held parent is
     * approved with it. Spam and trash are not answered. The audit row is the reply's.
     */
    reply(parent: QueuedComment, user: Pick<User, 'id' | 'display_name' | 'email'>, typed: string, settings: Settings): ReplyOutcome {
      if (parent.status === 'spam' || parent.status === 'trash') return { kind: 'parent-hidden' };
      // The comments service's own transaction nests in this one.
      return db.transaction((): PostOutcome => {
        const result = comments.postAuthorReply({ id: parent.post_id }, user, parent.id, typed, settings);
        if (result.kind === 'stored') {
          repos.audit.record({ userId: user.id, action: 'comment.reply', subject: `comment:${result.id}`, detail: `reply to comment:${parent.id}` }, now());
        }
        return result;
      })();
    },
  };
}
