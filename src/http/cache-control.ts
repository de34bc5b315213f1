// Cache headers for public pages and feeds. A reader without cookies sees exactly
// what every other such reader sees, so browsers and proxies may keep the page and
// revalidate it by its ETag; anyone with a cookie (a session, a like, a remembered
// name) may see something of their own, so nothing is kept for them.
import type { Request, RequestHandler, Response } from 'express';

/**
 * Shared pages: a browser revalidates every time (a 304 costs a few bytes); a shared
 * cache such as nginx may answer for one second, so a burst of readers reaches the
 * app once a second per page, and may show its copy while the app is down.
 */
export const SHARED_CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-if-error=86400';
/** Anything carrying a person's token, held comment, sign-in or admin view. */
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/**
 * Whether a request may see something of its own. Every cookie counts, not only
 * ours: a page is shared only when nothing about the reader could have shaped it.
 */
export function isPersonalRequest(req: Pick<Request, 'headers'>): boolean {
  return Boolean(req.headers.cookie || req.headers.authorization);
}

/** Whether this response was declared the same for every reader without cookies. */
export function isShareable(res: Response): boolean {
  return res.locals.shareable === true;
}

/** For public pages and feeds: shared and revalidated for anonymous readers, private for anyone else. */
export function publicPageCache(): RequestHandler {
  return (req, res, next) => {
    res.vary('Cookie');
    if (isPersonalRequest(req)) {
      res.set('Cache-Control', PRIVATE_CACHE_CONTROL);
    } else {
      res.set('Cache-Control', SHARED_CACHE_CONTROL);
      res.locals.shareable = true;
    }
    next();
  };
}

/** A page that shows something of this reader's own (a signed-in commenter): never shared, never kept. */
export function markPersonal(res: Response): void {
  res.set('Cache-Control', PRIVATE_CACHE_CONTROL);
  res.locals.shareable = false;
}

/** Pages reached from an email link, or about one person: never cached or indexed, and a token in the address never sent on as a Referer. */
export function personalPage(res: Response): void {
  res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', 'Referrer-Policy': 'no-referrer' });
}
