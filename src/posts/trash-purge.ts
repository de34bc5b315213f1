// The Trash's end: a job in the server deletes for good, every hour, the posts that
// have been in the Trash for 30 days (each with an audit row).
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { startPeriodicJob } from '../periodic-job.js';
import type { PostsService } from './posts-service.js';

export const TRASH_PURGE_EVERY_MS = 60 * 60 * 1000;

export function startTrashPurgeJob(posts: Pick<PostsService, 'purgeTrash'>, clock: Clock, logger: Logger, everyMs = TRASH_PURGE_EVERY_MS): { stop(): void } {
  return startPeriodicJob(everyMs, logger, 'the Trash purge failed; it runs again within the hour', () => {
    const purged = posts.purgeTrash(clock());
    if (purged > 0) logger.info({ purged }, 'deleted for good the posts 30 days in the Trash');
  });
}
