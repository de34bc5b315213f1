// Autosaved copies of the editor (migration 015): what the author had typed, kept
// whether or not it was valid, the last KEEP per post (or per unsaved new post).
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

/** The editor's fields as typed: the same names and meanings as the post form's. */
export interface RevisionFields {
  kind: string;
  title: string;
  slug: string;
  body: string;
  excerpt: string;
  tags: string;
  status: string;
  published_at: string;
  comments_open: boolean;
  likes_open: boolean;
}

export interface Revision extends RevisionFields {
  id: number;
  post_id: number | null;
  author_id: number;
  draft_key: string;
  created_at: string;
}

/** Whose copies: a saved post's, or one author's new post not yet saved, known by its editor's key. */
export type RevisionOwner = { postId: number } | { authorId: number; draftKey: string };

type Row = Omit<Revision, 'comments_open' | 'likes_open'> & { comments_open: 0 | 1; likes_open: 0 | 1 };

/** How many copies are kept per post. */
export const KEEP_REVISIONS = 20;

export type RevisionsRepository = ReturnType<typeof createRevisionsRepository>;

export function createRevisionsRepository(db: Db, clock: Clock) {
  const insert = db.prepare(
    `INSERT INTO post_revisions (post_id, author_id, draft_key, kind, title, slug, body, excerpt, tags, status, published_at, comments_open, likes_open, created_at)
     VALUES (@post_id, @author_id, @draft_key, @kind, @title, @slug, @body, @excerpt, @tags, @status, @published_at, @comments_open, @likes_open, @now)`,
  );
  const byId = db.prepare<[number], Row>('SELECT * FROM post_revisions WHERE id = ?');
  const forPost = db.prepare<[number, number], Row>('SELECT * FROM post_revisions WHERE post_id = ? ORDER BY id DESC LIMIT ?');
  const forUnsaved = db.prepare<[number, string, number], Row>(
    'SELECT * FROM post_revisions WHERE post_id IS NULL AND author_id = ? AND draft_key = ? ORDER BY id DESC LIMIT ?',
  );
  const latestUnsaved = db.prepare<[number], Row>('SELECT * FROM post_revisions WHERE post_id IS NULL AND author_id = ? ORDER BY id DESC LIMIT 1');
  const trimPost = db.prepare<[number, number, number]>(
    'DELETE FROM post_revisions WHERE post_id = ? AND id NOT IN (SELECT id FROM post_revisions WHERE post_id = ? ORDER BY id DESC LIMIT ?)',
  );
  const trimUnsaved = db.prepare<{ authorId: number; draftKey: string; keep: number }>(
    `DELETE FROM post_revisions WHERE post_id IS NULL AND author_id = @authorId AND draft_key = @draftKey AND id NOT IN (
       SELECT id FROM post_revisions WHERE post_id IS NULL AND author_id = @authorId AND draft_key = @draftKey ORDER BY id DESC LIMIT @keep)`,
  );
  const adopt = db.prepare<[number, number, string]>('UPDATE post_revisions SET post_id = ? WHERE post_id IS NULL AND author_id = ? AND draft_key = ?');
  const discardUnsaved = db.prepare<[number]>('DELETE FROM post_revisions WHERE post_id IS NULL AND author_id = ?');

  const toRevision = (row: Row | undefined): Revision | undefined => (row ? { ...row, comments_open: row.comments_open === 1, likes_open: row.likes_open === 1 } : undefined);
  const list = (owner: RevisionOwner, limit: number): Revision[] =>
    ('postId' in owner ? forPost.all(owner.postId, limit) : forUnsaved.all(owner.authorId, owner.draftKey, limit)).map((r) => toRevision(r)!);

  return {
    findById: (id: number): Revision | undefined => toRevision(byId.get(id)),
    /** Newest first, at most KEEP_REVISIONS. */
    list: (owner: RevisionOwner): Revision[] => list(owner, KEEP_REVISIONS),
    latest: (owner: RevisionOwner): Revision | undefined => list(owner, 1)[0],
    /** The newest copy of any new post this author has not saved. */
    latestUnsaved: (authorId: number): Revision | undefined => toRevision(latestUnsaved.get(authorId)),

    /** Adds a copy and forgets all but the newest KEEP_REVISIONS of its owner; call inside a transaction. */
    add(owner: RevisionOwner, authorId: number, fields: RevisionFields, now = isoNow(clock)): number {
      const postId = 'postId' in owner ? owner.postId : null;
      const draftKey = 'postId' in owner ? '' : owner.draftKey;
      const { lastInsertRowid } = insert.run({ ...fields, comments_open: fields.comments_open ? 1 : 0, likes_open: fields.likes_open ? 1 : 0, post_id: postId, author_id: authorId, draft_key: draftKey, now });
      if (postId !== null) trimPost.run(postId, postId, KEEP_REVISIONS);
      else trimUnsaved.run({ authorId, draftKey, keep: KEEP_REVISIONS });
      return Number(lastInsertRowid);
    },
    /** A new post's copies become the saved post's. */
    adopt: (draftKey: string, authorId: number, postId: number): void => void adopt.run(postId, authorId, draftKey),
    /** The author's copies of new posts never saved: they chose not to restore them. */
    discardUnsaved: (authorId: number): void => void discardUnsaved.run(authorId),
  };
}
