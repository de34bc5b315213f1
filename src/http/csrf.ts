// CSRF tokens through csurf in session mode, kept behind this one module (csurf is
// archived). Reading creates no session: a page gets a token only when its reader
// already has a session; state-changing routes check the token and so start one.
import csurf from 'csurf';
import type { Request, RequestHandler, Response } from 'express';

const protect = csurf({
  value: (req: Request) => (typeof req.body?._csrf === 'string' ? req.body._csrf : String(req.headers['x-csrf-token'] ?? '')),
});

/** Checks the token on POST (and other unsafe methods); on GET it hands one out, starting a session. */
export const csrfProtection: RequestHandler = protect;

/**
 * For pages: a token in `res.locals.csrfToken` if the reader has a session already, else ''.
 * A commenter who just signed in has a session but, on its new id, no secret yet: they get one.
 */
export const csrfTokenIfSession: RequestHandler = (req, res, next) => {
  if (!req.session?.csrfSecret && req.session?.commenterId === undefined) {
    res.locals.csrfToken = '';
    return next();
  }
  protect(req, res, (err?: unknown) => {
    if (err) return next(err);
    res.locals.csrfToken = req.csrfToken();
    next();
  });
};

/** A fresh token for a page answering a refused POST; the session now exists. */
export function freshToken(req: Request): string {
  return typeof req.csrfToken === 'function' ? req.csrfToken() : '';
}

export function isCsrfError(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'EBADCSRFTOKEN';
}

/**
 * Checks the token by hand, for a POST whose refusal must still answer with the
 * person's form (a comment, a like, the log-in) rather than the bare 403 page.
 * Resolves false for a missing or stale token; other errors reject.
 */
function hasValidToken(req: Request, res: Response): Promise<boolean> {
  return new Promise((resolve, reject) => {
    protect(req, res, (err?: unknown) => {
      if (!err) resolve(true);
      else if (isCsrfError(err)) resolve(false);
      else reject(err);
    });
  });
}

/**
 * For a page that answers a POST without acting on it (a form to send again): a fresh
 * token in `res.locals.csrfToken`, whatever token came, starting a session if need be.
 */
export const freshTokenAnyway: RequestHandler = async (req, res, next) => {
  await hasValidToken(req, res);
  res.locals.csrfToken = freshToken(req);
  next();
};

/**
 * The token check for a form whose refusal must give the person's text back: a
 * missing or stale token is answered by `refuse` (the form again, 403) instead of the
 * bare 403 page. Either way the page gets a fresh token in `res.locals.csrfToken`.
 */
export function checkTokenOr(refuse: (req: Request, res: Response) => void): RequestHandler {
  return async (req, res, next) => {
    const valid = await hasValidToken(req, res);
    res.locals.csrfToken = freshToken(req);
    if (valid) next();
    else refuse(req, res);
  };
}
