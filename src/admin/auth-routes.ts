// Logging in and out. Passwords are checked with scrypt in constant time (even for
// unknown names, so timing does not reveal which accounts exist), failures are
// throttled, and the session id is replaced at log-in. A post saved after the session
// ended is answered with this form, carrying the typed post, and saved once logged in.
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { SESSION_COOKIE } from '../http/session-cookie.js';
import { cookieOptions } from '../http/cookies.js';
import { freshToken, freshTokenAnyway } from '../http/csrf.js';
import { hashPassword, verifyPassword } from '../users/passwords.js';
import { safeNext, text } from '../http/forms.js';
import { MAX_PASSWORD_LENGTH } from '../users/passwords.js';
import { addressKey } from '../limits/address.js';
import type { User } from '../users/users-repository.js';
import { plural } from '../wording.js';
import type { KeptSave } from './posts-routes.js';

export function authRoutes(ctx: AppContext, kept: KeptSave) {
  const { repos, services, keys, clock } = ctx;
  const throttle = ctx.limiters.logins;
  // Compared against when the name is unknown, so both paths cost one scrypt. Made on
  // first need: every app start would otherwise pay for a hash nobody may use.
  let dummy: Promise<string> | undefined;
  const dummyHash = () => (dummy ??= hashPassword('not a real password, only for timing', ctx.config.passwordCost));

  function renderForm(req: Request, res: Response, status: number, extra: { error?: string; username?: string; notice?: string } = {}) {
    res.status(status).render('admin/login', {
      // The post typed before the session ended, carried by every round of this form.
      kept: kept.read(text(req.body, 'resume'), req.body) ?? null,
      pageTitle: 'Log in',
      csrfToken: freshToken(req),
      next: requestedNext(req) === undefined ? '' : safeNext(requestedNext(req)),
      username: extra.username ?? '',
      error: extra.error ?? '',
      notice: extra.notice ?? (req.query.out === '1' ? 'You have logged out.' : ''),
    });
  }

  /**
   * Saving a post after the session ended (logged out in another tab, or idle too
   * long): the log-in form, on this same page, holding the whole typed post. Its own
   * token was the ended session's, so nothing is saved now; logging in saves it.
   */
  function keepWhenLoggedOut(req: Request, res: Response, next: NextFunction) {
    if (res.locals.currentUser) return next();
    const work = kept.read(req.originalUrl, req.body);
    if (!work) return next();
    req.body = { ...req.body, resume: work.resume };
    return freshTokenAnyway(req, res, () => renderForm(req, res, 401, { notice: LOGGED_OUT_MESSAGE }));
  }

  function show(req: Request, res: Response) {
    if (res.locals.currentUser) {
      return res.redirect(303, safeNext(requestedNext(req)));
    }
    renderForm(req, res, 200);
  }

  /** A stale token on the login form (an old tab, an expired session) gets the form back with the name kept, not a bare 403 page. */
  function refuseStale(req: Request, res: Response) {
    renderForm(req, res, 403, { username: text(req.body, 'username').slice(0, 100), error: 'This form had expired. Please log in again.' });
  }

  async function create(req: Request, res: Response) {
    const username = text(req.body, 'username').trim().slice(0, 100);
    const password = text(req.body, 'password');
    const now = clock();
    // Counted (and the pair's one check taken) before any hash is computed.
    const verdict = throttle.begin(username, addressKey(keys.hash, req.ip ?? ''), now);
    if (!verdict.allowed) {
      const seconds = Math.max(1, Math.ceil((verdict.retryAt - now) / 1000));
      res.set('Retry-After', String(seconds));
      if (verdict.busy) {
        return renderForm(req, res, 429, { username, error: 'This log-in is already being checked. Please try again in a moment.' });
      }
      const minutes = Math.ceil(seconds / 60);
      return renderForm(req, res, 429, {
        username,
        error: `Too many failed log-ins from your address. Try again in ${plural(minutes, 'minute')} (after ${res.locals.formatDateTime(new Date(verdict.retryAt).toISOString())}).`,
      });
    }
    let user: User | undefined;
    let ok = false;
    try {
      if (verdict.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, verdict.delayMs));
      user = username ? repos.users.findByUsername(username) : undefined;
      ok = username.length > 0 && password.length > 0 && password.length <= MAX_PASSWORD_LENGTH
        && (await verifyPassword(password, user?.password_hash ?? (await dummyHash())))
        && user !== undefined;
    } finally {
      throttle.finish(verdict.attempt, ok);
    }
    if (!ok || !user) {
      return renderForm(req, res, 401, { username, error: 'That username and password do not match an account.' });
    }
    await services.users.upgradeHash(user, password);

    // A new session id at log-in, so an id planted before it (session fixation) is worth nothing.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.userId = user.id;
    req.session.authAt = clock();
    req.session.seenAt = req.session.authAt;
    repos.audit.record({ userId: user.id, action: 'user.login', subject: `user:${user.id}` });
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    // The log-in form carried a post typed before the session ended: this request, with
    // its valid token and the password just checked, saves it.
    const work = kept.read(text(req.body, 'resume'), req.body);
    if (work) return kept.finish(req, res, user, work.resume);
    res.redirect(303, safeNext(requestedNext(req)));
  }

  async function remove(req: Request, res: Response) {
    const userId = req.session.userId;
    if (userId !== undefined) repos.audit.record({ userId, action: 'user.logout', subject: `user:${userId}` });
    await new Promise<void>((resolve, reject) => req.session.destroy((err) => (err ? reject(err) : resolve())));
    res.clearCookie(SESSION_COOKIE, cookieOptions(ctx.config.secureCookies));
    res.redirect(303, '/admin/login?out=1');
  }

  return { show, create, refuseStale, remove, keepWhenLoggedOut };
}

const LOGGED_OUT_MESSAGE = 'Your log-in had ended, so your post is not saved yet. It is kept on this page: log in and it will be saved.';

/** Where to go after logging in: `?next=` on the form's address, or a `next` field in its body. */
function requestedNext(req: Request): string | undefined {
  if (typeof req.query.next === 'string') return req.query.next;
  const field: unknown = req.body?.next;
  return typeof field === 'string' ? field : undefined;
}
