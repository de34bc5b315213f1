// Slowing password guessing without handing strangers a way to lock an author out.
// Per account and address: after a few failures that address is refused for a while.
// Per address across all accounts: a higher bar, so trying many names (each costing
// a scrypt) is refused too. Per account across all addresses: only a growing,
// capped delay, never a refusal.
// State lives in memory, one instance per app; every function takes `now`.

export interface ThrottleLimits {
  /** Failures from one address on one account before it is refused. */
  pairFailures: number;
  /** Failures from one address over every account before it is refused. */
  addressFailures: number;
  /** How long failures are remembered, and how long a refusal lasts. */
  windowMs: number;
  /** Failures on an account, from anywhere, before answers slow down. */
  accountFailures: number;
  /** Added per failure past that. */
  stepMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = {
  pairFailures: 5,
  addressFailures: 30,
  windowMs: 15 * 60_000,
  accountFailures: 10,
  stepMs: 250,
  maxDelayMs: 5_000,
};

/** Failure times, oldest first. */
type Failures = number[];

export type LoginVerdict = { allowed: true; delayMs: number } | { allowed: false; retryAt: number };

/** Failures still inside the window. */
export function recent(failures: Failures, now: number, windowMs: number): Failures {
  return failures.filter((t) => t > now - windowMs);
}

/** The decision for one attempt, from the failures remembered for the pair, the address and the account. */
export function verdict(pair: Failures, address: Failures, account: Failures, now: number, limits: ThrottleLimits): LoginVerdict {
  for (const [failures, limit] of [[pair, limits.pairFailures], [address, limits.addressFailures]] as const) {
    const kept = recent(failures, now, limits.windowMs);
    if (kept.length >= limit) return { allowed: false, retryAt: kept[kept.length - limit]! + limits.windowMs };
  }
  const over = recent(account, now, limits.windowMs).length - limits.accountFailures;
  return { allowed: true, delayMs: over < 0 ? 0 : Math.min(limits.maxDelayMs, (over + 1) * limits.stepMs) };
}

const MAX_KEYS = 10_000;

export function createLoginThrottle(limits: ThrottleLimits = DEFAULT_LIMITS) {
  const byPair = new Map<string, Failures>();
  const byAccount = new Map<string, Failures>();
  const byAddress = new Map<string, Failures>();
  const pairKey = (account: string, address: string) => `${account}\u0000${address}`;

  // Forget what is past the window, so a flood of made-up names cannot grow the maps forever.
  function prune(map: Map<string, Failures>, now: number) {
    if (map.size < MAX_KEYS) return;
    for (const [key, failures] of map) {
      const kept = recent(failures, now, limits.windowMs);
      if (kept.length) map.set(key, kept);
      else map.delete(key);
    }
  }

  return {
    check(account: string, address: string, now: number): LoginVerdict {
      const key = account.toLowerCase();
      return verdict(byPair.get(pairKey(key, address)) ?? [], byAddress.get(address) ?? [], byAccount.get(key) ?? [], now, limits);
    },

    fail(account: string, address: string, now: number): void {
      const key = account.toLowerCase();
      prune(byPair, now);
      prune(byAccount, now);
      prune(byAddress, now);
      for (const [map, k] of [[byPair, pairKey(key, address)], [byAccount, key], [byAddress, address]] as const) {
        map.set(k, [...recent(map.get(k) ?? [], now, limits.windowMs), now].slice(-100));
      }
    },

    /** A right password clears that address's failures; the account's others stay counted. */
    succeed(account: string, address: string): void {
      byPair.delete(pairKey(account.toLowerCase(), address));
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
