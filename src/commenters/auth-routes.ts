// Commenters signing in by a one-time email link, logging out, and their "Your
// comments" page with its erasure. Which checks stand in front of each handler is
// declared in src/routes.ts; the OpenID Connect buttons have their own routes.
// Every refusal keeps a comment typed in the form (it is stashed server-side first).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context.js';
import { personalPage } from '../http/cache-control.js';
import { freshToken } from '../http/csrf.js';
import { firstString, localPath } from '../http/forms.js';
import { addressKey } from '../limits/address.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { ownEditVerdict } from '../comments/own-edits.js';
import type { Settings } from '../settings/settings.js';
import { ONE_MORE_CLICK, plural } from '../wording.js';
import type { Commenter } from './commenters-repository.js';
import { draftFields, signInCommenter, signOutCommenter, stashCommentForm } from './commenter-session.js';
import type { EmailLinkState } from './commenters-service.js';

const tokenOf = (req: Request): string => firstString(req.query.token) || firstString(req.body?.token);
const commenterOf = (res: Response) => (res.locals.currentCommenter as Commenter | null | undefined) ?? null;

/** What a link that cannot sign in says, by why. */
const LINK_REFUSALS: Record<Exclude<EmailLinkState['kind'], 'valid'>, { status: number; title: string; message: string }> = {
  invalid: { status: 400, title: 'This link does not work', message: 'The sign-in link is not complete, or was changed on the way. Ask for a new one from the comment form.' },
  expired: { status: 410, title: 'This link has expired', message: 'Sign-in links work for 15 minutes. Ask for a new one from the comment form; anything you typed there is kept.' },
  used: { status: 410, title: 'This link was already used', message: 'Each sign-in link works once, and this one has been used. If that was not you, ask for a new one; nobody can use this one again.' },
};

