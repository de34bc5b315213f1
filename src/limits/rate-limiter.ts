// A fixed-window counter per key, in memory (one process): comments, likes, reports and
// the token hand-out each have their own, made by the composition root and keyed by a
// hashed address. (Log-ins count failures instead, in admin/login-throttle.ts.)
import type { Clock } from '../clock.js';

export interface RateLimiter {
  /** Counts one attempt for `key`; refused attempts say how many seconds until the next window. */
  hit(key: string, now?: number): { allowed: true } | { allowed: false; retryAfter: number };
}

export function createRateLimiter({ limit, windowMs, clock }: { limit: number | (() => number); windowMs: number; clock: Clock }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  const limitNow = typeof limit === 'function' ? limit : () => limit;

  return {
    hit(key, now = clock()) {
      // Forget finished windows now and then, so the map stays as small as the traffic.
      if (now - lastSweep > windowMs) {
        for (const [k, w] of windows) if (now - w.start >= windowMs) windows.delete(k);
        lastSweep = now;
      }
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      if (w.count >= limitNow()) {
        return { allowed: false, retryAfter: Math.max(1, Math.ceil((w.start + windowMs - now) / 1000)) };
      }
      w.count++;
      return { allowed: true };
    },
  };
}
