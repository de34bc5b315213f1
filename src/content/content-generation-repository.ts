// What a kept rendering of a public page depends on, read in one indexed query each:
// the content generation that triggers bump on every visible write (migration 008),
// and the next moment a scheduled post or page goes public, since time is a write too.
import type { Db } from '../db/open.js';

export type ContentGenerationRepository = ReturnType<typeof createContentGenerationRepository>;

export function createContentGenerationRepository(db: Db) {
  const generation = db.prepare<[], number>('SELECT n FROM content_generation').pluck();
  // posts_listing (kind, status, published_at) answers each kind with one index seek.
  const nextPublication = db.prepare<{ now: string }, string | null>(
    `SELECT min(at) FROM (
       SELECT min(published_at) AS at FROM posts WHERE kind = 'post' AND status = 'published' AND published_at > @now
       UNION ALL
       SELECT min(published_at) FROM posts WHERE kind = 'page' AND status = 'published' AND published_at > @now)`,
  ).pluck();

  return {
    /** Changes whenever anything a public page shows has changed, in any process. */
    current: (): number => generation.get() ?? 0,
    /** The earliest publication time after `now` (ISO), if a post or page is scheduled. */
    nextPublicationAfter: (now: string): string | undefined => nextPublication.get({ now }) ?? undefined,
  };
}