export function commenterAuthRoutes(ctx: AppContext) {
  const { services, keys } = ctx;

  /** A plain page of words, with a way back. */
  function message(res: Response, status: number, title: string, text: string, back = '/') {
    personalPage(res);
    res.status(status).render('commenters/message', { pageTitle: title, title, message: text, back });
  }

  /**
   * The email sign-in form on its own page: the address as typed and what went wrong.
   * A comment typed in the form rides along in hidden fields, to be kept once the
   * request passes its checks: a refusal itself stores nothing.
   */
  function emailForm(req: Request, res: Response, status: number, title: string, text: string, error = '') {
    personalPage(res);
    res.status(status).render('commenters/email', {
      pageTitle: title, title, message: text, error,
      back: localPath(firstString(req.body?.return), '/'),
      draft: req.body?.comment === undefined ? {} : draftFields(req.body),
      email: firstString(req.body?.email).trim().slice(0, 254),
      csrfToken: freshToken(req),
    });
  }

  /** Before anything: with email sign-in turned off the POST is refused, the typed comment shown to keep. */
  function enabled(req: Request, res: Response, next: NextFunction) {
    if ((res.locals.site as Settings).email_sign_in) return next();
    personalPage(res);
    res.status(403).render('commenters/message', {
      pageTitle: 'Email sign-in is turned off', title: 'Email sign-in is turned off', back: localPath(firstString(req.body?.return), '/'),
      message: 'This blog does not offer sign-in by email. Go back to post your comment with your name and email; here it is, to copy.',
      kept: firstString(req.body?.comment),
    });
  }

  const stale = (req: Request, res: Response) => emailForm(req, res, 403, ONE_MORE_CLICK.emailLink.title, ONE_MORE_CLICK.emailLink.message);

  /** Counted per network before anything is signed or queued. */
  const limit = (limiter: RateLimiter): RequestHandler => (req, res, next) => {
    const rate = limiter.hit(addressKey(keys.hash, req.ip ?? ''));
    if (rate.allowed) return next();
    res.set('Retry-After', String(rate.retryAfter));
    emailForm(req, res, 429, 'Too many sign-in links just now',
      `Too many sign-in links were asked for from your network in the last minute. Please try again in ${plural(rate.retryAfter, 'second')}; what you typed is kept.`);
  };

  function requestLink(req: Request, res: Response) {
    const back = stashCommentForm(req, ctx);
    const outcome = services.commenters.requestEmailLink({ email: firstString(req.body?.email), name: firstString(req.body?.author), returnTo: back });
    switch (outcome.kind) {
      case 'invalid':
        return emailForm(req, res, 422, 'Where should the link go?', 'Type the email address to send a one-time sign-in link to. Your comment is kept.',
          'That does not look like an email address (name@example.com).');
      case 'rate-limited':
        res.set('Retry-After', String(outcome.retryAfter));
        return emailForm(req, res, 429, 'A link is on its way already',
          `Several sign-in links went to this address in the last few minutes; please use the newest, or try again in ${plural(Math.ceil(outcome.retryAfter / 60), 'minute')}.`);
      case 'queued':
        personalPage(res);
        return res.render('commenters/email-sent', { pageTitle: 'Check your email', back });
    }
  }

  /** The page the emailed link opens: a button, so a mail scanner opening the link uses nothing up. */
  function showLink(req: Request, res: Response) {
    const token = tokenOf(req);
    const state = services.commenters.emailLinkState(token);
    if (state.kind !== 'valid') {
      const refusal = LINK_REFUSALS[state.kind];
      return message(res, refusal.status, refusal.title, refusal.message);
    }
    personalPage(res);
    res.render('commenters/verify', { pageTitle: 'Sign in to comment', token, email: state.email });
  }

  async function useLink(req: Request, res: Response) {
    const outcome = services.commenters.signInWithEmailLink(tokenOf(req));
    if (outcome.kind !== 'signed-in') {
      const refusal = LINK_REFUSALS[outcome.kind];
      return message(res, refusal.status, refusal.title, refusal.message);
    }
    await signInCommenter(req, outcome.commenter);
    res.redirect(303, localPath(outcome.returnTo, '/'));
  }

  /** Log out: the commenter's sign-in only; a staff login of the same browser stays, and a comment being typed is kept. */
  function logout(req: Request, res: Response) {
    const back = stashCommentForm(req, ctx);
    signOutCommenter(req);
    res.redirect(303, back);
  }

  function staleLogout(req: Request, res: Response) {
    personalPage(res);
    res.status(403).render('commenters/logout', { pageTitle: 'Log out', message: ONE_MORE_CLICK.logout, back: localPath(firstString(req.body?.return), '/'), csrfToken: freshToken(req) });
  }

  /** "Your comments": what this commenter wrote, with its edit window, and the way to erase it all. */
  function showOwn(_req: Request, res: Response) {
    personalPage(res);
    const commenter = commenterOf(res);
    if (!commenter) return message(res, 200, 'Your comments', 'You are not signed in. Sign in from the comment form below any post to see and manage your comments here.');
    const site = res.locals.site as Settings;
    const now = ctx.clock();
    const comments = ctx.repos.comments.listOwn(commenter.id).map((c) => ({
      ...c,
      // Every row listed is theirs: the one rule then says whether its window is still open.
      editable: ownEditVerdict({ ...c, commenter_id: commenter.id }, commenter.id, now, site.comment_edit_minutes) === 'allowed',
    }));
    res.render('commenters/me', { pageTitle: 'Your comments', commenter, comments });
  }

  /** Anyone not signed in asking for their own pages gets told how to sign in. */
  function requireCommenter(_req: Request, res: Response, next: NextFunction) {
    if (commenterOf(res)) return next();
    message(res, 403, 'Please sign in first', 'Only a signed-in commenter can do this. Sign in from the comment form below any post.');
  }

  function confirmErase(req: Request, res: Response) {
    const commenter = commenterOf(res)!;
    personalPage(res);
    res.render('commenters/erase', { pageTitle: 'Erase your data', commenter, count: ctx.repos.comments.idsByCommenter(commenter.id).length, csrfToken: freshToken(req) });
  }

  function erase(req: Request, res: Response) {
    const result = services.erasure.eraseSignedInCommenter(commenterOf(res)!);
    signOutCommenter(req);
    const kept = result.placeholders === 0 ? '' : ` (${result.placeholders} left as an empty “removed” placeholder, because others replied)`;
    const followed = result.subscriptions === 0 ? '' : `, and ${plural(result.subscriptions, 'email subscription')}`;
    message(res, 200, 'Your data is erased', `Erased ${plural(result.comments, 'comment')}${kept}${followed}. You are signed out, and your sign-in is forgotten.`);
  }

  // Behind requireCommenter (src/routes.ts): a commenter is signed in here.
  function staleErase(req: Request, res: Response) {
    res.status(403);
    confirmErase(req, res);
  }

  return {
    email: { enabled, stale, limit, create: requestLink },
    verify: { show: showLink, create: useLink },
    logout: { stale: staleLogout, remove: logout },
    me: { show: showOwn, requireCommenter, confirmErase, erase, staleErase },
  };
}
