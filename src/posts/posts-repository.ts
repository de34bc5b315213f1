// Posts and pages: storage and the queries every listing needs.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';
import { SHOWN_NAME } from '../users/users-repository.js';

export type PostKind = 'post' | 'page';
export type PostStatus = 'draft' | 'published';

export interface Post {
  id: number;
  kind: PostKind;
  author_id: number;
  title: string;
  slug: string;
  body_md: string;
  body_html: string;
  excerpt: string;
  summary: string;
  status: PostStatus;
  published_at: string | null;
  comments_open: 0 | 1;
  /** Whether the page shows a Like button (and takes likes). */
  likes_open: 0 | 1;
  created_at: string;
  updated_at: string;
  /** When it went to the Trash; null while it is not there. */
  trashed_at: string | null;
}

/** A post with what a listing or post page shows beside it. */
export interface PostView extends Post {
  /** The author's display name, or their username where that is blank. */
  author_name: string;
  author_bio: string;
  comment_count: number;
}

/** What a write sets: the stored columns but the id and timestamps. */
export type PostFields = Omit<Post, 'id' | 'comments_open' | 'likes_open' | 'created_at' | 'updated_at' | 'trashed_at'> & { comments_open: boolean; likes_open: boolean };

/** Which public posts a listing shows. Times are UTC ISO strings. */
export type ListingFilter =
  | { kind: 'all' }
  | { kind: 'tag'; tagId: number }
  | { kind: 'period'; from: string; to: string };

export type PostsRepository = ReturnType<typeof createPostsRepository>;

/**
 * What "visible to the public" means, in one place, for a query whose posts row is
 * `p` and which binds `@now`: published, its time has come, and not in the Trash.
 */
export const PUBLIC_POST = `p.status = 'published' AND p.published_at <= @now AND p.trashed_at IS NULL`;
const PUBLIC = PUBLIC_POST;
// comment_count is a column kept by triggers (migration 008): approved comments only.
const VIEW_COLUMNS = `p.*, ${SHOWN_NAME} AS author_name, u.bio AS author_bio`;

