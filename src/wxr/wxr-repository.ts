// What a WXR export reads: every post and page in any state, their tags and every
// comment, each in one query (no query per post).
import type { Db } from '../db/open.js';
import type { Comment } from '../comments/comments-repository.js';
import type { Post } from '../posts/posts-repository.js';
import type { PostTag } from '../posts/tags-repository.js';
import { SHOWN_NAME } from '../users/users-repository.js';

export type WxrRepository = ReturnType<typeof createWxrRepository>;

export function createWxrRepository(db: Db) {
  const posts = db.prepare<[], Post>('SELECT * FROM posts ORDER BY id');
  const postTags = db.prepare<[], PostTag>(
    'SELECT pt.post_id, t.id, t.slug, t.name FROM post_tags pt JOIN tags t ON t.id = pt.tag_id ORDER BY t.name COLLATE NOCASE',
  );
  const comments = db.prepare<[], Comment>('SELECT * FROM comments ORDER BY post_id, created_at, id');
  const authors = db.prepare<[], { id: number; username: string; display_name: string; email: string }>(
    `SELECT u.id, u.username, ${SHOWN_NAME} AS display_name, u.email FROM users u WHERE u.id IN (SELECT author_id FROM posts) ORDER BY u.id`,
  );

  return {
    /** Every post and page, oldest id first, read lazily so a large blog streams. */
    iteratePosts: (): IterableIterator<Post> => posts.iterate(),
    listPostTags: (): PostTag[] => postTags.all(),
    listComments: (): Comment[] => comments.all(),
    /** The people who wrote at least one post or page. */
    listAuthors: () => authors.all(),
  };
}
