// Moderation as plain values: what each action does, and the author's reply from the
// queue. The reply is written here with the repository and the comment renderer;
// it is approved at once and carries the user's id, which marks it as the author's.
import { renderCommentMarkdown } from '../markdown.js';
import type { Comment, CommentStatus, CommentsRepository } from '../comments/comments-repository.js';
import type { User } from '../users/users-repository.js';

export type ModerationAction = 'approve' | 'unapprove' | 'spam' | 'trash' | 'delete';

/** The status each action moves a comment to; delete removes it for good. */
export const ACTION_STATUS: Readonly<Record<Exclude<ModerationAction, 'delete'>, CommentStatus>> = {
  approve: 'approved',
  unapprove: 'pending',
  spam: 'spam',
  trash: 'trash',
};

export function parseAction(raw: unknown): ModerationAction | undefined {
  return typeof raw === 'string' && (raw === 'delete' || Object.hasOwn(ACTION_STATUS, raw)) ? (raw as ModerationAction) : undefined;
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

export const COMMENT_MAX = 10_000;

/** A comment text as typed: 1 to 10,000 characters after trimming, or why not. */
export function checkCommentText(raw: string): { ok: true; text: string } | { ok: false; error: string } {
  const text = raw.trim();
  if (!text) return { ok: false, error: 'Write something first.' };
  if ([...text].length > COMMENT_MAX) return { ok: false, error: `A comment can be at most ${COMMENT_MAX.toLocaleString('en-US')} characters.` };
  return { ok: true, text };
}

/**
 * Writes the author's reply to `parent`, approved at once. A reply needs a visible
 * parent, so a parent still waiting is approved with it (as answering it means).
 * Call inside a transaction. Returns the new comment's id.
 */
export function insertAuthorReply(comments: CommentsRepository, user: Pick<User, 'id' | 'display_name' | 'email'>, parent: Comment, text: string): number {
  if (parent.status === 'pending') comments.setStatus(parent.id, 'approved');
  return comments.insert({
    post_id: parent.post_id,
    parent_id: parent.id,
    user_id: user.id,
    author_name: user.display_name,
    author_email: user.email,
    author_url: '',
    body_md: text,
    body_html: renderCommentMarkdown(text),
    status: 'approved',
    held_reason: '',
    ip_hash: '',
    user_agent: '',
  });
}
