// Full-text search over public posts and pages (the posts_fts table of migration 004).
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';
import { PUBLIC_POST, type PostKind } from '../posts/posts-repository.js';
import { MARK_CLOSE, MARK_OPEN } from './search-query.js';
import { SHOWN_NAME } from '../users/users-repository.js';

/** One search result; title and snippet still carry the raw marks (see search-query.ts). */
export interface SearchHit {
  id: number;
  kind: PostKind;
  slug: string;
  title_marked: string;
  snippet_marked: string;
  published_at: string;
  author_name: string;
  comment_count: number;
}

export type SearchRepository = ReturnType<typeof createSearchRepository>;

// Public as on every other page: published and its time has come. Pages are searched
// too: a reader looking for "contact" or "about" wants that page.
const MATCH_PUBLIC = `posts_fts MATCH @match AND ${PUBLIC_POST}`;

export function createSearchRepository(db: Db, clock: Clock) {
  // bm25 weights: a word in the title counts most, then a tag, then the body.
  // Ranking picks the page's ids first; highlights and snippets, the costly part,
  // are then made for those ten rows only, not for every match.
  const page = db.prepare<{ match: string; now: string; limit: number; offset: number; open: string; close: string }, SearchHit>(
    `WITH ranked AS (
       SELECT posts_fts.rowid AS id, bm25(posts_fts, 10.0, 1.0, 4.0) AS rank, p.published_at
         FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid
        WHERE ${MATCH_PUBLIC}
        ORDER BY rank, p.published_at DESC LIMIT @limit OFFSET @offset
     )
     SELECT p.id, p.kind, p.slug, p.published_at, ${SHOWN_NAME} AS author_name,
            highlight(posts_fts, 0, @open, @close) AS title_marked,
            snippet(posts_fts, 1, @open, @close, '…', 32) AS snippet_marked,
            p.comment_count
       FROM ranked JOIN posts_fts ON posts_fts.rowid = ranked.id JOIN posts p ON p.id = ranked.id JOIN users u ON u.id = p.author_id
      WHERE posts_fts MATCH @match
      ORDER BY ranked.rank, ranked.published_at DESC`,
  );
  const count = db.prepare<{ match: string; now: string }, number>(
    `SELECT count(*) FROM posts_fts JOIN posts p ON p.id = posts_fts.rowid WHERE ${MATCH_PUBLIC}`,
  ).pluck();

  return {
    /** `match` must come from toMatchExpression(). */
    countPublic: (match: string, now = isoNow(clock)): number => count.get({ match, now }) ?? 0,
    searchPublic: (match: string, limit: number, offset: number, now = isoNow(clock)): SearchHit[] =>
      page.all({ match, now, limit, offset, open: MARK_OPEN, close: MARK_CLOSE }),
  };
}
