// The route table as a policy: each audience's routes together with what stands in
// front of them. Public reading is cached and writes nothing; reader writes check the
// token (a stale one is answered with the person's own form) and then their limits;
// the desk asks for a log-in, then the token.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { AppContext } from './context.js';
import { publicPageCache } from './http/cache-control.js';
import { checkTokenOr, csrfProtection, csrfTokenIfSession } from './http/csrf.js';
import { lazyLocal } from './http/view-locals.js';
import { postsRoutes } from './posts/posts-routes.js';
import { commentsRoutes } from './comments/comments-routes.js';
import { feedsRoutes } from './feeds/feeds-routes.js';
import { searchRoutes } from './search/search-routes.js';
import { subscriptionsRoutes } from './subscriptions/subscriptions-routes.js';
import { oidcRoutes } from './oidc/oidc-routes.js';
import { uploadsRoutes } from './uploads/uploads-routes.js';
import { privacyRoutes } from './privacy/privacy-routes.js';
import { auditRoutes } from './admin/audit-routes.js';
import { authRoutes } from './admin/auth-routes.js';
import { commentsRoutes as deskCommentsRoutes } from './admin/comments-routes.js';
import { dashboardRoutes } from './admin/dashboard-routes.js';
import { erasureRoutes } from './admin/erasure-routes.js';
import { mailRoutes } from './admin/mail-routes.js';
import { postsRoutes as deskPostsRoutes } from './admin/posts-routes.js';
import { commentsBadge } from './admin/comments-badge.js';
import { me, requireLogin } from './admin/session-auth.js';
import { settingsRoutes } from './admin/settings-routes.js';
import { signInProvidersRoutes } from './admin/sign-in-providers-routes.js';
import { uploadsRoutes as deskUploadsRoutes } from './admin/uploads-routes.js';
import { usersRoutes } from './admin/users-routes.js';
import { commenterAuthRoutes } from './commenters/auth-routes.js';
import { ownCommentsRoutes } from './commenters/own-comments-routes.js';

export function routes(ctx: AppContext): Router {
  const router = Router();
  const comments = commentsRoutes(ctx);
  const subscriptions = subscriptionsRoutes(ctx);
  const commenters = { auth: commenterAuthRoutes(ctx), own: ownCommentsRoutes(ctx) };
  router.use('/admin', desk(ctx));
  router.use(readerWrites(ctx, comments, subscriptions, commenters));
  router.use(publicReading(ctx, comments, subscriptions, commenters));
  // After the fixed /auth/ addresses (email, logout, me), so no provider's id captures them.
  router.use(commenterSignIn(ctx));
  return router;
}

type CommentHandlers = ReturnType<typeof commentsRoutes>;
type SubscriptionHandlers = ReturnType<typeof subscriptionsRoutes>;
interface CommenterHandlers { auth: ReturnType<typeof commenterAuthRoutes>; own: ReturnType<typeof ownCommentsRoutes> }

/**
 * Anyone, reading. `cache` marks a page the same for every reader without cookies:
 * proxies may keep it a second, browsers revalidate it by ETag, and the render cache
 * (src/http/render-cache.ts) keeps it until the next visible write. Files say their own.
 */
function publicReading(ctx: AppContext, comments: CommentHandlers, subscriptions: SubscriptionHandlers, { auth, own }: CommenterHandlers): Router {
  const router = Router();
  const pages = postsRoutes(ctx);
  const privacy = privacyRoutes();
  const feeds = feedsRoutes(ctx);
  const cache = publicPageCache();
  router.get('/', cache, pages.list);
  // A reader who has a session already gets a token in the comment form.
  router.get('/posts/:slug', cache, csrfTokenIfSession, pages.show);
  router.get('/tags/:tag', cache, pages.byTag);
  router.get('/archive/:year', cache, pages.byPeriod);
  router.get('/archive/:year/:month', cache, pages.byPeriod);
  router.get('/privacy', cache, privacy.show);
  router.get('/feed', cache, feeds.rss);
  router.get('/feed/atom', cache, feeds.atom);
  router.get('/feed/json', cache, feeds.json);
  router.get('/posts/:slug/feed', cache, feeds.postComments);
  router.get('/comments/feed', cache, feeds.comments);
  router.get('/sitemap.xml', cache, feeds.sitemap);
  // Search pages are never indexed (the handler says so) but are the same for everyone.
  router.get('/search', cache, searchRoutes(ctx).show);
  // robots.txt (a day), uploads and avatars (immutable) say their own.
  router.get('/robots.txt', feeds.robots);
  router.use(uploadsRoutes(ctx));
  router.get('/comments/avatars/:file', comments.avatar);
  // After the feeds and the token, so /comments/feed and /comments/token stay theirs.
  router.get('/comments/:id', cache, comments.permalink);
  // Reached from an email with a signed token: personal pages, never cached (they say so).
  router.get('/subscriptions/confirm', subscriptions.confirm.show);
  router.get('/subscriptions/unsubscribe', subscriptions.unsubscribe.show);
  router.get('/auth/email/verify', auth.verify.show);
  // A signed-in commenter's own pages: personal, never cached (they say so).
  router.get('/auth/me', auth.me.show);
  router.get('/auth/me/erase', auth.me.requireCommenter, csrfProtection, auth.me.confirmErase);
  router.get('/comments/:id/edit', own.load, csrfProtection, own.edit.show);
  router.get('/comments/:id/delete', own.load, csrfProtection, own.remove.show);
  return router;
}

