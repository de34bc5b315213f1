// Where each imported post and comment came from (migration 014), so that an import
// run again recognises what an earlier one brought in.
import type { Db } from '../db/open.js';

export type ImportSourcesRepository = ReturnType<typeof createImportSourcesRepository>;

/**
 * An earlier import's local row: its id, or null when it was deleted here since;
 * undefined when nothing was imported from there.
 */
export type ImportedRow = number | null | undefined;

export function createImportSourcesRepository(db: Db) {
  const postBySource = db.prepare<[string, number], number | null>(
    'SELECT post_id FROM imported_posts WHERE source_site = ? AND wp_post_id = ?',
  ).pluck();
  // The guid is the fallback for a site that changed its address: within one site the
  // WordPress id decides, since two posts of one site may share a guid.
  const postByGuid = db.prepare<[string, string], number | null>(
    'SELECT post_id FROM imported_posts WHERE guid = ? AND source_site <> ? ORDER BY rowid LIMIT 1',
  ).pluck();
  const insertPost = db.prepare<[string, number, string, number]>(
    'INSERT INTO imported_posts (source_site, wp_post_id, guid, post_id) VALUES (?, ?, ?, ?)',
  );
  const commentByWpId = db.prepare<[number, number], number | null>(
    'SELECT comment_id FROM imported_comments WHERE post_id = ? AND wp_comment_id = ?',
  ).pluck();
  const insertComment = db.prepare<[number, number, number]>(
    'INSERT INTO imported_comments (post_id, wp_comment_id, comment_id) VALUES (?, ?, ?)',
  );

  return {
    /** The post imported before from `site`'s post `wpPostId`, or from another site's post with this guid. */
    findPost(site: string, wpPostId: number, guid: string): ImportedRow {
      const bySource = postBySource.get(site, wpPostId);
      if (bySource !== undefined || guid === '') return bySource;
      return postByGuid.get(guid, site);
    },
    recordPost: (site: string, wpPostId: number, guid: string, postId: number): void => void insertPost.run(site, wpPostId, guid, postId),
    /** The comment imported before onto local post `postId` from WordPress comment `wpCommentId`. */
    findComment: (postId: number, wpCommentId: number): ImportedRow => commentByWpId.get(postId, wpCommentId),
    recordComment: (postId: number, wpCommentId: number, commentId: number): void => void insertComment.run(postId, wpCommentId, commentId),
  };
}
