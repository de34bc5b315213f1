// Comment routes: posting comments and replies, likes, reports, a token for the form
// script, and avatars. Every refusal gives the person's typed text back in a form.
import { randomBytes } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../app.js';
import { csrfProtection, freshToken, hasValidToken } from '../http/csrf.js';
import { cookieOptions, readCookie } from '../http/cookies.js';
import { firstString, parseId } from '../http/forms.js';
import { notFound } from '../http/errors.js';
import { addressKey } from '../limits/address.js';
import { createRateLimiter, type RateLimiter } from '../limits/rate-limiter.js';
import type { PostView } from '../posts/posts-repository.js';
import { loadPublicPost } from '../posts/public-post.js';
import type { User } from '../users/users-repository.js';
import { readCommentForm, type CommentForm, type FieldErrors } from './comment-input.js';
import { AVATAR_FILE, identicon } from './avatar.js';
import { commentKeys } from './comment-keys.js';
import { createCommentsService } from './comments-service.js';
import { formView, likesText, READER_COOKIE, REMEMBER_COOKIE } from './discussion.js';

const YEAR = 365 * 24 * 60 * 60 * 1000;
// Likes are one click each; this only stops a script from hammering the table.
const LIKES_PER_MINUTE = 30;
// Each token handed out starts a session: a script must not fill the sessions table.
const TOKENS_PER_MINUTE = 60;
const HELD_REMEMBERED = 20;
// A report is one click too; this stops a script, not a reader.
const REPORTS_PER_MINUTE = 10;
const REASON_MAX = 500;

interface OneClickWords { noun: string; done: string; does: string }
const LIKE: OneClickWords = { noun: 'like', done: 'counted', does: 'counts' };
const REPORT: OneClickWords = { noun: 'report', done: 'sent', does: 'sends' };

type SlugRequest = Request<{ slug: string }>;

