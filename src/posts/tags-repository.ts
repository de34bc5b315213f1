// Tags and their links to posts.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';
import { PUBLIC_POST } from './posts-repository.js';

export interface Tag {
  id: number;
  slug: string;
  name: string;
}

export interface PostTag extends Tag {
  post_id: number;
}

export type TagsRepository = ReturnType<typeof createTagsRepository>;

export function createTagsRepository(db: Db, clock: Clock) {
  const bySlug = db.prepare<[string], Tag>('SELECT id, slug, name FROM tags WHERE slug = ?');
  // A tag only drafts or scheduled posts carry is as unknown to the public as they are.
  const publicBySlug = db.prepare<{ slug: string; now: string }, Tag>(
    `SELECT t.id, t.slug, t.name FROM tags t WHERE t.slug = @slug AND EXISTS (
       SELECT 1 FROM post_tags pt JOIN posts p ON p.id = pt.post_id WHERE pt.tag_id = t.id AND p.kind = 'post' AND ${PUBLIC_POST})`,
  );
  // A post's whole tag list goes in as one JSON array: two statements, whatever its length.
  const insertMissing = db.prepare<[string]>(
    `INSERT INTO tags (slug, name)
     SELECT json_extract(value, '$.slug'), json_extract(value, '$.name') FROM json_each(?) WHERE true
     ON CONFLICT (slug) DO NOTHING`,
  );
  const unlinkAll = db.prepare<[number]>('DELETE FROM post_tags WHERE post_id = ?');
  const linkAll = db.prepare<[number, string]>(
    `INSERT OR IGNORE INTO post_tags (post_id, tag_id)
     SELECT ?, t.id FROM tags t WHERE t.slug IN (SELECT json_extract(value, '$.slug') FROM json_each(?))`,
  );
  const pruneUnused = db.prepare('DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM post_tags)');
  // One query for the tags of a whole page of posts.
  const forPosts = db.prepare<[string], PostTag>(
    `SELECT pt.post_id, t.id, t.slug, t.name
       FROM post_tags pt JOIN tags t ON t.id = pt.tag_id
      WHERE pt.post_id IN (SELECT value FROM json_each(?))
      ORDER BY t.name COLLATE NOCASE`,
  );

  return {
    findBySlug: (slug: string): Tag | undefined => bySlug.get(slug),
    /** The tag, when at least one public post carries it. */
    findPublicBySlug: (slug: string, now = isoNow(clock)): Tag | undefined => publicBySlug.get({ slug, now }),

    /** Tags of each post, keyed by post id; posts without tags get an empty list. */
    forPosts(postIds: readonly number[]): Map<number, Tag[]> {
      const map = new Map<number, Tag[]>(postIds.map((id) => [id, []]));
      if (postIds.length === 0) return map;
      for (const { post_id, ...tag } of forPosts.all(JSON.stringify(postIds))) map.get(post_id)?.push(tag);
      return map;
    },

    /** Replaces a post's tags; call inside the post's write transaction. */
    setForPost(postId: number, tags: readonly { slug: string; name: string }[]): void {
      const list = JSON.stringify(tags);
      unlinkAll.run(postId);
      insertMissing.run(list);
      linkAll.run(postId, list);
      pruneUnused.run();
    },
  };
}
