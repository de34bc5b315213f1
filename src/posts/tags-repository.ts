// Tags and their links to posts.
import type { Db } from '../db/open.js';

export interface Tag {
  id: number;
  slug: string;
  name: string;
}

export interface PostTag extends Tag {
  post_id: number;
}

export type TagsRepository = ReturnType<typeof createTagsRepository>;

export function createTagsRepository(db: Db) {
  const bySlug = db.prepare<[string], Tag>('SELECT id, slug, name FROM tags WHERE slug = ?');
  const insert = db.prepare<[string, string], Tag>(
    'INSERT INTO tags (slug, name) VALUES (?, ?) ON CONFLICT (slug) DO UPDATE SET slug = slug RETURNING id, slug, name',
  );
  const unlinkAll = db.prepare<[number]>('DELETE FROM post_tags WHERE post_id = ?');
  const link = db.prepare<[number, number]>('INSERT OR IGNORE INTO post_tags (post_id, tag_id) VALUES (?, ?)');
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

    /** Tags of each post, keyed by post id; posts without tags get an empty list. */
    forPosts(postIds: readonly number[]): Map<number, Tag[]> {
      const map = new Map<number, Tag[]>(postIds.map((id) => [id, []]));
      if (postIds.length === 0) return map;
      for (const { post_id, ...tag } of forPosts.all(JSON.stringify(postIds))) map.get(post_id)?.push(tag);
      return map;
    },

    /** Replaces a post's tags; call inside the post's write transaction. */
    setForPost(postId: number, tags: readonly { slug: string; name: string }[]): void {
      unlinkAll.run(postId);
      for (const t of tags) link.run(postId, insert.get(t.slug, t.name)!.id);
      pruneUnused.run();
    },
  };
}
