// Signing a commenter in with an OpenID Connect provider: a button inside the comment
// form (POST, the typed comment kept server-side) or a link (GET ?return=) sends the
// reader to the provider; the callback checks everything and brings them back to the
// same post and reply, the comment in the form. Each refusal has its own page.
import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context.js';
import { readCookie } from '../http/cookies.js';
import { csrfProtection } from '../http/csrf.js';
import { firstString, localPath } from '../http/forms.js';
import { SESSION_COOKIE } from '../http/session-cookie.js';
import { addressKey } from '../limits/address.js';
import { signInCommenter, stashCommentForm } from '../commenters/commenter-session.js';
import { SignInError, type AuthorizationChecks, type SignInFailure } from './oidc-client.js';
import type { Provider } from './providers.js';

/** A sign-in this browser started and has not finished. */
interface PendingSignIn extends AuthorizationChecks {
  provider: string;
  returnTo: string;
  startedAt: number;
}

declare module 'express-session' {
  interface SessionData {
    /** Sign-ins under way (a few, for a reader on several tabs). */
    oidcPending?: PendingSignIn[];
    /** The last sign-ins finished, so a replayed answer is named as such and leads back. */
    oidcFinished?: { state: string; returnTo: string }[];
  }
}

/** How long a reader may spend at the provider. */
export const SIGN_IN_MS = 10 * 60 * 1000;
const MAX_PENDING = 3;
const MAX_FINISHED = 5;

type Refusal = SignInFailure | 'unknown-state' | 'replayed' | 'too-slow';

/** Each refusal: its status (400: the answer brought back is wrong; 502: the provider failed us), heading and words. */
export function refusalText(reason: Refusal, provider: string): { status: number; heading: string; message: string } {
  switch (reason) {
    case 'unknown-state':
      return { status: 400, heading: 'Sign-in not recognised', message: `This answer from ${provider} does not belong to a sign-in started in this browser, so it was refused and nobody was signed in. It may have been forged, or the sign-in was started in another browser.` };
    case 'replayed':
      return { status: 400, heading: 'Sign-in already used', message: `This answer from ${provider} was already used once, and a sign-in answer works only once, so it was refused this time.` };
    case 'too-slow':
      return { status: 400, heading: 'Sign-in took too long', message: `The sign-in with ${provider} was not finished within ${SIGN_IN_MS / 60_000} minutes, so it was refused. Please start it again.` };
    case 'nonce':
      return { status: 400, heading: 'Sign-in refused', message: `The identity ${provider} sent back was made for a different sign-in than the one this browser started (its nonce does not match), so it was refused.` };
    case 'code':
      return { status: 400, heading: 'Sign-in expired', message: `${provider} no longer accepts this sign-in: its one-time code has expired or was already used. Please start the sign-in again.` };
    case 'issuer':
      return { status: 400, heading: 'Sign-in refused', message: `This answer says it comes from a different provider than ${provider}, the one you chose (the issuer does not match), so it was refused.` };
    case 'misconfigured':
      return { status: 502, heading: 'Sign-in unavailable', message: `${provider} does not describe itself as the provider this blog was set up with (its issuer differs), so sign-in with it is off until the blog's administrator corrects the settings.` };
    case 'audience':
      return { status: 502, heading: 'Sign-in refused', message: `${provider} sent back an identity meant for another site (the ID token's audience is not this blog), so it was refused.` };
    case 'denied':
      return { status: 400, heading: 'Sign-in cancelled', message: `The sign-in with ${provider} was cancelled or refused at ${provider}, so nobody was signed in.` };
    case 'unreachable':
      return { status: 502, heading: `${provider} is not answering`, message: `${provider} did not answer within a few seconds, or is down, so you could not be signed in with it just now. Please try again later.` };
    case 'invalid':
      return { status: 502, heading: 'Sign-in refused', message: `The answer from ${provider} did not pass this blog's checks, so it was refused.` };
  }
}