export function createPostsRepository(db: Db, clock: Clock) {
  const byId = db.prepare<[number], Post>('SELECT * FROM posts WHERE id = ?');
  const bySlug = db.prepare<[string], Post>('SELECT * FROM posts WHERE slug = ?');
  // A post may take back one of its own old slugs; anyone else's is taken.
  const slugTaken = db.prepare<{ slug: string; id: number }, number>(
    `SELECT 1 FROM posts WHERE slug = @slug AND id != @id
     UNION ALL SELECT 1 FROM post_redirects WHERE old_slug = @slug AND post_id != @id`,
  ).pluck();
  const publicBySlug = db.prepare<{ slug: string; now: string }, PostView>(
    `SELECT ${VIEW_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id WHERE p.slug = @slug AND ${PUBLIC}`,
  );
  // Staff previewing a draft or a scheduled post at its real address; the Trash is not previewed.
  const previewBySlug = db.prepare<[string], PostView>(
    `SELECT ${VIEW_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id WHERE p.slug = ? AND p.trashed_at IS NULL`,
  );
  // Only a post that was public when it went: a trashed draft stays unknown, as drafts are.
  const trashedBySlug = db.prepare<[string], number>(
    "SELECT 1 FROM posts WHERE slug = ? AND trashed_at IS NOT NULL AND status = 'published' AND published_at <= trashed_at",
  ).pluck();
  const setTrashed = db.prepare<[string | null, number]>('UPDATE posts SET trashed_at = ? WHERE id = ?');
  const trashedBefore = db.prepare<[string], Post>('SELECT * FROM posts WHERE trashed_at IS NOT NULL AND trashed_at < ? ORDER BY trashed_at, id');
  const publicSlugById = db.prepare<{ id: number; now: string }, string>(`SELECT p.slug FROM posts p WHERE p.id = @id AND ${PUBLIC}`).pluck();
  // Only to a public post: a redirect would name the new slug of a draft.
  const redirectFor = db.prepare<{ slug: string; now: string }, string>(
    `SELECT p.slug FROM post_redirects r JOIN posts p ON p.id = r.post_id WHERE r.old_slug = @slug AND ${PUBLIC}`,
  ).pluck();
  const insert = db.prepare(
    `INSERT INTO posts (kind, author_id, title, slug, body_md, body_html, excerpt, summary, status, published_at, comments_open, likes_open, created_at, updated_at)
     VALUES (@kind, @author_id, @title, @slug, @body_md, @body_html, @excerpt, @summary, @status, @published_at, @comments_open, @likes_open, @now, @now)`,
  );
  const update = db.prepare(
    `UPDATE posts SET kind = @kind, author_id = @author_id, title = @title, slug = @slug, body_md = @body_md, body_html = @body_html,
       excerpt = @excerpt, summary = @summary, status = @status, published_at = @published_at, comments_open = @comments_open,
       likes_open = @likes_open, updated_at = @now
     WHERE id = @id`,
  );
  const addRedirect = db.prepare<[string, number]>(
    'INSERT INTO post_redirects (old_slug, post_id) VALUES (?, ?) ON CONFLICT (old_slug) DO UPDATE SET post_id = excluded.post_id',
  );
  const dropRedirect = db.prepare<[string]>('DELETE FROM post_redirects WHERE old_slug = ?');
  const remove = db.prepare<[number]>('DELETE FROM posts WHERE id = ?');
  const allSources = db.prepare<[], Pick<Post, 'id' | 'body_md' | 'excerpt'>>('SELECT id, body_md, excerpt FROM posts');
  const setRendered = db.prepare<[string, string, number]>('UPDATE posts SET body_html = ?, summary = ? WHERE id = ?');
  const allSummaries = db.prepare<[], Pick<Post, 'id' | 'excerpt' | 'body_html' | 'summary'>>('SELECT id, excerpt, body_html, summary FROM posts');
  const publicPages = db.prepare<{ now: string }, Pick<Post, 'title' | 'slug'>>(
    `SELECT p.title, p.slug FROM posts p WHERE p.kind = 'page' AND ${PUBLIC} ORDER BY p.title COLLATE NOCASE`,
  );

  const publishedBetween = db.prepare<[string, string], PostView>(
    `SELECT ${VIEW_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
      WHERE p.kind = 'post' AND p.status = 'published' AND p.trashed_at IS NULL AND p.published_at >= ? AND p.published_at <= ? ORDER BY p.published_at, p.id`,
  );

  const publicLocations = db.prepare<{ now: string }, Pick<Post, 'kind' | 'slug' | 'published_at' | 'updated_at'>>(
    `SELECT p.kind, p.slug, p.published_at, p.updated_at FROM posts p WHERE ${PUBLIC} ORDER BY p.published_at DESC, p.id DESC`,
  );
  const publicTags = db.prepare<{ now: string }, { slug: string; name: string; updated_at: string }>(
    `SELECT t.slug, t.name, max(max(p.updated_at, p.published_at)) AS updated_at
       FROM tags t JOIN post_tags pt ON pt.tag_id = t.id JOIN posts p ON p.id = pt.post_id
      WHERE p.kind = 'post' AND ${PUBLIC} GROUP BY t.id ORDER BY t.slug`,
  );
  const adminPage = db.prepare<ReturnType<typeof adminParams> & { limit: number; offset: number }, AdminPostRow>(
    `SELECT ${VIEW_COLUMNS}, (SELECT count(*) FROM comments c WHERE c.post_id = p.id AND c.status = 'pending') AS pending_count
       FROM posts p JOIN users u ON u.id = p.author_id WHERE ${ADMIN_WHERE}
      ORDER BY p.updated_at DESC, p.id DESC LIMIT @limit OFFSET @offset`,
  );
  const adminCount = db.prepare<ReturnType<typeof adminParams>, number>(`SELECT count(*) FROM posts p WHERE ${ADMIN_WHERE}`).pluck();
  const adminStates = db.prepare<{ authorId: number | null; now: string }, { state: DeskState; n: number }>(
    `SELECT ${STATE} AS state, count(*) AS n FROM posts p WHERE (@authorId IS NULL OR p.author_id = @authorId) GROUP BY state`,
  );

  const listing = {
    all: {
      page: db.prepare<{ now: string; limit: number; offset: number }, PostView>(
        `SELECT ${VIEW_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
          WHERE p.kind = 'post' AND ${PUBLIC} ORDER BY p.published_at DESC, p.id DESC LIMIT @limit OFFSET @offset`,
      ),
      count: db.prepare<{ now: string }, number>(`SELECT count(*) FROM posts p WHERE p.kind = 'post' AND ${PUBLIC}`).pluck(),
    },
    tag: {
      page: db.prepare<{ now: string; tagId: number; limit: number; offset: number }, PostView>(
        `SELECT ${VIEW_COLUMNS} FROM post_tags pt JOIN posts p ON p.id = pt.post_id JOIN users u ON u.id = p.author_id
          WHERE pt.tag_id = @tagId AND p.kind = 'post' AND ${PUBLIC} ORDER BY p.published_at DESC, p.id DESC LIMIT @limit OFFSET @offset`,
      ),
      count: db.prepare<{ now: string; tagId: number }, number>(
        `SELECT count(*) FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE pt.tag_id = @tagId AND p.kind = 'post' AND ${PUBLIC}`,
      ).pluck(),
    },
    period: {
      page: db.prepare<{ now: string; from: string; to: string; limit: number; offset: number }, PostView>(
        `SELECT ${VIEW_COLUMNS} FROM posts p JOIN users u ON u.id = p.author_id
          WHERE p.kind = 'post' AND ${PUBLIC} AND p.published_at >= @from AND p.published_at < @to
          ORDER BY p.published_at DESC, p.id DESC LIMIT @limit OFFSET @offset`,
      ),
      count: db.prepare<{ now: string; from: string; to: string }, number>(
        `SELECT count(*) FROM posts p WHERE p.kind = 'post' AND ${PUBLIC} AND p.published_at >= @from AND p.published_at < @to`,
      ).pluck(),
    },
  };

  function params(filter: ListingFilter, now: string) {
    switch (filter.kind) {
      case 'all': return { now };
      case 'tag': return { now, tagId: filter.tagId };
      case 'period': return { now, from: filter.from, to: filter.to };
    }
  }

  return {
    findById: (id: number): Post | undefined => byId.get(id),
    findBySlug: (slug: string): Post | undefined => bySlug.get(slug),
    /** Any post or page but one in the Trash, with its author and comment count: for staff to preview. */
    findPreviewBySlug: (slug: string): PostView | undefined => previewBySlug.get(slug),
    /** Whether `slug` names a post that was public when it went to the Trash (its address answers 410 Gone). */
    isTrashedSlug: (slug: string): boolean => trashedBySlug.get(slug) !== undefined,
    /** Puts a post in the Trash at `at`, or (null) takes it out. */
    setTrashed: (id: number, at: string | null): void => void setTrashed.run(at, id),
    /** Posts that went to the Trash before `cutoff`, oldest first: the purge's list. */
    listTrashedBefore: (cutoff: string): Post[] => trashedBefore.all(cutoff),
    /** A post or page the public may see, with its author and comment count. */
    findPublicBySlug: (slug: string, now = isoNow(clock)): PostView | undefined => publicBySlug.get({ slug, now }),
    /** The slug of a post the public may see, by id. */
    findPublicSlugById: (id: number, now = isoNow(clock)): string | undefined => publicSlugById.get({ id, now }),
    /** The current slug of a public post that once had `oldSlug`. */
    findPublicRedirect: (oldSlug: string, now = isoNow(clock)): string | undefined => redirectFor.get({ slug: oldSlug, now }),
    /** Whether a slug is used by another post or reserved by a redirect. */
    isSlugTaken: (slug: string, exceptId = 0): boolean => slugTaken.get({ slug, id: exceptId }) !== undefined,
    listPublicPages: (now = isoNow(clock)) => publicPages.all({ now }),

    countPublic(filter: ListingFilter, now = isoNow(clock)): number {
      return (listing[filter.kind].count as { get(p: object): number | undefined }).get(params(filter, now)) ?? 0;
    },

    listPublic(filter: ListingFilter, limit: number, offset: number, now = isoNow(clock)): PostView[] {
      return (listing[filter.kind].page as { all(p: object): PostView[] }).all({ ...params(filter, now), limit, offset });
    },

    /** Inserts a post; call inside a transaction that also sets its tags. */
    insert(fields: PostFields, now = isoNow(clock)): number {
      const { lastInsertRowid } = insert.run({ ...fields, comments_open: fields.comments_open ? 1 : 0, likes_open: fields.likes_open ? 1 : 0, now });
      return Number(lastInsertRowid);
    },

    /** Updates a post, keeping its old slug as a redirect when the slug changes. */
    update(id: number, fields: PostFields, now = isoNow(clock)): void {
      const before = byId.get(id);
      if (!before) return;
      update.run({ ...fields, comments_open: fields.comments_open ? 1 : 0, likes_open: fields.likes_open ? 1 : 0, now, id });
      if (before.slug !== fields.slug) {
        dropRedirect.run(fields.slug);
        addRedirect.run(before.slug, id);
      }
    },

    remove: (id: number): void => void remove.run(id),
    allSources: () => allSources.all(),
    /** Every post's stored HTML and summary, for making summaries again. */
    allSummaries: () => allSummaries.all(),
    setRendered: (id: number, html: string, summary: string): void => void setRendered.run(html, summary, id),
    /** Posts whose publication time falls in [from, to]: new to readers since `from` (the mail worker announces them). */
    publishedBetween: (from: string, to: string): PostView[] => publishedBetween.all(from, to),
    /** Every public post and page, for the sitemap: where it lives and when it last changed. */
    listPublicLocations: (now = isoNow(clock)) => publicLocations.all({ now }),
    /** Tags that at least one public post carries, with the newest change among those posts, for the sitemap. */
    listPublicTags: (now = isoNow(clock)) => publicTags.all({ now }),

    /** The author's desk: posts and pages of every status, newest change first. */
    listForAdmin: (filter: AdminPostFilter, limit: number, offset: number, now = isoNow(clock)): AdminPostRow[] =>
      adminPage.all({ ...adminParams(filter, now), limit, offset }),
    countForAdmin: (filter: AdminPostFilter, now = isoNow(clock)): number => adminCount.get(adminParams(filter, now)) ?? 0,
    /** How many posts and pages are in each state and in the Trash, for one author or (null) everyone. */
    countStatesForAdmin(authorId: number | null, now = isoNow(clock)): Record<DeskState, number> {
      const result: Record<DeskState, number> = { draft: 0, published: 0, scheduled: 0, trash: 0 };
      for (const row of adminStates.all({ authorId, now })) result[row.state] = row.n;
      return result;
    },
  };
}

