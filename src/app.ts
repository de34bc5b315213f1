// createApp(ctx): the whole Express application over the context the composition root
// built (compose.ts), with no listening and no I/O at import time, so tests drive it
// through supertest.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import ejs from 'ejs';
import express from 'express';
import session from 'express-session';
import type { AppContext } from './context.js';
import { projectPath } from './paths.js';
import type { Repositories } from './repositories.js';
import type { Config } from './config.js';
import { jsonLdText, pageHead } from './content/page-meta.js';
import { FORM_STAMP_LOCAL } from './comments/discussion-request.js';
import { createAssets } from './http/assets.js';
import { cookieOptions } from './http/cookies.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { createRenderCache } from './http/render-cache.js';
import { requestLogging } from './http/request-logging.js';
import { securityHeaders } from './http/security-headers.js';
import { SESSION_COOKIE, SESSION_MAX_AGE } from './http/session-cookie.js';
import { newSessionId, SqliteSessionStore } from './http/session-store.js';
import { viewLocals } from './http/view-locals.js';
import { addressKey } from './limits/address.js';
import { routes } from './routes.js';
import { WORDS } from './wording.js';

// Every query key a shared page reads (listings and search: page; search: q; the post
// page: replyto, cpage). Others (utm_source, fbclid) cannot change a page, so a shared
// link's readers all get the one kept copy.
const SHARED_QUERY_KEYS = ['page', 'q', 'replyto', 'cpage'];

export function createApp(ctx: AppContext) {
  const { config, repos, services, keys, clock, logger } = ctx;
  const store = new SqliteSessionStore(repos.sessions, clock);
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
  app.locals.words = WORDS;
  app.locals.pageHead = pageHead;
  app.locals.jsonLdText = jsonLdText;
  // Compiled templates (and their includes) are kept unless someone is editing views.
  app.set('view cache', !config.development);
  app.set('query parser', 'simple');

  // Kept public pages: answered in front of Express (below), kept once every page's headers are set.
  const renderCache = config.renderCacheBytes > 0
    ? createRenderCache({
      budgetBytes: config.renderCacheBytes,
      generation: repos.contentGeneration,
      clock,
      queryKeys: SHARED_QUERY_KEYS,
      perResponse: { local: FORM_STAMP_LOCAL, fill: () => ctx.keys.stamp(clock()) },
    })
    : undefined;
  app.use(securityHeaders(config.secureCookies));
  app.get('/healthz', (_req, res) => {
    const up = services.health.ping();
    res.status(up ? 200 : 503).set('Cache-Control', 'no-store').json({ status: up ? 'ok' : 'unavailable' });
  });
  const assets = createAssets(projectPath('public'), '/static', !config.development);
  app.locals.asset = assets.url;
  app.use(assets.serve);
  // Unversioned URLs (old pages, the icon) may change with a new release: kept an hour.
  app.use('/static', express.static(projectPath('public'), { maxAge: '1h', index: false }));
  // Browsers and crawlers ask for /favicon.ico whatever the page's <link rel="icon"> says.
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/static/favicon.svg'));

  // Before sessions and page locals: what a shared page sends is kept.
  if (renderCache) app.use(renderCache.keep);

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
  app.use(viewLocals(ctx));

  app.use(routes(ctx));

  app.use(notFoundHandler);
  app.use(errorHandler(logger));

  // In front of Express: the log, then kept pages, which need none of the framework.
  const log = requestLogging(logger);
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    log(req, res);
    if (!renderCache?.serveKept(req, res)) app(req, res);
  };
  return Object.assign(handle, {
    listen: (port: number, host?: string, listening?: () => void): Server => createServer(handle).listen(port, host, listening),
    close: () => store.close(),
  });
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
