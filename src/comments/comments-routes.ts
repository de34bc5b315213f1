// Comment handlers: posting comments and replies, likes, reports, a token for the form
// script, and avatars. Every refusal gives the person's typed text back in a form.
// Which checks stand in front of each is declared in src/routes.ts.
import { randomBytes } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppContext } from '../context.js';
import { cookieOptions, readCookie } from '../http/cookies.js';
import { firstString, parseId } from '../http/forms.js';
import { BUSY_RETRY_AFTER, isBusyError, notFound } from '../http/errors.js';
import { addressKey } from '../limits/address.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { PostView } from '../posts/posts-repository.js';
import { loadPublicPost } from '../posts/public-post.js';
import type { User } from '../users/users-repository.js';
import type { Comment } from './comments-repository.js';
import { readCommentForm, type CommentForm, type FieldErrors } from './comment-input.js';
import { AVATAR_FILE, identicon } from './avatar.js';
import { READER_COOKIE, REMEMBER_COOKIE, encodeRemembered } from './commenter-cookies.js';
import { formView, rememberHeld, threadPageHref } from './discussion-request.js';
import { likesText, ONE_MORE_CLICK, plural, REPORT_THANKS } from '../wording.js';
import { htmlToText, summarise } from '../markdown.js';
import { wantsJson } from '../http/negotiate.js';
import type { Commenter } from '../commenters/commenters-repository.js';
import { takeDraft } from '../commenters/commenter-session.js';

const YEAR = 365 * 24 * 60 * 60 * 1000;
const REASON_MAX = 500;

// How much of a post or comment a one-more-click page quotes, to say what it is about.
const EXCERPT_WORDS = 30;

