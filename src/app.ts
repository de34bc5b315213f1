// createApp(deps): the whole Express application over one database, with no
// listening and no I/O at import time, so tests drive it through supertest.
import { randomBytes } from 'node:crypto';
import ejs from 'ejs';
import express from 'express';
import session from 'express-session';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { createPing, type Db } from './db/open.js';
import { createLogger, type Logger } from './logger.js';
import { projectPath } from './paths.js';
import { createRepositories, type Repositories } from './repositories.js';
import { cookieOptions } from './http/cookies.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { requestLogging } from './http/request-logging.js';
import { securityHeaders } from './http/security-headers.js';
import { newSessionId, SqliteSessionStore } from './http/session-store.js';
import { commentKeys } from './comments/comment-keys.js';
import { addressKey } from './limits/address.js';
import { viewLocals } from './http/view-locals.js';
import { postsRoutes } from './posts/posts-routes.js';
import { commentsRoutes } from './comments/comments-routes.js';
import { adminRoutes } from './admin/admin-routes.js';
import { feedsRoutes } from './feeds/feeds-routes.js';
import { searchRoutes } from './search/search-routes.js';
import { uploadsRoutes } from './uploads/uploads-routes.js';

export interface AppDeps {
  db: Db;
  config: Config;
  logger?: Logger;
  clock?: Clock;
}

export interface AppContext {
  config: Config;
  repos: Repositories;
  logger: Logger;
  clock: Clock;
}

export const SESSION_COOKIE = 'colloquy.sid';
const SESSION_MAX_AGE = 14 * 24 * 60 * 60 * 1000;

export function createApp({ db, config, logger = createLogger('silent'), clock = systemClock }: AppDeps) {
  const repos = createRepositories(db);
  const ctx: AppContext = { config, repos, logger, clock };
  const store = new SqliteSessionStore(repos.sessions, clock);
  const keys = commentKeys(repos);
  const app = express();

  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  const views = projectPath('views');
  app.set('views', views);
  // EJS takes its options from the engine call: `root` lets an include named from it
  // ('/comments/_comment') resolve without a file-system check, where a relative one
  // stats the disk on every call (200 times for 200 comments).
  app.engine('ejs', (file, data, callback) =>
    ejs.renderFile(file, data as ejs.Data, { root: views, views: [views], cache: !config.development }, callback));
  app.set('view engine', 'ejs');
  // Compiled templates (and their includes) are kept unless someone is editing views.
  app.set('view cache', !config.development);
  app.set('query parser', 'simple');

  app.use(requestLogging(logger));
  app.use(securityHeaders(config.secureCookies));
  const ping = createPing(db);
  app.get('/healthz', (_req, res) => {
    const up = ping();
    res.status(up ? 200 : 503).set('Cache-Control', 'no-store').json({ status: up ? 'ok' : 'unavailable' });
  });
  app.use('/static', express.static(projectPath('public'), { maxAge: '1d', index: false }));
  // Browsers and crawlers ask for /favicon.ico whatever the page's <link rel="icon"> says.
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/static/favicon.svg'));

  // 2 MB: a 10,000-character comment of four-byte characters, form-encoded, is
  // about 120 KB; anything past 2 MB is not a person typing and answers 413.
  app.use(express.urlencoded({ extended: false, limit: '2mb', parameterLimit: 200 }));
  app.use(express.json({ limit: '100kb' }));
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: sessionSecret(repos, config),
      store,
      // The id carries a short tag of the address group, so pre-sessions are counted per address.
      genid: (req) => newSessionId(addressKey(keys.hash, req.ip ?? '').slice(0, 16)),
      resave: false,
      // No session, and no cookie, until something is stored in it: reading stays free.
      saveUninitialized: false,
      rolling: false,
      cookie: { ...cookieOptions(config.secureCookies), maxAge: SESSION_MAX_AGE },
    }),
  );
  app.use(viewLocals(repos, config));

  app.use('/admin', adminRoutes(ctx));
  app.use(uploadsRoutes(ctx));
  app.use(commentsRoutes(ctx));
  app.use(feedsRoutes(ctx));
  app.use(searchRoutes(ctx));
  app.use(postsRoutes(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  return Object.assign(app, { close: () => store.close() });
}

/** SESSION_SECRET, or one generated on first start and kept in the database. */
function sessionSecret(repos: Repositories, config: Config): string {
  if (config.sessionSecret) return config.sessionSecret;
  const stored = repos.settings.getInternal('session_secret');
  if (stored) return stored;
  const generated = randomBytes(32).toString('base64url');
  repos.settings.setInternal('session_secret', generated);
  return generated;
}