export function commentsRoutes(ctx: AppContext): Router {
  const { repos, config } = ctx;
  // Made now, at start-up, so no reader's page view ever writes the key.
  const keys = commentKeys(repos);
  const service = createCommentsService(repos, keys, ctx.clock);
  const perMinute = (bucket: string, limit: number) => createRateLimiter({ store: repos.limits, bucket, limit, windowMs: 60_000, clock: ctx.clock });
  const likeLimiter = perMinute('like', LIKES_PER_MINUTE);
  const tokenLimiter = perMinute('token', TOKENS_PER_MINUTE);
  const reportLimiter = perMinute('report', REPORTS_PER_MINUTE);
  const cookies = cookieOptions(config.secureCookies);
  const router = Router();

  const publicPost = (req: SlugRequest, res: Response, rest: string) => loadPublicPost(repos.posts, req, res, rest);

  function replyTarget(post: PostView, raw: string): { id: number; name: string } | null {
    const id = parseId(raw.trim());
    const parent = id === undefined ? undefined : repos.comments.findById(id);
    return parent && parent.post_id === post.id && parent.status === 'approved' ? { id: parent.id, name: parent.author_name } : null;
  }

  /** A refusal: the message, and the form again with everything typed and a fresh token. */
  function refuse(req: Request, res: Response, post: PostView, status: number, title: string, message: string, form: CommentForm, errors: FieldErrors = {}) {
    res.locals.csrfToken = freshToken(req);
    res.set('Cache-Control', 'no-store');
    res.status(status).render('comments/respond', {
      pageTitle: title,
      title,
      message,
      post,
      closed: false,
      form: formView(ctx, req, res, post.slug, errors.comment_parent ? { ...form, comment_parent: '0' } : form, errors, replyTarget(post, form.comment_parent)),
    });
  }

  function rememberCommenter(res: Response, form: CommentForm) {
    if (form.remember) {
      const saved = Buffer.from(JSON.stringify({ author: form.author.trim(), email: form.email.trim(), url: form.url.trim() })).toString('base64url');
      res.cookie(REMEMBER_COOKIE, saved, { ...cookies, maxAge: YEAR });
    } else {
      res.clearCookie(REMEMBER_COOKIE, cookies);
    }
  }

  async function create(req: SlugRequest, res: Response) {
    const post = publicPost(req, res, '/comments');
    if (!post) return;
    const form = readCommentForm(req.body);
    if (post.comments_open !== 1) {
      res.status(403).render('comments/respond', {
        pageTitle: 'Comments are closed',
        title: 'Comments are closed',
        message: 'Comments are closed on this post, so yours was not posted. Here is what you wrote, to keep:',
        post,
        closed: true,
        form: formView(ctx, req, res, post.slug, form, {}, null),
      });
      return;
    }
    if (!(await hasValidToken(req, res))) {
      return refuse(req, res, post, 403, 'Please send your comment again',
        'Your comment was not posted yet: this page had expired or your browser had no session with us. Everything you typed is below; send it again to post it.', form);
    }

    const user = res.locals.currentUser as User | undefined;
    const outcome = service.postComment({
      post, form, settings: res.locals.site, ip: req.ip ?? '', userAgent: firstHeader(req.headers['user-agent']), user,
    });
    switch (outcome.kind) {
      case 'invalid':
        return refuse(req, res, post, 422, 'Please check your comment', 'Your comment was not posted yet. Please correct what is marked below and send it again.', form, outcome.errors);
      case 'too-quick':
        return refuse(req, res, post, 422, 'That came too quickly',
          `Your comment arrived too quickly after the form was served, which is what spam robots do. Please wait ${outcome.waitSeconds} second${outcome.waitSeconds === 1 ? '' : 's'} and send it again.`, form);
      case 'rate-limited':
        res.set('Retry-After', String(outcome.retryAfter));
        return refuse(req, res, post, 429, 'Too many comments just now',
          `Too many comments have come from your network in the last minute. Please try again in ${outcome.retryAfter} second${outcome.retryAfter === 1 ? '' : 's'}; your text is kept below.`, form);
      case 'duplicate':
        return refuse(req, res, post, 409, 'You already said that',
          'You already said that: this exact comment is already on this post (or waiting for moderation). Edit it below if you meant to add something.', form);
      case 'stored': {
        if (!user) rememberCommenter(res, form);
        const anchor = `#comment-${outcome.id}`;
        if (outcome.status === 'approved') return res.redirect(303, `/posts/${post.slug}${anchor}`);
        if (outcome.status === 'pending') {
          req.session.heldComments = [...(req.session.heldComments ?? []), outcome.id].slice(-HELD_REMEMBERED);
        }
        return res.redirect(303, `/posts/${post.slug}?unapproved=${outcome.id}${anchor}`);
      }
    }
  }

  async function like(req: SlugRequest, res: Response) {
    const post = publicPost(req, res, '/like');
    if (!post) return;
    const refusal = () => ({ view: 'comments/like-again', post, likes: likesText(repos.likes.countForPost(post.id)) });
    if (!(await oneClickAllowed(req, res, LIKE, likeLimiter, refusal))) return;
    repos.likes.add(post.id, readerKey(req, res));
    res.redirect(303, `/posts/${post.slug}#likes`);
  }

  /**
   * The checks a reader's one-click action (a like, a report) passes: the token, then
   * the address's rate. A refusal answers with the one-click form again, and false.
   */
  async function oneClickAllowed(req: Request, res: Response, words: OneClickWords, limiter: RateLimiter, refusal: () => { view: string } & object): Promise<boolean> {
    const refuse = (status: number, title: string, message: string) => {
      const { view, ...locals } = refusal();
      res.locals.csrfToken = freshToken(req);
      res.set('Cache-Control', 'no-store');
      res.status(status).render(view, { pageTitle: title, title, message, ...locals });
      return false;
    };
    if (!(await hasValidToken(req, res))) {
      return refuse(403, `Please confirm your ${words.noun}`,
        `Your ${words.noun} was not ${words.done} yet because this page had expired or your browser had no session with us. One more click ${words.does} it.`);
    }
    const rate = limiter.hit(addressKey(keys.hash, req.ip ?? ''));
    if (!rate.allowed) {
      res.set('Retry-After', String(rate.retryAfter));
      return refuse(429, `Too many ${words.noun}s just now`,
        `Too many ${words.noun}s have come from your network in the last minute. Please try again in ${rate.retryAfter} seconds.`);
    }
    return true;
  }

  /** This browser's key for "once per reader" (likes, reports), made on its first use. */
  function readerKey(req: Request, res: Response): string {
    const known = readCookie(req, READER_COOKIE);
    if (known && /^[\w-]{16,64}$/.test(known)) return known;
    const made = randomBytes(18).toString('base64url');
    res.cookie(READER_COOKIE, made, { ...cookies, maxAge: 2 * YEAR });
    return made;
  }

  async function report(req: Request<{ id: string }>, res: Response) {
    const id = parseId(req.params.id);
    const comment = id === undefined ? undefined : repos.comments.findById(id);
    const stored = comment?.status === 'approved' ? repos.posts.findById(comment.post_id) : undefined;
    const post = stored ? repos.posts.findPublicBySlug(stored.slug) : undefined;
    // Only a comment the public can see can be reported; anything else is unknown.
    if (!comment || !post) throw notFound();
    // Control characters out, at most 500 characters (the field's maxlength).
    const reason = [...firstString(req.body?.reason).replace(/[\u0000-\u001F\u007F]/g, ' ').trim()].slice(0, REASON_MAX).join('');
    if (!(await oneClickAllowed(req, res, REPORT, reportLimiter, () => ({ view: 'comments/report-again', post, comment, reason })))) return;
    service.reportComment(comment.id, readerKey(req, res), reason, (res.locals.site as { report_hide_threshold: number }).report_hide_threshold);
    res.redirect(303, `/posts/${post.slug}?reported=${comment.id}#comments`);
  }

  /** Limits new sessions per address before csurf can start one. */
  function limitTokens(req: Request, res: Response, next: () => void) {
    if (req.session.csrfSecret) return next();
    const rate = tokenLimiter.hit(addressKey(keys.hash, req.ip ?? ''));
    if (rate.allowed) return next();
    res.status(429).set({ 'Retry-After': String(rate.retryAfter), 'Cache-Control': 'no-store' })
      .json({ error: `Too many new sessions from your network; try again in ${rate.retryAfter} seconds.` });
  }

  /** A token for the form script, asked for only when a reader starts to write. */
  function token(req: Request, res: Response) {
    res.set('Cache-Control', 'no-store').json({ token: req.csrfToken() });
  }

  function avatar(req: Request<{ file: string }>, res: Response) {
    const digest = AVATAR_FILE.exec(req.params.file)?.[1];
    if (!digest) throw notFound();
    res.set('Cache-Control', 'public, max-age=31536000, immutable').type('image/svg+xml').send(identicon(digest));
  }

  router.post('/posts/:slug/comments', create);
  router.post('/posts/:slug/like', like);
  router.post('/comments/:id/report', report);
  router.get('/comments/token', limitTokens, csrfProtection, token);
  router.get('/comments/avatars/:file', avatar);
  return router;
}

function firstHeader(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
