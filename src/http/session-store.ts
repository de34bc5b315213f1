// express-session's store on SQLite: sessions survive restarts and expired ones are pruned.
// A session that holds only a CSRF secret (a log-in page view, a refused public POST) is a
// pre-session: it lives an hour, not the cookie's 14 days, and each address keeps only
// its newest few, so requests without cookies cannot pile rows up.
import { randomBytes } from 'node:crypto';
import session from 'express-session';
import type { Clock } from '../clock.js';
import type { SessionsRepository } from '../sessions/sessions-repository.js';
import { isBusyError } from './errors.js';

declare module 'express-session' {
  interface SessionData {
    csrfSecret?: string;
    userId?: number;
  }
}

const DAY = 24 * 60 * 60 * 1000;
const PRUNE_EVERY = 15 * 60 * 1000;
/** How long a pre-session lives after its last use. */
export const PRE_SESSION_MS = 60 * 60 * 1000;
/**
 * A session used again within this long keeps its stored expiry: a reader posting several
 * times a minute costs one write, not one per request. Its sliding expiry is then up to
 * this much sooner, never later.
 */
export const TOUCH_SLACK_MS = 60 * 1000;
/** Pre-sessions kept per address group: enough for a household or an office behind one address. */
export const PRE_SESSIONS_PER_ADDRESS = 100;

/**
 * A new session id ending in a short tag of the client's address group (a keyed hash), so
 * the store can count pre-sessions per address. For express-session's `genid`.
 */
export function newSessionId(addressTag: string): string {
  return `${randomBytes(24).toString('base64url')}.${addressTag}`;
}

/** The tag newSessionId put in `sid`, if any (base64url has no dots). */
function addressTagOf(sid: string): string | undefined {
  const dot = sid.lastIndexOf('.');
  return dot === -1 || dot === sid.length - 1 ? undefined : sid.slice(dot + 1);
}

/** Whether a session holds nothing but a CSRF secret (and its cookie's settings). */
export function isPreSession(data: session.SessionData): boolean {
  return Object.keys(data).every((key) => key === 'cookie' || key === 'csrfSecret');
}

export class SqliteSessionStore extends session.Store {
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
  ) {
    super();
    this.timer = setInterval(() => sessions.prune(), PRUNE_EVERY);
    this.timer.unref();
  }

  override get(sid: string, callback: (err: unknown, session?: session.SessionData | null) => void): void {
    try {
      const data = this.sessions.get(sid, this.clock());
      callback(null, data === undefined ? null : (JSON.parse(data) as session.SessionData));
    } catch (err) {
      callback(err);
    }
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    try {
      const expires = this.expiryOf(data);
      const tag = isPreSession(data) ? addressTagOf(sid) : undefined;
      if (tag === undefined) this.sessions.set(sid, JSON.stringify(data), expires);
      else this.sessions.setPre(sid, JSON.stringify(data), expires, tag, PRE_SESSIONS_PER_ADDRESS);
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  override touch(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    try {
      this.sessions.touch(sid, this.expiryOf(data), TOUCH_SLACK_MS);
      callback?.();
    } catch (err) {
      // A touch only moves the expiry on: with the database busy (an import), the next request does it.
      callback?.(isBusyError(err) ? undefined : err);
    }
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    try {
      this.sessions.destroy(sid);
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  close(): void {
    clearInterval(this.timer);
  }

  /** The cookie's expiry, or for a pre-session an hour from now if that is sooner. */
  private expiryOf(data: session.SessionData): number {
    const now = this.clock();
    const expires = data.cookie?.expires;
    const full = expires ? new Date(expires).getTime() : now + DAY;
    return isPreSession(data) ? Math.min(full, now + PRE_SESSION_MS) : full;
  }
}
