// Following by email: the footer's "Follow by email" form, the confirmation page whose
// button confirms (a GET never does: mail scanners open links), and the unsubscribe
// landing page and its one-click POST (RFC 8058), which the signed token alone authorises.
import type { Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context.js';
import { firstString } from '../http/forms.js';
import { personalPage } from '../http/cache-control.js';
import { addressKey } from '../limits/address.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import { isEmail, LIMITS } from '../comments/comment-input.js';
import { ONE_MORE_CLICK, plural } from '../wording.js';

const tokenOf = (req: Request): string => firstString(req.query.token) || firstString(req.body?.token);

/** Pages reached from an email: personal, never cached or indexed, and the token in the address never sent on as a Referer. */
const personal = personalPage;

export function subscriptionsRoutes(ctx: AppContext) {
  const service = ctx.services.subscriptions;

  /** The follow form again, with the address as typed and why it was not taken. */
  function followForm(req: Request, res: Response, status: number, title: string, message: string, error = '') {
    personal(res);
    res.status(status).render('subscriptions/follow', { pageTitle: title, title, message, error, email: firstString(req.body?.email) });
  }

  const stale = (req: Request, res: Response) => followForm(req, res, 403, ONE_MORE_CLICK.follow.title, ONE_MORE_CLICK.follow.message);

  const limit = (limiter: RateLimiter): RequestHandler => (req, res, next) => {
    const rate = limiter.hit(addressKey(ctx.keys.hash, req.ip ?? ''));
    if (rate.allowed) return next();
    res.set('Retry-After', String(rate.retryAfter));
    followForm(req, res, 429, 'Too many requests just now',
      `Too many requests have come from your network in the last minute. Please try again in ${plural(rate.retryAfter, 'second')}.`);
  };

  function follow(req: Request, res: Response) {
    const email = firstString(req.body?.email).trim();
    if (email === '' || [...email].length > LIMITS.email || !isEmail(email)) {
      return followForm(req, res, 422, 'Please check your email address', 'Nothing was sent yet.',
        'That does not look like an email address (name@example.com).');
    }
    // The same answer whether or not a confirmation went now: the page says nothing about an address.
    service.request({ email, blog: true });
    personal(res);
    res.render('subscriptions/done', {
      pageTitle: 'Check your email', title: 'Check your email',
      message: 'If this address is new to us, a message with a confirmation link is on its way. Nothing else is sent until you confirm.',
    });
  }

  function invalidLink(res: Response) {
    personal(res);
    res.status(400).render('subscriptions/done', {
      pageTitle: 'This link does not work', title: 'This link does not work',
      message: 'The link is not complete or has expired (confirmation links work for a week). You can ask again with the "Follow by email" form.',
    });
  }

  function showConfirm(req: Request, res: Response) {
    const token = tokenOf(req);
    const found = service.confirmation(token);
    if (!found) return invalidLink(res);
    personal(res);
    res.render('subscriptions/confirm', { pageTitle: 'Confirm your subscription', token, email: found.email, pending: found.pending });
  }

  function confirm(req: Request, res: Response) {
    const count = service.confirm(tokenOf(req));
    if (count === undefined) return invalidLink(res);
    personal(res);
    res.render('subscriptions/done', {
      pageTitle: 'Subscribed', title: 'You are subscribed',
      message: count > 0 ? `Thank you: ${plural(count, 'subscription')} confirmed. Every email has a link to stop it.` : 'Everything for this address was confirmed already.',
    });
  }

  function showUnsubscribe(req: Request, res: Response) {
    const token = tokenOf(req);
    const found = service.unsubscription(token);
    if (!found) return invalidLink(res);
    personal(res);
    res.render('subscriptions/unsubscribe', { pageTitle: 'Unsubscribe', token, email: found.email, subscription: found.subscription });
  }

  /** The landing page's buttons, and a mail program's one-click POST (body `List-Unsubscribe=One-Click`). */
  function unsubscribe(req: Request, res: Response) {
    const everything = firstString(req.body?.everything) === '1';
    const done = service.unsubscribe(tokenOf(req), everything);
    if (!done) return invalidLink(res);
    personal(res);
    res.render('subscriptions/done', {
      pageTitle: 'Unsubscribed', title: 'You are unsubscribed',
      message: everything ? 'Nothing more from this blog will be sent to this address.' : 'That subscription is stopped; nothing more is sent for it.',
    });
  }

  return {
    follow: { stale, limit, create: follow },
    confirm: { show: showConfirm, create: confirm },
    unsubscribe: { show: showUnsubscribe, create: unsubscribe },
  };
}
