// What every page's layout needs: the site's settings, navigation, the signed-in
// people (staff, commenter) and date helpers in the site's time zone.
import type { RequestHandler, Response } from 'express';
import type { AppContext } from '../context.js';
import { formatDate, formatDateTime } from '../time.js';
import { signedInUser } from '../users/signed-in.js';
import { currentCommenter } from '../commenters/commenter-session.js';

export function viewLocals(ctx: AppContext): RequestHandler {
  const { repos, config, clock } = ctx;
  return (req, res, next) => {
    const site = repos.settings.load();
    res.locals.site = site;
    res.locals.baseUrl = config.baseUrl;
    res.locals.path = req.path;
    lazyLocal(res, 'navPages', () => repos.posts.listPublicPages());
    res.locals.currentUser = signedInUser(repos.users, req.session, clock());
    res.locals.currentCommenter = currentCommenter(req, ctx);
    res.locals.formatDateTime = (iso: string) => formatDateTime(iso, site.timezone);
    res.locals.formatDate = (iso: string) => formatDate(iso, site.timezone);
    res.locals.pageTitle = undefined;
    // A page read by GET is its own canonical address unless its route names another;
    // an answer to a POST and the desk have none worth sharing.
    res.locals.canonical = (req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/admin') ? req.path : null;
    res.locals.feeds = [];
    next();
  };
}

/**
 * A page local worked out when a page renders and reads it, once: an answer that
 * redirects (most POSTs) or sends JSON never pays for it.
 */
export function lazyLocal<T>(res: Response, name: string, compute: () => T): void {
  let value: { v: T } | undefined;
  Object.defineProperty(res.locals, name, { enumerable: true, configurable: true, get: () => (value ??= { v: compute() }).v });
}
