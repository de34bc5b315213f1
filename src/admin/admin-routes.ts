// The author's desk: log-in, then, behind it, the dashboard, posts, comments,
// users, settings, images and the audit trail. Order matters: the log-in gate comes
// before the CSRF check, so a logged-out POST is sent to log in and changes nothing.
import { Router, type Request } from 'express';
import type { AppContext } from '../app.js';
import { csrfProtection } from '../http/csrf.js';
import { auditRoutes } from './audit-routes.js';
import { authRoutes } from './auth-routes.js';
import { commentsRoutes } from './comments-routes.js';
import { dashboardRoutes } from './dashboard-routes.js';
import { createLoginThrottle } from '../limits/login-throttle.js';
import { postsRoutes } from './posts-routes.js';
import { scopeOf } from './permissions.js';
import { me, requireLogin } from './session-auth.js';
import { settingsRoutes } from './settings-routes.js';
import { uploadsRoutes } from './uploads-routes.js';
import { usersRoutes } from './users-routes.js';

export function adminRoutes(ctx: AppContext): Router {
  const router = Router();
  router.use((_req, res, next) => {
    // Admin pages are personal: never cached by a browser or a proxy, never indexed.
    res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' });
    next();
  });
  router.use(authRoutes(ctx, createLoginThrottle(ctx.repos.limits)));
  router.use(requireLogin);
  router.use((_req, res, next) => {
    res.locals.pendingCount = ctx.repos.comments.countByStatus(scopeOf(me(res))).pending;
    next();
  });
  router.use(uploadsRoutes(ctx));
  // Saving a post checks its own token (posts-routes), so that a stale one gives the
  // author's text back; every other request is checked here.
  router.use((req, res, next) => (savesPost(req) ? next() : csrfProtection(req, res, next)));
  router.use((req, res, next) => {
    if (!savesPost(req)) res.locals.csrfToken = req.csrfToken();
    next();
  });
  router.use(dashboardRoutes(ctx));
  router.use(postsRoutes(ctx));
  router.use(commentsRoutes(ctx));
  router.use(usersRoutes(ctx));
  router.use(settingsRoutes(ctx));
  router.use(auditRoutes(ctx));
  return router;
}

/** POST /admin/posts (create) and POST /admin/posts/:id (update). */
function savesPost(req: Request): boolean {
  return req.method === 'POST' && /^\/posts(?:\/[^/]+)?$/.test(req.path);
}