/** What an author sees: a draft, a published post, or one published for a future time. */
export type PostState = 'draft' | 'published' | 'scheduled';
/** Where a post sits on the desk: one of its states, or the Trash whatever its state. */
export type DeskState = PostState | 'trash';

export interface AdminPostFilter {
  /** 'all' is everything but the Trash. */
  state: DeskState | 'all';
  authorId: number | null;
  kind: PostKind | null;
  /** Words to find in the title or body; empty for all. */
  search: string;
}

export interface AdminPostRow extends PostView {
  pending_count: number;
}

const STATE = `CASE WHEN p.trashed_at IS NOT NULL THEN 'trash' WHEN p.status = 'draft' THEN 'draft' WHEN p.published_at > @now THEN 'scheduled' ELSE 'published' END`;
const ADMIN_WHERE = `(@authorId IS NULL OR p.author_id = @authorId) AND (@kind IS NULL OR p.kind = @kind)
  AND ((@state = 'all' AND p.trashed_at IS NULL) OR ${STATE} = @state)
  AND (@like = '' OR p.title LIKE @like ESCAPE '\\' OR p.body_md LIKE @like ESCAPE '\\')`;

function adminParams(filter: AdminPostFilter, now: string) {
  const words = filter.search.trim().replace(/[\\%_]/g, (c) => `\\${c}`);
  return { authorId: filter.authorId, kind: filter.kind, state: filter.state, like: words ? `%${words}%` : '', now };
}
