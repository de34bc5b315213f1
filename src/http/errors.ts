// Typed HTTP errors that handlers throw; one error handler turns them, and the
// domain's errors (src/errors.ts), into pages.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DomainError, type DomainErrorKind } from '../errors.js';
import { DEFAULT_SETTINGS } from '../settings/settings.js';
import { isCsrfError } from './csrf.js';
import { wantsJson } from './negotiate.js';

export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (what = 'That page does not exist.') => new HttpError(404, what);
export const forbidden = (why = 'You may not do that.') => new HttpError(403, why);
export const gone = (what = 'This page was deleted.') => new HttpError(410, what);

const DOMAIN_STATUS: Record<DomainErrorKind, number> = {
  'not-found': 404,
  invalid: 422,
  forbidden: 403,
  conflict: 409,
  unsupported: 415,
};

const TITLES: Record<number, string> = {
  400: 'Bad request',
  403: 'Not allowed',
  404: 'Page not found',
  405: 'Not allowed',
  410: 'Gone',
  413: 'Too large',
  415: 'Unsupported type',
  429: 'Too many requests',
  500: 'Something went wrong',
  503: 'Busy for a moment',
};

/** How long a request that met a busy database is told to wait, in seconds. */
export const BUSY_RETRY_AFTER = 5;
const BUSY_MESSAGE = 'The blog was busy writing something else (an import, say) for longer than it waits, so this was not done. Please try again in a few seconds.';

/**
 * SQLite gave up waiting for another connection's write (a long import or a backup
 * holding the lock past the busy timeout): not a fault in the request, so 503, not 500.
 */
export function isBusyError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_BUSY');
}

// What a person is told when a library (the URL decoder, a body parser, the CSRF
// check) refused the request: its own words ("request entity too large") are not for readers.
const LIBRARY_MESSAGES: Record<number, string> = {
  400: 'The address or the form data of this request could not be read, so nothing was done. Please go back and try again.',
  403: 'This form had expired, so nothing was saved. Go back, reload the page, and send it again.',
  413: 'That was too large to accept (the limit is 2 MB), so nothing was saved.',
  415: 'That was sent in a form the site cannot read, so nothing was saved.',
};

/** After every route: whatever nothing answered is the site's own 404 page. */
export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

/** The one error handler: known errors get their page, anything else a 500 that leaks nothing. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const status = statusOf(err);
    const busy = isBusyError(err);
    if (busy) logger.warn({ err, method: req.method, path: req.path }, 'database busy');
    else if (status >= 500) logger.error({ err, method: req.method, path: req.path }, 'request failed');
    const message = busy
      ? BUSY_MESSAGE
      : status >= 500
        ? 'The server could not finish this request. It has been logged; please try again in a moment.'
        : err instanceof HttpError || err instanceof DomainError
          ? err.message
          : LIBRARY_MESSAGES[status] ?? TITLES[status] ?? 'The request could not be handled.';
    if (err instanceof HttpError) res.set(err.headers);
    if (busy) res.set('Retry-After', String(BUSY_RETRY_AFTER));
    // An error page is never kept: the missing post may be published a second later.
    res.status(status).set('Cache-Control', 'no-store');
    // An error raised before the page locals were set (a body too large, say) still gets the site's page.
    const defaults: Record<string, unknown> = { site: DEFAULT_SETTINGS, navPages: [], feeds: [], currentUser: undefined, path: req.path };
    for (const [key, value] of Object.entries(defaults)) if (!(key in res.locals)) res.locals[key] = value;
    if (wantsJson(req)) {
      res.json({ error: message });
      return;
    }
    res.render('errors/error', { status, heading: TITLES[status] ?? 'Error', message, pageTitle: TITLES[status] ?? 'Error', canonical: null }, (renderErr, html) => {
      if (renderErr) {
        logger.error({ err: renderErr }, 'error page failed to render');
        res.type('text/plain').send(message);
      } else {
        res.send(html);
      }
    });
  };
}

function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.status;
  if (err instanceof DomainError) return DOMAIN_STATUS[err.kind];
  if (isCsrfError(err)) return 403;
  if (isBusyError(err)) return 503;
  const e = err as { status?: unknown; statusCode?: unknown };
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 500;
  return status >= 400 && status < 600 ? status : 500;
}
