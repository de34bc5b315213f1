// Likes: one row per post per browser (reader_key from a long-lived random cookie).
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

export type LikesRepository = ReturnType<typeof createLikesRepository>;

export function createLikesRepository(db: Db, clock: Clock) {
  const add = db.prepare<[number, string, string]>(
    'INSERT INTO likes (post_id, reader_key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const count = db.prepare<[number], number>('SELECT count(*) FROM likes WHERE post_id = ?').pluck();
  const has = db.prepare<[number, string], number>('SELECT 1 FROM likes WHERE post_id = ? AND reader_key = ?').pluck();

  return {
    /** Records a like; a second one from the same reader changes nothing. Returns whether it was new. */
    add: (postId: number, readerKey: string, now = isoNow(clock)): boolean => add.run(postId, readerKey, now).changes > 0,
    countForPost: (postId: number): number => count.get(postId) ?? 0,
    hasLiked: (postId: number, readerKey: string): boolean => has.get(postId, readerKey) !== undefined,
  };
}
