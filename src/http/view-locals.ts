// What every page's layout needs: the site's settings, navigation, the signed-in
// person and date helpers in the site's time zone.
import type { RequestHandler } from 'express';
import { signedInUser } from '../admin/session-auth.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Repositories } from '../repositories.js';
import { formatDate, formatDateTime } from '../time.js';

export function viewLocals(repos: Repositories, config: Config, clock: Clock): RequestHandler {
  return (req, res, next) => {
    const now = clock();
    const site = repos.settings.load();
    res.locals.site = site;
    res.locals.baseUrl = config.baseUrl;
    res.locals.path = req.path;
    res.locals.navPages = repos.posts.listPublicPages(new Date(now).toISOString());
    res.locals.currentUser = signedInUser(repos.users, req.session, now);
    res.locals.formatDateTime = (iso: string) => formatDateTime(iso, site.timezone);
    res.locals.formatDate = (iso: string) => formatDate(iso, site.timezone);
    res.locals.pageTitle = undefined;
    res.locals.feeds = [];
    next();
  };
}
