// Cache headers for public pages. A reader without cookies sees exactly what every
// other such reader sees, so browsers and proxies may keep the page for a minute;
// anyone with a cookie (a session, a like) may see something of their own, so not.
import type { RequestHandler } from 'express';

export function publicPageCache(maxAgeSeconds = 60): RequestHandler {
  return (req, res, next) => {
    res.vary('Cookie');
    res.set('Cache-Control', req.headers.cookie ? 'private, no-store' : `public, max-age=${maxAgeSeconds}`);
    next();
  };
}
