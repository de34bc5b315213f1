// A fixed-window counter per key, kept in SQLite so that it survives a restart and every
// process on the same database counts together: comments, likes, reports and the token
// hand-out each have their own bucket, keyed by addressKey(). (Log-ins count failures
// instead, in login-throttle.ts.)
import type { Clock } from '../clock.js';
import type { LimitsRepository } from './limits-repository.js';

export type RateVerdict = { allowed: true } | { allowed: false; retryAfter: number };

export interface RateLimiter {
  /** Counts one attempt for `key`; refused attempts say how many seconds until the next window. */
  hit(key: string, now?: number): RateVerdict;
}

export interface RateLimiterOptions {
  store: LimitsRepository;
  /** The bucket's name in the table; each limit has its own. */
  bucket: string;
  limit: number | (() => number);
  windowMs: number;
  clock: Clock;
}

export function createRateLimiter({ store, bucket, limit, windowMs, clock }: RateLimiterOptions): RateLimiter {
  const limitNow = typeof limit === 'function' ? limit : () => limit;
  let lastSweep = 0;

  return {
    hit(key, now = clock()) {
      // Finished windows are forgotten about once a window, so the table stays as small as the traffic.
      if (now - lastSweep >= windowMs) {
        store.sweepWindows(bucket, now - windowMs);
        lastSweep = now;
      }
      const max = limitNow();
      const { windowStart, hits } = store.hitWindow(bucket, key, now, windowMs, max);
      if (hits <= max) return { allowed: true };
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000)) };
    },
  };
}
