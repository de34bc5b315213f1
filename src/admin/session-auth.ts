// Who is at the desk: the signed-in user, the gate in front of every admin page, and
// the session's flash message. (When a login ends is decided in users/signed-in.ts.)
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock } from '../clock.js';
import type { User } from '../users/users-repository.js';

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

/** The signed-in user; only called behind requireLogin. */
export function me(res: Response): User {
  return res.locals.currentUser as User;
}

/**
 * Before anything else under /admin (before the CSRF check, so a logged-out POST is
 * sent to log in rather than refused): no live session means 302 to the login page.
 * Who is signed in was decided once for the request, by the page locals (signedInUser).
 */
export const requireLogin = (clock: Clock): RequestHandler => (req: Request, res: Response, next: NextFunction) => {
  const s = req.session;
  const now = clock();
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
export function renewLogin(req: Request, now: number): void {
  req.session.authAt = now;
}

export function flash(req: Request, message: string): void {
  req.session.flash = message;
}