/** Readers writing: the post first (an old slug redirects, keeping the body), then the token, then the limits. */
function readerWrites({ limiters }: AppContext, c: CommentHandlers, s: SubscriptionHandlers, { auth, own }: CommenterHandlers): Router {
  const router = Router();
  // The comment's own rate depends on who writes (signed-in people are not counted), so the service counts it.
  router.post('/posts/:slug/comments', c.loadPost('/comments'), c.comment.whenOpen, checkTokenOr(c.comment.stale), c.comment.create);
  router.post('/posts/:slug/like', c.loadPost('/like'), c.like.whenOn, checkTokenOr(c.like.stale), c.like.limit(limiters.likes), c.like.add);
  router.post('/comments/:id/report', c.report.load, checkTokenOr(c.report.stale), c.report.limit(limiters.reports), c.report.add);
  router.post('/subscribe', checkTokenOr(s.follow.stale), s.follow.limit(limiters.subscriptions), s.follow.create);
  // The signed single-purpose token in the link authorises these two, with no session (RFC 8058's one-click POST).
  router.post('/subscriptions/confirm', s.confirm.create);
  router.post('/subscriptions/unsubscribe', s.unsubscribe.create);
  // Commenters signing in by email: turned off, it refuses before anything else; the link's button is authorised by its signed one-time token alone.
  router.post('/auth/email', auth.email.enabled, checkTokenOr(auth.email.stale), auth.email.limit(limiters.emailLinks), auth.email.create);
  router.post('/auth/email/verify', auth.verify.create);
  router.post('/auth/logout', checkTokenOr(auth.logout.stale), auth.logout.remove);
  router.post('/auth/me/erase', auth.me.requireCommenter, checkTokenOr(auth.me.staleErase), auth.me.erase);
  router.post('/comments/:id/edit', own.load, checkTokenOr(own.edit.stale), own.edit.update);
  router.post('/comments/:id/delete', own.load, checkTokenOr(own.remove.stale), own.remove.destroy);
  // Each token handed out may start a session: limited before csurf can start one.
  router.get('/comments/token', c.token.limitNewSessions(limiters.tokens), csrfProtection, c.token.send);
  return router;
}

/**
 * Commenters signing in with a provider: personal, never cached. Starting needs no
 * form token: it changes nothing but this browser's own sign-in under way, and a
 * reader with no session yet (no token in a cached page, no script) must keep the
 * comment they typed. A browser without a session is limited like the form's token.
 */
function commenterSignIn(ctx: AppContext): Router {
  const router = Router();
  const oidc = oidcRoutes(ctx);
  router.post('/auth/:provider', oidc.loadProvider, oidc.limitNewSessions, oidc.startFromForm);
  router.get('/auth/:provider', oidc.loadProvider, oidc.limitNewSessions, oidc.startFromLink);
  router.get('/auth/:provider/callback', oidc.loadProvider, oidc.finish);
  return router;
}

/** The author's desk: personal pages, never cached; the log-in first, then the token on everything. */
function desk(ctx: AppContext): Router {
  const router = Router();
  const posts = deskPostsRoutes(ctx);
  const auth = authRoutes(ctx, posts.kept);
  router.use(personal);
  // Before the log-in gate, so a logged-out POST is sent to log in and changes nothing.
  router.get('/login', csrfProtection, auth.show);
  router.post('/login', checkTokenOr(auth.refuseStale), auth.create);
  // A post saved after the session ended: the log-in form, keeping the text, then saving it.
  router.post(['/posts', '/posts/:id'], auth.keepWhenLoggedOut);
  router.use(requireLogin(ctx.clock));
  router.post('/logout', csrfProtection, auth.remove);
  router.use((_req, res, next) => {
    const user = me(res);
    lazyLocal(res, 'commentsBadge', () => commentsBadge(ctx.repos, user));
    next();
  });
  // A multipart body carries its token inside: read first, then checked (uploads-routes).
  router.use(deskUploadsRoutes(ctx));
  // Saving a post: a stale token gives the editor back with the author's text.
  router.post('/posts', checkTokenOr(posts.save.refuseStale), posts.save.create);
  router.post('/posts/:id', checkTokenOr(posts.save.refuseStale), posts.save.update);
  router.use(csrfProtection, tokenForPages);
  router.use(dashboardRoutes(ctx));
  router.use(posts.router);
  router.use(erasureRoutes(ctx));
  router.use(deskCommentsRoutes(ctx));
  router.use(usersRoutes(ctx));
  router.use(settingsRoutes(ctx));
  router.use(signInProvidersRoutes(ctx));
  router.use(auditRoutes(ctx));
  router.use(mailRoutes(ctx));
  return router;
}

/** Desk pages are personal: never cached by a browser or a proxy, never indexed. */
function personal(_req: Request, res: Response, next: NextFunction) {
  res.set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow' });
  next();
}

function tokenForPages(req: Request, res: Response, next: NextFunction) {
  res.locals.csrfToken = req.csrfToken();
  next();
}
