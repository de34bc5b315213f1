// Comments: storage, the one-query thread read, and the moderation queue.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';
import { PUBLIC_POST } from '../posts/posts-repository.js';

export type CommentStatus = 'pending' | 'approved' | 'spam' | 'trash';
export const COMMENT_STATUSES: readonly CommentStatus[] = ['pending', 'approved', 'spam', 'trash'];
/** The desk's queues: each status, and the comments readers reported that no moderator has answered yet. */
export type CommentQueue = CommentStatus | 'reported';
export const COMMENT_QUEUES: readonly CommentQueue[] = ['pending', 'reported', 'approved', 'spam', 'trash'];

export interface Comment {
  id: number;
  post_id: number;
  parent_id: number | null;
  user_id: number | null;
  author_name: string;
  author_email: string;
  email_key: string;
  author_url: string;
  body_md: string;
  body_html: string;
  status: CommentStatus;
  held_reason: string;
  ip_hash: string;
  user_agent: string;
  created_at: string;
  updated_at: string;
  /** The signed-in commenter who wrote it (not staff, not anonymous), if any. */
  commenter_id: number | null;
  /** When its commenter last edited it within the edit window. */
  edited_at: string | null;
}

/** A comment as its thread shows it: what the page needs, nothing personal or private. */
export type ThreadRow = Pick<Comment, 'id' | 'parent_id' | 'user_id' | 'author_name' | 'email_key' | 'author_url' | 'body_html' | 'status' | 'created_at' | 'commenter_id' | 'edited_at'>
  & { /** The signed-in commenter's picture at their provider, if any (shown only when remote avatars are allowed). */ commenter_picture?: string | null };

/** A comment as written; the id, timestamps and email key are filled in when it is stored. */
export type NewComment = Omit<Comment, 'id' | 'email_key' | 'created_at' | 'updated_at' | 'commenter_id' | 'edited_at'> & { commenter_id?: number | null };

/** A signed-in commenter's own comment, for their "Your comments" page. */
export type OwnComment = Pick<Comment, 'id' | 'body_md' | 'status' | 'created_at' | 'edited_at'> & { post_title: string; post_slug: string };

/** A comment in the moderation queue, with its post. */
export interface QueuedComment extends Comment {
  post_title: string;
  post_slug: string;
  post_author_id: number;
}

export type CommentsRepository = ReturnType<typeof createCommentsRepository>;

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** A name as first-time trust compares it, the way WordPress does: trimmed and case-folded. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

