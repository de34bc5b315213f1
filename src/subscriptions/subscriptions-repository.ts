// The subscriptions table: who follows a post's comments or the blog's new posts, by
// email, and whether the address's owner has confirmed. Erasure removes them by address.
import type { Clock } from '../clock.js';
import { isoNow } from '../clock.js';
import type { Db } from '../db/open.js';

export type SubscriptionStatus = 'pending' | 'confirmed';

export interface Subscription {
  id: number;
  email: string;
  /** null: the blog's new posts. */
  post_id: number | null;
  status: SubscriptionStatus;
  created_at: string;
  confirmed_at: string | null;
}

export interface SubscriptionListed extends Subscription {
  post_title: string | null;
}

export type SubscriptionsRepository = ReturnType<typeof createSubscriptionsRepository>;

export function createSubscriptionsRepository(db: Db, clock: Clock) {
  const insert = db.prepare<[string, number | null, string]>(
    'INSERT INTO subscriptions (email, post_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const byId = db.prepare<[number], Subscription>('SELECT * FROM subscriptions WHERE id = ?');
  const forAddress = db.prepare<[string], SubscriptionListed>(
    `SELECT s.*, p.title AS post_title FROM subscriptions s LEFT JOIN posts p ON p.id = s.post_id
     WHERE s.email = ? ORDER BY s.post_id IS NOT NULL, s.id`,
  );
  const confirm = db.prepare<[string, string, string]>(
    "UPDATE subscriptions SET status = 'confirmed', confirmed_at = ? WHERE email = ? AND status = 'pending' AND created_at <= ?",
  );
  const confirmedForPost = db.prepare<[number], Subscription>("SELECT * FROM subscriptions WHERE post_id = ? AND status = 'confirmed' ORDER BY id");
  const confirmedForBlog = db.prepare<[], Subscription>("SELECT * FROM subscriptions WHERE post_id IS NULL AND status = 'confirmed' ORDER BY id");
  const remove = db.prepare<[number]>('DELETE FROM subscriptions WHERE id = ?');
  const removeAddress = db.prepare<[string]>('DELETE FROM subscriptions WHERE email = ?');
  const counts = db.prepare<[], { post_id: number | null; post_title: string | null; confirmed: number; pending: number }>(
    `SELECT s.post_id, p.title AS post_title, sum(s.status = 'confirmed') AS confirmed, sum(s.status = 'pending') AS pending
     FROM subscriptions s LEFT JOIN posts p ON p.id = s.post_id GROUP BY s.post_id ORDER BY s.post_id IS NOT NULL, confirmed DESC`,
  );
  const search = db.prepare<[string], SubscriptionListed>(
    `SELECT s.*, p.title AS post_title FROM subscriptions s LEFT JOIN posts p ON p.id = s.post_id
     WHERE instr(lower(s.email), lower(?)) > 0 ORDER BY s.email, s.id LIMIT 200`,
  );

  return {
    /** A new pending subscription; an existing one for the same address and post is left as it is. */
    add(email: string, postId: number | null): void {
      insert.run(email, postId, isoNow(clock));
    },
    findById: (id: number): Subscription | undefined => byId.get(id),
    forAddress: (email: string): SubscriptionListed[] => forAddress.all(email),
    /** Confirms the address's subscriptions asked for up to `askedBy` (when its link was made). */
    confirmAddress(email: string, askedBy: string): number {
      return confirm.run(isoNow(clock), email, askedBy).changes;
    },
    confirmedForPost: (postId: number): Subscription[] => confirmedForPost.all(postId),
    confirmedForBlog: (): Subscription[] => confirmedForBlog.all(),
    remove(id: number): boolean {
      return remove.run(id).changes > 0;
    },
    /** Every subscription of an address (unsubscribing from everything, and erasure). */
    removeAddress(email: string): number {
      return removeAddress.run(email).changes;
    },
    counts: () => counts.all(),
    search: (text: string): SubscriptionListed[] => search.all(text),
  };
}
