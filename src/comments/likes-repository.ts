// Likes: one row per post per browser (reader_key from a long-lived random cookie),
// with the keyed hash of the reader's address group, so one network's likes on a
// post can be capped however many cookies it clears.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

/** What a like did: counted, already there (nothing changes), or refused at the address's cap. */
export type LikeOutcome = 'added' | 'already' | 'address-limit';

export type LikesRepository = ReturnType<typeof createLikesRepository>;

export function createLikesRepository(db: Db, clock: Clock) {
  const add = db.prepare<[number, string, string, string]>(
    'INSERT INTO likes (post_id, reader_key, address_hash, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const count = db.prepare<[number], number>('SELECT count(*) FROM likes WHERE post_id = ?').pluck();
  const countFromAddress = db.prepare<[number, string], number>('SELECT count(*) FROM likes WHERE post_id = ? AND address_hash = ?').pluck();
  const has = db.prepare<[number, string], number>('SELECT 1 FROM likes WHERE post_id = ? AND reader_key = ?').pluck();
  // Same condition as the partial index likes_with_address, so only those rows are read.
  const forgetAddresses = db.prepare<[string]>("UPDATE likes SET address_hash = '' WHERE created_at < ? AND address_hash != ''");

  // Immediate: the write lock is taken before counting, so two processes cannot both
  // see room for one more like.
  const addWithinLimit = db.transaction((postId: number, readerKey: string, addressHash: string, limit: number, now: string): LikeOutcome => {
    if (has.get(postId, readerKey) !== undefined) return 'already';
    if ((countFromAddress.get(postId, addressHash) ?? 0) >= limit) return 'address-limit';
    add.run(postId, readerKey, addressHash, now);
    return 'added';
  });

  return {
    /**
     * Records a like, once per browser and at most `limit` per address group per post;
     * a like past the limit stores nothing.
     */
    add: (postId: number, readerKey: string, addressHash: string, limit: number, now = isoNow(clock)): LikeOutcome =>
      addWithinLimit.immediate(postId, readerKey, addressHash, limit, now),
    countForPost: (postId: number): number => count.get(postId) ?? 0,
    hasLiked: (postId: number, readerKey: string): boolean => has.get(postId, readerKey) !== undefined,
    /** Clears the address hash of likes given before `cutoff` (they no longer count towards the cap); returns how many. */
    forgetAddressesBefore: (cutoff: string): number => forgetAddresses.run(cutoff).changes,
  };
}
