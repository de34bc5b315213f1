// Moderation as plain values: what each action does and which actions a comment in
// each status offers. The author's reply goes through the comments service.
import type { CommentStatus } from './comments-repository.js';

export type ModerationAction = 'approve' | 'unapprove' | 'spam' | 'trash' | 'delete' | 'dismiss';

/** The status each action moves a comment to; delete removes it for good, dismiss answers its reports and keeps it. */
export const ACTION_STATUS: Readonly<Record<Exclude<ModerationAction, 'delete' | 'dismiss'>, CommentStatus>> = {
  approve: 'approved',
  unapprove: 'pending',
  spam: 'spam',
  trash: 'trash',
};

export function parseAction(raw: unknown): ModerationAction | undefined {
  return typeof raw === 'string' && (raw === 'delete' || raw === 'dismiss' || Object.hasOwn(ACTION_STATUS, raw)) ? (raw as ModerationAction) : undefined;
}

/** The actions that make sense for a comment in `status` (the queue shows these buttons). */
export function actionsFor(status: CommentStatus): ModerationAction[] {
  switch (status) {
    case 'pending': return ['approve', 'spam', 'trash'];
    case 'approved': return ['unapprove', 'spam', 'trash'];
    case 'spam': return ['approve', 'trash', 'delete'];
    case 'trash': return ['approve', 'delete'];
  }
}

/** A reported comment's choices: keep it (its reports dismissed), hide it (to the trash), or call it spam. */
export const REPORTED_ACTIONS: readonly ModerationAction[] = ['dismiss', 'trash', 'spam'];
