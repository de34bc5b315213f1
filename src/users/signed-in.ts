// Who a session is signed in as, from plain values: the desk's gate and the public
// pages both ask this, so a login the desk has ended is trusted nowhere.
import type { UsersRepository, User } from './users-repository.js';

/** A session ends after this long without an admin request… */
export const IDLE_LIMIT_MS = 2 * 24 * 60 * 60 * 1000;
/** …and in any case this long after logging in (the cookie's own age). */
export const ABSOLUTE_LIMIT_MS = 14 * 24 * 60 * 60 * 1000;

/** What a session remembers of its login (ms since the epoch). */
export interface LoginStamp {
  userId?: number;
  authAt?: number;
  seenAt?: number;
}

/** Whether a login that started at `authAt` and was last used at `seenAt` is still good at `now`. */
export function sessionAlive(authAt: number | undefined, seenAt: number | undefined, now: number): boolean {
  if (authAt === undefined) return false;
  return now - authAt < ABSOLUTE_LIMIT_MS && now - (seenAt ?? authAt) < IDLE_LIMIT_MS;
}

/**
 * The person this session is signed in as, if that login still stands: not idle or
 * old past the limits, and begun after the account's last password or role change
 * (which ends the sessions that began before it).
 */
export function signedInUser(users: UsersRepository, s: LoginStamp | undefined, now: number): User | undefined {
  if (s?.userId === undefined || !sessionAlive(s.authAt, s.seenAt, now)) return undefined;
  const found = users.findById(s.userId);
  return found && Date.parse(found.updated_at) <= (s.authAt ?? 0) ? found : undefined;
}
