// Who is at the desk: the signed-in user from the session, sessions that end when
// idle or old, and the gate in front of every admin page.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { SessionData } from 'express-session';
import type { UsersRepository, User } from '../users/users-repository.js';

declare module 'express-session' {
  interface SessionData {
    /** When the person logged in (ms since the epoch). */
    authAt?: number;
    /** Last admin request, kept to the minute to spare writes. */
    seenAt?: number;
    /** One message for the next page after a redirect. */
    flash?: string;
  }
}

/** A session ends after this long without an admin request… */
export const IDLE_LIMIT_MS = 2 * 24 * 60 * 60 * 1000;
/** …and in any case this long after logging in (the cookie's own age). */
export const ABSOLUTE_LIMIT_MS = 14 * 24 * 60 * 60 * 1000;

/** Whether a login that started at `authAt` and was last used at `seenAt` is still good at `now`. */
export function sessionAlive(authAt: number | undefined, seenAt: number | undefined, now: number): boolean {
  if (authAt === undefined) return false;
  return now - authAt < ABSOLUTE_LIMIT_MS && now - (seenAt ?? authAt) < IDLE_LIMIT_MS;
}

/**
 * The person this session is signed in as, if that login still stands: not idle or
 * old past the limits, and begun after the account's last password or role change
 * (which ends the sessions that began before it). The desk and the public pages
 * both ask this, so an ended login is trusted nowhere.
 */
export function signedInUser(users: UsersRepository, s: Partial<SessionData> | undefined, now: number): User | undefined {
  if (s?.userId === undefined || !sessionAlive(s.authAt, s.seenAt, now)) return undefined;
  const found = users.findById(s.userId);
  return found && Date.parse(found.updated_at) <= (s.authAt ?? 0) ? found : undefined;
}

/** The signed-in user; only called behind requireLogin. */
export function me(res: Response): User {
  return res.locals.currentUser as User;
}

/**
 * Before anything else under /admin (before the CSRF check, so a logged-out POST is
 * sent to log in rather than refused): no live session means 302 to the login page.
 * Who is signed in was decided once for the request, by the page locals (signedInUser).
 */
export const requireLogin: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  const s = req.session;
  const now = Date.now();
  if (!res.locals.currentUser) {
    if (s?.userId !== undefined) {
      delete s.userId;
      delete s.authAt;
    }
    return res.redirect(302, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`);
  }
  if (now - (s.seenAt ?? 0) > 60_000) s.seenAt = now;
  res.locals.flash = s.flash;
  delete s.flash;
  next();
};

/** After changing one's own account: keep this session, which the change would end. */
export function renewLogin(req: Request): void {
  req.session.authAt = Date.now();
}

export function flash(req: Request, message: string): void {
  req.session.flash = message;
}