export function createCommentsRepository(db: Db, clock: Clock) {
  const byId = db.prepare<[number], Comment>('SELECT * FROM comments WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO comments (post_id, parent_id, user_id, author_name, author_email, email_key, author_url, body_md, body_html,
       status, held_reason, ip_hash, user_agent, created_at, updated_at, commenter_id)
     VALUES (@post_id, @parent_id, @user_id, @author_name, @author_email, @email_key, @author_url, @body_md, @body_html,
       @status, @held_reason, @ip_hash, @user_agent, @now, @now, @commenter_id)`,
  );
  const approvedForPost = db.prepare<[number, number], Comment>(
    `SELECT * FROM comments WHERE post_id = ? AND status = 'approved' ORDER BY created_at DESC, id DESC LIMIT ?`,
  );
  // Names are compared in code: SQLite's lower() folds ASCII only. Read from the index alone.
  const approvedNames = db.prepare<[string], string>(
    `SELECT DISTINCT author_name FROM comments WHERE email_key = ? AND status = 'approved'`,
  ).pluck();
  const setStatus = db.prepare<[CommentStatus, string, number]>('UPDATE comments SET status = ?, updated_at = ? WHERE id = ?');
  const hold = db.prepare<[string, string, number]>("UPDATE comments SET status = 'pending', held_reason = ?, updated_at = ? WHERE id = ?");
  const setBody = db.prepare<[string, string, string, number]>('UPDATE comments SET body_md = ?, body_html = ?, updated_at = ? WHERE id = ?');
  const editByCommenter = db.prepare<[string, string, string, string, number]>(
    'UPDATE comments SET body_md = ?, body_html = ?, edited_at = ?, updated_at = ? WHERE id = ?',
  );
  const approvedFromCommenter = db.prepare<[number], number>(
    "SELECT 1 FROM comments WHERE commenter_id = ? AND status = 'approved' LIMIT 1",
  ).pluck();
  const idsByCommenter = db.prepare<[number], number>('SELECT id FROM comments WHERE commenter_id = ? ORDER BY id').pluck();
  // Their own view: what they wrote and where, never spam or trash (those are the moderators' business).
  const ownComments = db.prepare<[number], OwnComment>(
    `SELECT c.id, c.body_md, c.status, c.created_at, c.edited_at, p.title AS post_title, p.slug AS post_slug
       FROM comments c JOIN posts p ON p.id = c.post_id
      WHERE c.commenter_id = ? AND c.status IN ('approved', 'pending') ORDER BY c.created_at DESC, c.id DESC`,
  );
  const childCount = db.prepare<[number], number>('SELECT count(*) FROM comments WHERE parent_id = ?').pluck();
  const deleteRow = db.prepare<[number]>('DELETE FROM comments WHERE id = ?');
  // A deleted comment that still has replies keeps its row (the replies' true parent)
  // with everything personal wiped.
  const scrub = db.prepare<[string, number]>(
    `UPDATE comments SET status = 'trash', user_id = NULL, commenter_id = NULL, edited_at = NULL, author_name = '', author_email = '', email_key = '', author_url = '',
       body_md = '', body_html = '', held_reason = 'deleted', ip_hash = '', user_agent = '', updated_at = ? WHERE id = ?`,
  );
  const queue = db.prepare<{ status: CommentStatus; authorId: number | null; limit: number; offset: number }, QueuedComment>(
    `SELECT c.*, p.title AS post_title, p.slug AS post_slug, p.author_id AS post_author_id
       FROM comments c JOIN posts p ON p.id = c.post_id
      WHERE c.status = @status AND (@authorId IS NULL OR p.author_id = @authorId)
      ORDER BY c.created_at DESC, c.id DESC LIMIT @limit OFFSET @offset`,
  );
  // Open reports on comments still up or held; spam and trash are answered already. Newest report first.
  const reportedQueue = db.prepare<{ authorId: number | null; limit: number; offset: number }, QueuedComment>(
    `SELECT c.*, p.title AS post_title, p.slug AS post_slug, p.author_id AS post_author_id
       FROM (SELECT comment_id, max(created_at) AS last FROM reports WHERE reviewed_at IS NULL GROUP BY comment_id) r
       JOIN comments c ON c.id = r.comment_id JOIN posts p ON p.id = c.post_id
      WHERE c.status IN ('approved', 'pending') AND (@authorId IS NULL OR p.author_id = @authorId)
      ORDER BY r.last DESC, c.id DESC LIMIT @limit OFFSET @offset`,
  );
  const reportedCount = db.prepare<{ authorId: number | null }, number>(
    `SELECT count(*) FROM comments c JOIN posts p ON p.id = c.post_id
      WHERE c.id IN (SELECT comment_id FROM reports WHERE reviewed_at IS NULL)
        AND c.status IN ('approved', 'pending') AND (@authorId IS NULL OR p.author_id = @authorId)`,
  ).pluck();
  const counts = db.prepare<{ authorId: number | null }, { status: CommentStatus; n: number }>(
    `SELECT c.status, count(*) AS n FROM comments c JOIN posts p ON p.id = c.post_id
      WHERE (@authorId IS NULL OR p.author_id = @authorId) GROUP BY c.status`,
  );
  // The thread for one reader, in one read: approved comments, this reader's own held
  // ones, and any other comment that has a reply (a placeholder if a reply shows).
  // Leaf spam and trash, however much of it, is never loaded; nor the columns the page
  // never shows (the Markdown source, the email, the address hash), which were nearly half of each row.
  const forReader = db.prepare<{ postId: number; own: string }, ThreadRow>(
    `SELECT c.id, c.parent_id, c.user_id, c.author_name, c.email_key, c.author_url, c.body_html, c.status, c.created_at,
            c.commenter_id, c.edited_at, (SELECT m.picture_url FROM commenters m WHERE m.id = c.commenter_id) AS commenter_picture
       FROM comments c WHERE c.post_id = @postId AND (
       c.status = 'approved'
       OR c.id IN (SELECT value FROM json_each(@own))
       OR EXISTS (SELECT 1 FROM comments r WHERE r.parent_id = c.id))
     ORDER BY c.created_at, c.id`,
  );
  const idsByEmail = db.prepare<[string], number>('SELECT id FROM comments WHERE email_key = ? ORDER BY id').pluck();
  const sameText = db.prepare<[number, string, string], number>(
    `SELECT 1 FROM comments WHERE post_id = ? AND email_key = ? AND body_md = ? AND status != 'trash' LIMIT 1`,
  ).pluck();
  const recentApproved = db.prepare<{ limit: number; now: string }, QueuedComment>(
    `SELECT c.*, p.title AS post_title, p.slug AS post_slug, p.author_id AS post_author_id
       FROM comments c JOIN posts p ON p.id = c.post_id
      WHERE c.status = 'approved' AND ${PUBLIC_POST}
      ORDER BY c.created_at DESC, c.id DESC LIMIT @limit`,
  );

  const manyWithPost = db.prepare<[string], QueuedComment>(
    `SELECT c.*, p.title AS post_title, p.slug AS post_slug, p.author_id AS post_author_id
       FROM comments c JOIN posts p ON p.id = c.post_id WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id`,
  );
  const allForPost = db.prepare<[number], number>('SELECT count(*) FROM comments WHERE post_id = ?').pluck();
  const setStatusMany = db.prepare<[CommentStatus, string, string]>(
    'UPDATE comments SET status = ?, updated_at = ? WHERE id IN (SELECT value FROM json_each(?))',
  );
  // Same condition as the partial index comments_with_address, so only those rows are read.
  const forgetAddresses = db.prepare<[string]>(
    `UPDATE comments SET ip_hash = '', user_agent = '' WHERE created_at < ? AND (ip_hash != '' OR user_agent != '')`,
  );
  const allSources = db.prepare<[], Pick<Comment, 'id' | 'body_md'>>('SELECT id, body_md FROM comments ORDER BY id');
  // Not updated_at: rendering again is not an edit.
  const setRendered = db.prepare<[string, number]>('UPDATE comments SET body_html = ? WHERE id = ?');
  // Not updated_at either: the staff member's words are unchanged, only the name they go by.
  const renameStaff = db.prepare<[string, number, string]>('UPDATE comments SET author_name = ? WHERE user_id = ? AND author_name != ?');

  function countByStatus(authorId: number | null): Record<CommentStatus, number> {
    const result: Record<CommentStatus, number> = { pending: 0, approved: 0, spam: 0, trash: 0 };
    for (const row of counts.all({ authorId })) result[row.status] = row.n;
    return result;
  }

  return {
    findById: (id: number): Comment | undefined => byId.get(id),

    insert(comment: NewComment, now = isoNow(clock)): number {
      const { lastInsertRowid } = insert.run({ commenter_id: null, ...comment, email_key: emailKey(comment.author_email), now });
      return Number(lastInsertRowid);
    },

    /** What a reader's thread may need, oldest first: the tree builder decides what shows. */
    listForReader: (postId: number, ownIds: readonly number[]): ThreadRow[] => forReader.all({ postId, own: JSON.stringify(ownIds) }),
    /** Whether this commenter already posted this exact text on this post. */
    hasSameText: (postId: number, email: string, bodyMd: string): boolean => sameText.get(postId, emailKey(email), bodyMd) !== undefined,
    /** Newest approved comments of a post, for its feed. */
    listApprovedForPost: (postId: number, limit: number): Comment[] => approvedForPost.all(postId, limit),
    /** Newest approved comments on public posts, for the site's comment feed. */
    listRecentApproved: (limit: number, now = isoNow(clock)): QueuedComment[] => recentApproved.all({ limit, now }),
    /** Every comment stored under this email (case-folded), whatever its status, oldest first. */
    idsByEmail: (email: string): number[] => idsByEmail.all(emailKey(email)),
    /** Whether a comment has replies (which keep it as a placeholder when it is deleted). */
    hasReplies: (id: number): boolean => (childCount.get(id) ?? 0) > 0,
    /** Whether an earlier approved comment has both this name and this email (each case-folded, the name trimmed). */
    hasApprovedFrom(name: string, email: string): boolean {
      const wanted = nameKey(name);
      return approvedNames.all(emailKey(email)).some((approved) => nameKey(approved) === wanted);
    },

    setStatus: (id: number, status: CommentStatus, now = isoNow(clock)): void => void setStatus.run(status, now, id),
    setBody: (id: number, md: string, html: string, now = isoNow(clock)): void => void setBody.run(md, html, now, id),
    /** A commenter's own edit: the new text, marked as edited. */
    setEditedBody: (id: number, md: string, html: string, now = isoNow(clock)): void => void editByCommenter.run(md, html, now, now, id),
    /** Whether this signed-in commenter has an approved comment. */
    hasApprovedFromCommenter: (commenterId: number): boolean => approvedFromCommenter.get(commenterId) !== undefined,
    /** Every comment of this signed-in commenter, whatever its status, oldest first. */
    idsByCommenter: (commenterId: number): number[] => idsByCommenter.all(commenterId),
    /** The commenter's visible and waiting comments with their posts, newest first. */
    listOwn: (commenterId: number): OwnComment[] => ownComments.all(commenterId),

    /** One queue (a status, or the reported comments); authorId limits it to comments on that author's posts. */
    listQueue: (status: CommentQueue, authorId: number | null, limit: number, offset: number): QueuedComment[] =>
      status === 'reported' ? reportedQueue.all({ authorId, limit, offset }) : queue.all({ status, authorId, limit, offset }),

    countByStatus,
    /** Every queue's count, the reported comments' too. */
    countQueues: (authorId: number | null): Record<CommentQueue, number> =>
      ({ ...countByStatus(authorId), reported: reportedCount.get({ authorId }) ?? 0 }),

    /** Deletes for good; a comment with replies is wiped but kept as their parent. */
    deletePermanently: db.transaction((id: number, now = isoNow(clock)): void => {
      if ((childCount.get(id) ?? 0) > 0) scrub.run(now, id);
      else deleteRow.run(id);
    }),

    /** Comments by id with their post's author, for checking who may moderate them; one query. */
    findManyWithPost: (ids: readonly number[]): QueuedComment[] => manyWithPost.all(JSON.stringify(ids)),
    /** Sets the status of many comments at once. */
    setStatusMany: (ids: readonly number[], status: CommentStatus, now = isoNow(clock)): void =>
      void setStatusMany.run(status, now, JSON.stringify(ids)),
    /** Every comment of a post, whatever its status. */
    countAllForPost: (postId: number): number => allForPost.get(postId) ?? 0,
    /** Every comment's Markdown, for rendering all of them again. */
    allSources: (): Pick<Comment, 'id' | 'body_md'>[] => allSources.all(),
    setRendered: (id: number, html: string): void => void setRendered.run(html, id),
    /** Clears the address hash and user agent of comments written before `cutoff`; returns how many. Not an edit: updated_at stays. */
    forgetAddressesBefore: (cutoff: string): number => forgetAddresses.run(cutoff).changes,
    /** A staff member's comments take their new display name, so old replies are signed as they now sign. */
    renameStaffAuthor: (userId: number, name: string): void => void renameStaff.run(name, userId, name),
    /** Holds a comment back for moderation, saying why. */
    hold: (id: number, reason: string, now = isoNow(clock)): void => void hold.run(reason, now, id),
  };
}
