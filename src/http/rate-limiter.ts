// A fixed-window counter per key, in memory (one process): comments, likes and log-ins
// each make their own limiter and key it by what they count (a hashed address).

export interface RateLimiter {
  /** Counts one attempt for `key`; refused attempts say how many seconds until the next window. */
  hit(key: string, now?: number): { allowed: true } | { allowed: false; retryAfter: number };
}

export function createRateLimiter({ limit, windowMs }: { limit: number | (() => number); windowMs: number }): RateLimiter {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = 0;
  const limitNow = typeof limit === 'function' ? limit : () => limit;

  return {
    hit(key, now = Date.now()) {
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
