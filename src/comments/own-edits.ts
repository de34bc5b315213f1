// Whether a signed-in commenter may still edit or delete a comment of theirs: only
// their own, only while it is visible or waiting, only inside the edit window.
import type { Comment } from './comments-repository.js';

export type OwnEditVerdict = 'allowed' | 'not-yours' | 'closed' | 'gone';

const MINUTE = 60_000;

/** When the window for a comment written at `createdAt` closes (ms). */
export function editableUntil(createdAt: string, windowMinutes: number): number {
  return Date.parse(createdAt) + windowMinutes * MINUTE;
}

export function ownEditVerdict(
  comment: Pick<Comment, 'commenter_id' | 'status' | 'created_at'> | undefined,
  commenterId: number,
  now: number,
  windowMinutes: number,
): OwnEditVerdict {
  if (!comment || (comment.status !== 'approved' && comment.status !== 'pending')) return 'gone';
  if (comment.commenter_id !== commenterId) return 'not-yours';
  if (windowMinutes <= 0 || now >= editableUntil(comment.created_at, windowMinutes)) return 'closed';
  return 'allowed';
}
