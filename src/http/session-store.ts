// express-session's store on SQLite: sessions survive restarts and expired ones are pruned.
import session from 'express-session';
import type { Clock } from '../clock.js';
import type { SessionsRepository } from '../sessions/sessions-repository.js';

declare module 'express-session' {
  interface SessionData {
    csrfSecret?: string;
    userId?: number;
  }
}

const DAY = 24 * 60 * 60 * 1000;
const PRUNE_EVERY = 15 * 60 * 1000;

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
      const data = this.sessions.get(sid);
      callback(null, data === undefined ? null : (JSON.parse(data) as session.SessionData));
    } catch (err) {
      callback(err);
    }
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    try {
      this.sessions.set(sid, JSON.stringify(data), this.expiryOf(data));
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  override touch(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    try {
      this.sessions.touch(sid, this.expiryOf(data));
      callback?.();
    } catch (err) {
      callback?.(err);
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

  private expiryOf(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.clock() + DAY;
  }
}