export function oidcRoutes(ctx: AppContext) {
  const { config, clock, keys, limiters, logger } = ctx;
  const service = ctx.services.signIn;
  const callbackUri = (p: Provider) => `${config.baseUrl}/auth/${p.id}/callback`;
  const providerOf = (res: Response) => res.locals.provider as Provider;

  /** The provider named by :provider; any other name is left to the routes after (/auth/email, /auth/logout) or the 404. */
  function loadProvider(req: Request<{ provider: string }>, res: Response, next: NextFunction) {
    const provider = service.find(req.params.provider);
    if (!provider) return next('route');
    res.locals.provider = provider;
    next();
  }

  /** A browser with no session yet starts one here: limited per address like the form's token. */
  function limitNewSessions(req: Request, res: Response, next: NextFunction) {
    if (readCookie(req, SESSION_COOKIE) !== undefined) return next();
    const rate = limiters.tokens.hit(addressKey(keys.hash, req.ip ?? ''));
    if (rate.allowed) return next();
    res.set({ 'Retry-After': String(rate.retryAfter), 'Cache-Control': 'no-store' }).status(429).render('auth/refused', {
      pageTitle: 'Too many sign-ins just now', status: 429, heading: 'Too many sign-ins just now', draftKept: false, returnTo: localPath(firstString(req.body?.return), '/'),
      message: `Too many sign-ins have started from your network in the last minute. Please try again in ${rate.retryAfter} seconds.`,
    });
  }

  function refuse(res: Response, reason: Refusal, returnTo: string, draftKept: boolean, detail = '') {
    const { status, heading, message } = refusalText(reason, providerOf(res).name);
    logger.warn({ provider: providerOf(res).id, reason, detail }, 'commenter sign-in refused');
    res.set('Cache-Control', 'no-store').status(status).render('auth/refused', { pageTitle: heading, status, heading, message, returnTo, draftKept });
  }

  async function start(req: Request, res: Response, returnTo: string, fromForm: boolean) {
    const draftKept = fromForm && returnTo.startsWith('/posts/');
    const provider = providerOf(res);
    let begun;
    try {
      begun = await service.begin(provider, callbackUri(provider));
    } catch (err) {
      if (err instanceof SignInError) return refuse(res, err.reason, returnTo, draftKept, err.message);
      throw err;
    }
    const now = clock();
    const pending = (req.session.oidcPending ?? []).filter((p) => now - p.startedAt < SIGN_IN_MS);
    req.session.oidcPending = [...pending, { provider: provider.id, ...begun.checks, returnTo, startedAt: now }].slice(-MAX_PENDING);
    res.set('Cache-Control', 'no-store');
    // The form's page lets it go on to the issuer's origin only (form-action); a provider
    // that signs in elsewhere is reached by a link, which no form rule holds.
    if (fromForm && new URL(begun.url).origin !== new URL(provider.issuer).origin) {
      return res.render('auth/continue', { pageTitle: `Continue to ${provider.name}`, provider, url: begun.url, returnTo });
    }
    res.redirect(303, begun.url);
  }

  /** POST /auth/:provider, a button inside the comment form: what was typed waits in the session. */
  async function startFromForm(req: Request, res: Response) {
    const returnTo = stashCommentForm(req, ctx);
    await start(req, res, returnTo, true);
  }

  /** GET /auth/:provider?return=/local/path: the same from a link; `return` elsewhere is ignored. */
  async function startFromLink(req: Request, res: Response) {
    await start(req, res, localPath(firstString(req.query.return), '/'), false);
  }

  /** GET /auth/:provider/callback: every check, then the commenter, a new session id, and back to the post. */
  async function finish(req: Request, res: Response) {
    const provider = providerOf(res);
    const state = firstString(req.query.state);
    const all = req.session.oidcPending ?? [];
    const flow = state === '' ? undefined : all.find((p) => p.state === state && p.provider === provider.id);
    if (!flow) {
      const replayed = state === '' ? undefined : (req.session.oidcFinished ?? []).find((f) => f.state === state);
      // A stranger's answer names no way back: this browser's newest sign-in's, if any.
      const back = replayed?.returnTo ?? all.at(-1)?.returnTo ?? '/';
      return refuse(res, replayed ? 'replayed' : 'unknown-state', back, back.startsWith('/posts/'));
    }
    // Used up now, whatever happens next: an answer is good once.
    req.session.oidcPending = all.filter((p) => p !== flow);
    const draftKept = flow.returnTo.startsWith('/posts/');
    if (clock() - flow.startedAt >= SIGN_IN_MS) return refuse(res, 'too-slow', flow.returnTo, draftKept);
    let identity;
    try {
      identity = await service.finish(provider, new URL(req.originalUrl, config.baseUrl), flow);
    } catch (err) {
      if (err instanceof SignInError) return refuse(res, err.reason, flow.returnTo, draftKept, err.message);
      throw err;
    }
    if (identity.subject === '') return refuse(res, 'invalid', flow.returnTo, draftKept, 'no subject');
    const commenter = ctx.services.commenters.signIn({ provider: provider.id, ...identity });
    await signInCommenter(req, commenter);
    // The new session has no form token yet, and the post page hands one only to a session
    // that has: without this, a reader without JavaScript would be asked to send twice.
    await new Promise<void>((resolve, reject) => csrfProtection(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    req.session.oidcFinished = [...(req.session.oidcFinished ?? []), { state: flow.state, returnTo: flow.returnTo }].slice(-MAX_FINISHED);
    res.set('Cache-Control', 'no-store').redirect(303, flow.returnTo);
  }

  return { loadProvider, limitNewSessions, startFromForm, startFromLink, finish };
}
