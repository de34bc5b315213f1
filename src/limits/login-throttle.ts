// Slowing password guessing without handing strangers a way to lock an author out.
// Per account and address: after a few failures that address is refused for a while.
// Per address across all accounts: a higher bar, so trying many names (each costing
// a scrypt) is refused too. Per account across all addresses: only a growing,
// capped delay, never a refusal.
// State lives in SQLite (limits-repository), so a restart keeps it and every process
// shares it; the rules themselves (`verdict`) take plain values.
import { randomBytes } from 'node:crypto';
import type { FailureTimes, LimitsRepository } from './limits-repository.js';

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

export type LoginVerdict = { allowed: true; delayMs: number } | { allowed: false; retryAt: number };

/** Failures still inside the window. */
function recent(failures: FailureTimes, now: number, windowMs: number): FailureTimes {
  return failures.filter((t) => t > now - windowMs);
}

/** The decision for one attempt, from the failures remembered for the pair, the address and the account. */
export function verdict(pair: FailureTimes, address: FailureTimes, account: FailureTimes, now: number, limits: ThrottleLimits): LoginVerdict {
  for (const [failures, limit] of [[pair, limits.pairFailures], [address, limits.addressFailures]] as const) {
    const kept = recent(failures, now, limits.windowMs);
    if (kept.length >= limit) return { allowed: false, retryAt: kept[kept.length - limit]! + limits.windowMs };
  }
  const over = recent(account, now, limits.windowMs).length - limits.accountFailures;
  return { allowed: true, delayMs: over < 0 ? 0 : Math.min(limits.maxDelayMs, (over + 1) * limits.stepMs) };
}

/** How long a password check may hold its lease before another may start (a crashed process). */
const LEASE_MS = 60_000;
/** Failures read per key: more than any limit or delay step needs. */
const READ_MAX = 100;

/** A counted attempt, holding the pair's lease until `finish`. */
export interface Attempt {
  account: string;
  address: string;
  token: string;
}

export type AttemptVerdict =
  | { allowed: true; delayMs: number; attempt: Attempt }
  | { allowed: false; retryAt: number; busy?: true };

/**
 * The throttle over SQLite, shared by every process on the database. `account` is the name
 * as typed; `address` is addressKey() of the client. Every function takes `now`.
 */
export function createLoginThrottle(store: LimitsRepository, limits: ThrottleLimits = DEFAULT_LIMITS) {
  let lastSweep = 0;

  function check(account: string, address: string, now: number): LoginVerdict {
    const f = store.failures(account.toLowerCase(), address, now - limits.windowMs, READ_MAX);
    return verdict(f.pair, f.address, f.account, now, limits);
  }

  function fail(account: string, address: string, now: number): void {
    store.addFailure(account.toLowerCase(), address, now);
  }

  /** A right password clears that address's failures; the account's others stay counted. */
  function succeed(account: string, address: string): void {
    store.clearPair(account.toLowerCase(), address);
  }

  return {
    check,
    fail,
    succeed,

    /**
     * Starts a password check: refused while another check for the same account and
     * address is in flight, or when the failures say so; otherwise counted as a failure
     * now, before any hash is computed, so requests in parallel cannot pass together.
     */
    begin(account: string, address: string, now: number): AttemptVerdict {
      const key = account.toLowerCase();
      const token = randomBytes(12).toString('base64url');
      if (now - lastSweep >= limits.windowMs) {
        store.sweepLogin(now - limits.windowMs, now - LEASE_MS);
        lastSweep = now;
      }
      return store.transaction((): AttemptVerdict => {
        if (!store.takeLease(key, address, token, now, now - LEASE_MS)) return { allowed: false, retryAt: now + 1000, busy: true };
        const decided = check(key, address, now);
        if (!decided.allowed) {
          store.dropLease(key, address, token);
          return decided;
        }
        fail(key, address, now);
        return { ...decided, attempt: { account: key, address, token } };
      });
    },

    /** Ends a check begun with `begin`: a right password clears the pair, and the lease is let go. */
    finish(attempt: Attempt, succeeded: boolean): void {
      store.transaction(() => {
        if (succeeded) succeed(attempt.account, attempt.address);
        store.dropLease(attempt.account, attempt.address, attempt.token);
      });
    },
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
