// Rows behind every per-address limit and the log-in throttle: fixed windows per key,
// remembered log-in failures, and the lease on the one password check in flight.
// Each write is one statement or one synchronous transaction, so processes sharing the
// database file never lose a count between a read and a write.
import type { Db } from '../db/open.js';

export type LimitsRepository = ReturnType<typeof createLimitsRepository>;

/** Failure times, oldest first. */
export type FailureTimes = number[];

export function createLimitsRepository(db: Db) {
  // A finished window starts again at `now`; the count stops at limit + 1, so refused
  // hits neither grow it nor hide a limit raised later in the window.
  const hitWindow = db.prepare<{ bucket: string; key: string; now: number; windowMs: number; limit: number }, { windowStart: number; hits: number }>(`
    INSERT INTO rate_windows (bucket, key, window_start, hits) VALUES (@bucket, @key, @now, 1)
    ON CONFLICT (bucket, key) DO UPDATE SET
      window_start = CASE WHEN window_start <= @now - @windowMs THEN @now ELSE window_start END,
      hits = CASE WHEN window_start <= @now - @windowMs THEN 1 ELSE min(hits + 1, @limit + 1) END
    RETURNING window_start AS windowStart, hits`);
  const sweepWindows = db.prepare<[string, number]>('DELETE FROM rate_windows WHERE bucket = ? AND window_start <= ?');

  const newest = (where: string) =>
    db.prepare<[...string[], number, number], number>(`SELECT at FROM login_failures WHERE ${where} AND at > ? ORDER BY at DESC LIMIT ?`).pluck();
  const pairFailures = newest('account = ? AND address = ?');
  const addressFailures = newest('address = ?');
  const accountFailures = newest('account = ?');
  const addFailure = db.prepare<[string, string, number]>('INSERT INTO login_failures (account, address, at) VALUES (?, ?, ?)');
  const clearPair = db.prepare<[string, string]>('DELETE FROM login_failures WHERE account = ? AND address = ?');
  const sweepFailures = db.prepare<[number]>('DELETE FROM login_failures WHERE at <= ?');

  const takeLease = db.prepare<[string, string, string, number, number]>(`
    INSERT INTO login_checks (account, address, token, started_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (account, address) DO UPDATE SET token = excluded.token, started_at = excluded.started_at
    WHERE login_checks.started_at <= ?`);
  const dropLease = db.prepare<[string, string, string]>('DELETE FROM login_checks WHERE account = ? AND address = ? AND token = ?');
  const sweepLeases = db.prepare<[number]>('DELETE FROM login_checks WHERE started_at <= ?');

  const oldestFirst = (times: number[]) => times.reverse();

  return {
    /** Counts one hit in `key`'s window of `bucket`; returns the window's start and its hits so far. */
    hitWindow: (bucket: string, key: string, now: number, windowMs: number, limit: number) =>
      hitWindow.get({ bucket, key, now, windowMs, limit })!,
    /** Forgets windows of `bucket` that started at or before `before`. */
    sweepWindows: (bucket: string, before: number): number => sweepWindows.run(bucket, before).changes,

    /** The newest `max` failures after `since`, per pair, address and account, oldest first. */
    failures(account: string, address: string, since: number, max: number): { pair: FailureTimes; address: FailureTimes; account: FailureTimes } {
      return {
        pair: oldestFirst(pairFailures.all(account, address, since, max)),
        address: oldestFirst(addressFailures.all(address, since, max)),
        account: oldestFirst(accountFailures.all(account, since, max)),
      };
    },
    addFailure: (account: string, address: string, at: number): void => void addFailure.run(account, address, at),
    clearPair: (account: string, address: string): void => void clearPair.run(account, address),

    /** Takes the check lease for the pair unless another, started after `staleBefore`, holds it. */
    takeLease: (account: string, address: string, token: string, now: number, staleBefore: number): boolean =>
      takeLease.run(account, address, token, now, staleBefore).changes === 1,
    dropLease: (account: string, address: string, token: string): void => void dropLease.run(account, address, token),

    /** Forgets failures at or before `failuresBefore` and leases started at or before `leasesBefore`. */
    sweepLogin(failuresBefore: number, leasesBefore: number): void {
      sweepFailures.run(failuresBefore);
      sweepLeases.run(leasesBefore);
    },

    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
  };
}
