// Retention: reader addresses (kept only as keyed hashes, with comments, likes and
// reports) and user agents are forgotten once they are older than the retention setting. A job in the server runs
// it every hour and reads the setting each time, so a change needs no restart.
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { startPeriodicJob } from '../periodic-job.js';
import type { Repositories } from '../repositories.js';

const DAY_MS = 24 * 60 * 60 * 1000;
export const RETENTION_EVERY_MS = 60 * 60 * 1000;

type RetentionRepos = Pick<Repositories, 'settings' | 'comments' | 'likes' | 'reports'>;

/** The moment before which addresses and user agents are forgotten, as stored times are written. */
export function retentionCutoff(now: number, days: number): string {
  return new Date(now - days * DAY_MS).toISOString();
}

/** Forgets what is past the retention setting at `now`; returns how many rows were cleared. */
export function forgetExpiredAddresses(repos: RetentionRepos, now: number): number {
  const cutoff = retentionCutoff(now, repos.settings.load().retention_days);
  // Three independent clean-ups: one stopped half-way is finished by the next run.
  return repos.comments.forgetAddressesBefore(cutoff) + repos.likes.forgetAddressesBefore(cutoff) + repos.reports.forgetAddressesBefore(cutoff);
}

/** Runs the retention once now and then every hour, until `stop`. */
export function startRetentionJob(repos: RetentionRepos, clock: Clock, logger: Logger, everyMs = RETENTION_EVERY_MS): { stop(): void } {
  return startPeriodicJob(everyMs, logger, 'the retention job failed; it runs again within the hour', () => {
    const cleared = forgetExpiredAddresses(repos, clock());
    if (cleared > 0) logger.info({ cleared }, 'forgot reader addresses and user agents past the retention setting');
  });
}