export function commentsRoutes(ctx: AppContext) {
  const { repos, config, keys } = ctx;
  const service = ctx.services.comments;
  const cookies = cookieOptions(config.secureCookies);

  /** The public post named by :slug in `res.locals.post`; an old slug redirects (308 keeps the body), anything else is 404. */
  const loadPost = (rest: string): RequestHandler<{ slug: string }> => (req, res, next) => {
    const post = loadPublicPost(repos.posts, req, res, rest);
    if (post) {
      res.locals.post = post;
      next();
    }
  };
  const postOf = (res: Response) => res.locals.post as PostView;

  function replyTarget(post: PostView, raw: string): { id: number; name: string } | null {
    const id = parseId(raw.trim());
    const parent = id === undefined ? undefined : repos.comments.findById(id);
    return parent && parent.post_id === post.id && parent.status === 'approved' ? { id: parent.id, name: parent.author_name } : null;
  }

  /** A refusal: the message, and the form again with everything typed (the token check put a fresh token in the locals). */
  function refuse(req: Request, res: Response, post: PostView, status: number, title: string, message: string, form: CommentForm, errors: FieldErrors = {}) {
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
      res.cookie(REMEMBER_COOKIE, encodeRemembered(form), { ...cookies, maxAge: YEAR });
    } else {
      res.clearCookie(REMEMBER_COOKIE, cookies);
    }
  }

  /** Before the token: on a closed post the comment is refused whatever the token, with the text to keep. */
  function whenOpen(req: Request, res: Response, next: NextFunction) {
    const post = postOf(res);
    if (post.comments_open === 1) return next();
    res.status(403).render('comments/respond', {
      pageTitle: 'Comments are closed',
      title: 'Comments are closed',
      message: 'Comments are closed on this post, so yours was not posted. Here is what you wrote, to keep:',
      post,
      closed: true,
      form: formView(ctx, req, res, post.slug, readCommentForm(req.body), {}, null),
    });
  }

  /** The one more click, with the fields already checked: what needs fixing is marked now, not after that click. */
  function staleComment(req: Request, res: Response) {
    const post = postOf(res);
    const form = readCommentForm(req.body);
    const errors = service.fieldErrors({ post, form, user: res.locals.currentUser as User | undefined });
    const words = ONE_MORE_CLICK.comment;
    refuse(req, res, post, 403, words.title, Object.keys(errors).length > 0 ? words.fix : words.ready, form, errors);
  }

  function create(req: Request, res: Response) {
    const post = postOf(res);
    const form = readCommentForm(req.body);
    const user = res.locals.currentUser as User | undefined;
    const commenter = (res.locals.currentCommenter as Commenter | null) ?? undefined;
    let outcome;
    try {
      outcome = service.postComment({
        post, form, settings: res.locals.site, ip: req.ip ?? '', userAgent: firstHeader(req.headers['user-agent']), user, commenter,
      });
    } catch (err) {
      // Another writer (an import) held the database too long: the comment is refused with its text, not lost to a 500.
      if (!isBusyError(err)) throw err;
      res.set('Retry-After', String(BUSY_RETRY_AFTER));
      return refuse(req, res, post, 503, 'Busy for a moment',
        `Your comment was not posted yet: the blog was busy writing something else. Please send it again in ${plural(BUSY_RETRY_AFTER, 'second')}; your text is kept below.`, form);
    }
    switch (outcome.kind) {
      case 'invalid':
        return refuse(req, res, post, 422, 'Please check your comment', 'Your comment was not posted yet. Please correct what is marked below and send it again.', form, outcome.errors);
      case 'too-quick':
        return refuse(req, res, post, 422, 'That came too quickly',
          `Your comment arrived too quickly after the form was served, which is what spam robots do. Please wait ${plural(outcome.waitSeconds, 'second')} and send it again.`, form);
      case 'rate-limited':
        res.set('Retry-After', String(outcome.retryAfter));
        return refuse(req, res, post, 429, 'Too many comments just now',
          `Too many comments have come from your network in the last minute. Please try again in ${plural(outcome.retryAfter, 'second')}; your text is kept below.`, form);
      case 'duplicate':
        return refuse(req, res, post, 409, 'You already said that',
          'You already said that: this exact comment is already on this post (or waiting for moderation). Edit it below if you meant to add something.', form);
      case 'stored': {
        if (!user && !commenter) rememberCommenter(res, form);
        // A comment kept across a sign-in is posted now: the form starts empty again.
        takeDraft(req, post.id);
        const anchor = `#comment-${outcome.id}`;
        if (outcome.status === 'approved') {
          // An unpaged thread has one page: no need to find the comment's.
          const page = (res.locals.site as { comments_per_page: number }).comments_per_page === 0 ? 1 : service.locate(outcome.id)?.page ?? 1;
          return res.redirect(303, `${threadPageHref(post.slug)(page)}${anchor}`);
        }
        if (outcome.status === 'pending') rememberHeld(req, outcome.id);
        return res.redirect(303, `/posts/${post.slug}?unapproved=${outcome.id}${anchor}`);
      }
    }
  }

  /**
   * The refusals of a reader's one-click action (a like, a report): a stale token, or
   * too many from one address. Each answers with the one-click form again, naming what
   * it is about; the page script's fetch gets the message as JSON, and `retry: 'form'`
   * when sending the form itself is what it takes.
   */
  function oneClick(noun: string, refusal: (res: Response) => { view: string; confirm: { title: string; message: string } } & object) {
    const refuseWith = (req: Request, res: Response, status: number, title: string, message: string, retry?: 'form') => {
      const { view, confirm: _confirm, ...locals } = refusal(res);
      res.set('Cache-Control', 'no-store').status(status);
      if (wantsJson(req)) return res.json({ ok: false, message, retry });
      res.render(view, { pageTitle: title, title, message, ...locals });
    };
    return {
      stale: (req: Request, res: Response) => {
        const { title, message } = refusal(res).confirm;
        refuseWith(req, res, 403, title, message, 'form');
      },
      limit: (limiter: RateLimiter): RequestHandler => (req, res, next) => {
        const rate = limiter.hit(addressKey(keys.hash, req.ip ?? ''));
        if (rate.allowed) return next();
        res.set('Retry-After', String(rate.retryAfter));
        refuseWith(req, res, 429, `Too many ${noun}s just now`,
          `Too many ${noun}s have come from your network in the last minute. Please try again in ${rate.retryAfter} seconds.`);
      },
    };
  }

  const likesOf = (post: PostView) => likesText(repos.likes.countForPost(post.id));
  const postExcerpt = (post: PostView) => summarise(post.summary || post.excerpt || htmlToText(post.body_html), EXCERPT_WORDS);
  const likes = oneClick('like', (res) => ({
    view: 'comments/like-again', post: postOf(res), likes: likesOf(postOf(res)), again: true, excerpt: postExcerpt(postOf(res)),
    confirm: ONE_MORE_CLICK.like(postOf(res).title),
  }));
  const reports = oneClick('report', (res) => {
    const comment = res.locals.reported as Comment;
    return {
      view: 'comments/report-again', post: postOf(res), comment, reason: res.locals.reason,
      excerpt: summarise(htmlToText(comment.body_html), EXCERPT_WORDS), confirm: ONE_MORE_CLICK.report(comment.author_name),
    };
  });

  /** A post or page without a Like button takes no likes: refused before the token, so no click is asked for in vain. */
  function likesOn(_req: Request, res: Response, next: NextFunction) {
    const post = postOf(res);
    if (post.likes_open === 1) return next();
    const title = 'This page takes no likes';
    res.set('Cache-Control', 'no-store');
    res.status(403).render('comments/like-again', {
      pageTitle: title, title, post, likes: '', again: false, excerpt: '',
      message: `“${post.title}” has no Like button, so nothing was counted. Thank you for reading.`,
    });
  }

  function like(req: Request, res: Response) {
    const post = postOf(res);
    const limit = (res.locals.site as { likes_per_address: number }).likes_per_address;
    const outcome = service.likePost(post.id, readerKey(req, res), req.ip ?? '', limit);
    res.set('Cache-Control', 'no-store');
    if (outcome === 'address-limit') {
      // 403, not 429: the cap does not pass with time, so there is no honest Retry-After.
      const title = 'Your like was not counted';
      const message = `This post already has ${plural(limit, 'like')} from your network, the most one network can give a post, so yours was not counted. Thank you for reading.`;
      if (wantsJson(req)) return res.status(403).json({ ok: false, message, likes: likesOf(post) });
      return res.status(403).render('comments/like-again', { pageTitle: title, title, post, likes: likesOf(post), again: false, excerpt: postExcerpt(post), message });
    }
    if (wantsJson(req)) return res.json({ ok: true, liked: true, likes: likesOf(post) });
    res.redirect(303, `/posts/${post.slug}#likes`);
  }

  /** This browser's key for "once per reader" (likes, reports), made on its first use. */
  function readerKey(req: Request, res: Response): string {
    const known = readCookie(req, READER_COOKIE);
    if (known && /^[\w-]{16,64}$/.test(known)) return known;
    const made = randomBytes(18).toString('base64url');
    res.cookie(READER_COOKIE, made, { ...cookies, maxAge: 2 * YEAR });
    return made;
  }

  /** The reported comment, its post and the reason in the locals; only a comment the public can see can be reported, anything else is unknown. */
  function loadReported(req: Request<{ id: string }>, res: Response, next: NextFunction) {
    const id = parseId(req.params.id);
    const comment = id === undefined ? undefined : repos.comments.findById(id);
    const stored = comment?.status === 'approved' ? repos.posts.findById(comment.post_id) : undefined;
    const post = stored ? repos.posts.findPublicBySlug(stored.slug) : undefined;
    if (!comment || !post) throw notFound();
    // Control characters out, at most 500 characters (the field's maxlength).
    res.locals.reason = [...firstString(req.body?.reason).replace(/[\u0000-\u001F\u007F]/g, ' ').trim()].slice(0, REASON_MAX).join('');
    res.locals.reported = comment;
    res.locals.post = post;
    next();
  }

  function report(req: Request, res: Response) {
    const post = postOf(res);
    const comment = res.locals.reported as Comment;
    service.reportComment(comment.id, readerKey(req, res), req.ip ?? '', res.locals.reason as string, (res.locals.site as { report_hide_threshold: number }).report_hide_threshold);
    // Whether it hid the comment is the moderators' business: the reader is only thanked.
    if (wantsJson(req)) return res.set('Cache-Control', 'no-store').json({ ok: true, message: REPORT_THANKS });
    res.redirect(303, `/posts/${post.slug}?reported=${comment.id}#comments`);
  }

  /** Limits new sessions per address before csurf can start one. */
  const limitNewSessions = (limiter: RateLimiter): RequestHandler => (req, res, next) => {
    if (req.session.csrfSecret) return next();
    const rate = limiter.hit(addressKey(keys.hash, req.ip ?? ''));
    if (rate.allowed) return next();
    res.status(429).set({ 'Retry-After': String(rate.retryAfter), 'Cache-Control': 'no-store' })
      .json({ error: `Too many new sessions from your network; try again in ${rate.retryAfter} seconds.` });
  };

  /** A token for the form script, asked for only when a reader starts to write. */
  function token(req: Request, res: Response) {
    res.set('Cache-Control', 'no-store').json({ token: req.csrfToken() });
  }

  /** `/comments/ID`: a link to a comment that keeps working when the thread is paged. */
  function permalink(req: Request<{ id: string }>, res: Response, next: NextFunction) {
    const id = parseId(req.params.id);
    // Numeric ids only: other names under /comments/ belong to other routes.
    if (id === undefined) return next();
    const found = service.locate(id);
    if (!found) throw notFound();
    res.redirect(302, `${threadPageHref(found.slug)(found.page)}#comment-${id}`);
  }

  function avatar(req: Request<{ file: string }>, res: Response) {
    const digest = AVATAR_FILE.exec(req.params.file)?.[1];
    if (!digest) throw notFound();
    res.set('Cache-Control', 'public, max-age=31536000, immutable').type('image/svg+xml').send(identicon(digest));
  }

  return {
    loadPost,
    comment: { whenOpen, stale: staleComment, create },
    like: { ...likes, whenOn: likesOn, add: like },
    report: { load: loadReported, ...reports, add: report },
    token: { limitNewSessions, send: token },
    permalink,
    avatar,
  };
}

function firstHeader(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}
