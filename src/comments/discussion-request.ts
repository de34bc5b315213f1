// The post page's discussion for one request: reads the cookies, the session, the
// query and the database, then hands plain values to the view builder (discussion.ts).
import type { Request, Response } from 'express';
import type { AppContext } from '../context.js';
import type { PostView } from '../posts/posts-repository.js';
import { readCookie } from '../http/cookies.js';
import { notFound } from '../http/errors.js';
import { parseId } from '../http/forms.js';
import { pageLinks, pageNumber } from '../http/pagination.js';
import type { Settings } from '../settings/settings.js';
import type { User } from '../users/users-repository.js';
import { commentsFeedTitle } from '../wording.js';
import { avatarPath } from './avatar.js';
import type { CommentKeys } from './comment-keys.js';
import { boundedMemo } from '../memo.js';
import type { CommentForm, FieldErrors } from './comment-input.js';
import { decodeRemembered, READER_COOKIE, REMEMBER_COOKIE } from './commenter-cookies.js';
import { buildDiscussion, buildFormView, type Discussion, type FormView } from './discussion.js';
import { buildThread } from './comment-tree.js';
import type { Commenter } from '../commenters/commenters-repository.js';
import { formFromDraft, peekDraft } from '../commenters/commenter-session.js';
import { signInView, type SignInView } from '../commenters/sign-in-form.js';
import { signInProviders } from '../commenters/sign-in-providers.js';
import { markPersonal } from '../http/cache-control.js';

declare module 'express-session' {
  interface SessionData {
    /** Held comments this browser wrote, shown to it alone as awaiting moderation. */
    heldComments?: number[];
  }
}

/** How many of its held comments a browser is shown. */
const HELD_REMEMBERED = 20;

/** This browser wrote (or just edited into) a held comment: it alone sees it, as awaiting moderation. */
export function rememberHeld(req: Request, commentId: number): void {
  req.session.heldComments = [...(req.session.heldComments ?? []).filter((id) => id !== commentId), commentId].slice(-HELD_REMEMBERED);
}

/** Where the render cache leaves the stand-in for a form's stamp, filled in per response (src/http/render-cache.ts). */
export const FORM_STAMP_LOCAL = 'formStamp';

const viewerOf = (res: Response) => res.locals.currentUser as Pick<User, 'id' | 'role' | 'display_name'> | undefined;
const csrfTokenOf = (res: Response) => (res.locals.csrfToken as string | undefined) ?? '';
const commenterOf = (res: Response) => (res.locals.currentCommenter as Commenter | null | undefined) ?? null;

/** The form's sign-in part; a page naming a signed-in commenter is marked personal here, whatever route renders it. */
function signInFor(ctx: AppContext, req: Request, res: Response, slug: string, replyToId: number | undefined): SignInView | null {
  const commenter = commenterOf(res);
  if (commenter) markPersonal(res);
  const site = res.locals.site as Settings;
  return signInView({
    slug,
    commenter,
    staff: viewerOf(res) !== undefined,
    changing: req.query.signin === 'change',
    emailSignIn: site.email_sign_in,
    providers: signInProviders(ctx, res),
    remoteAvatars: site.remote_avatars,
    replyToId,
  });
}

/** A new form's stamp: on a page kept for many readers, the stand-in that each response replaces with a fresh one. */
function newStamp({ keys, clock }: AppContext, res: Response): string {
  const standIn: unknown = res.locals[FORM_STAMP_LOCAL];
  return typeof standIn === 'string' ? standIn : keys.stamp(clock());
}

/**
 * The form's view. A new form is stamped now; a refused one keeps the stamp it was
 * sent with when that is ours (the typing already happened), or carries none, so
 * "send it again" is never answered with "too quickly".
 */
export function formView(ctx: AppContext, req: Request, res: Response, slug: string, values: CommentForm, errors: FieldErrors, replyTo: FormView['replyTo']): FormView {
  const stamp = req.method !== 'POST' ? newStamp(ctx, res) : ctx.keys.stampTime(values.stamp) !== undefined ? values.stamp : '';
  return buildFormView({ slug, values, errors, replyTo, csrfToken: csrfTokenOf(res), stamp, viewer: viewerOf(res), signIn: signInFor(ctx, req, res, slug, replyTo?.id) });
}

/** The address of page `n` of a post's thread. */
export const threadPageHref = (slug: string): ((n: number) => string) => pageLinks(`/posts/${slug}`, {}, 'cpage');

/** The discussion below a post; `?cpage=` that is not a page of its thread is 404. */
export function loadDiscussion(ctx: AppContext, post: PostView, req: Request, res: Response): Discussion {
  const { repos, keys } = ctx;
  const heldIds = req.session?.heldComments ?? [];
  const readerKey = readCookie(req, READER_COOKIE);
  const likeCount = repos.likes.countForPost(post.id);
  const reported = parseId(req.query.reported);
  const site = res.locals.site as Settings;
  const remembered = decodeRemembered(readCookie(req, REMEMBER_COOKIE));
  // A comment typed before a sign-in round trip comes back into the form.
  const draft = peekDraft(req, post.id);
  const replyToId = parseId(req.query.replyto);
  const read = () => buildThread(repos.comments.listForReader(post.id, heldIds), { maxDepth: site.thread_depth, ownPending: new Set(heldIds) });
  const discussion = buildDiscussion({
    post,
    // A reader's own held comments make their thread their own; everyone else's is shared.
    thread: heldIds.length === 0 ? ctx.threads.shared(post.id, site.thread_depth, read) : read(),
    threadsPerPage: site.comments_per_page,
    page: pageNumber(req.query.cpage),
    heldIds,
    likes: { count: likeCount, liked: readerKey !== undefined && likeCount > 0 && repos.likes.hasLiked(post.id, readerKey) },
    replyToId,
    unapprovedId: parseId(req.query.unapproved),
    reportedNotice: reported !== undefined && readerKey !== undefined && repos.reports.hasReported(reported, readerKey),
    remembered: draft ? formFromDraft(draft.fields, remembered) : remembered,
    viewer: viewerOf(res),
    csrfToken: csrfTokenOf(res),
    stamp: newStamp(ctx, res),
    signIn: signInFor(ctx, req, res, post.slug, replyToId),
    own: commenterOf(res) ? { commenterId: commenterOf(res)!.id, windowMinutes: site.comment_edit_minutes, now: ctx.clock() } : undefined,
    avatarOf: (key) => avatarOf(keys, key),
    remoteAvatars: site.remote_avatars,
  });
  if (!discussion) throw notFound();
  (res.locals.feeds as { title: string; href: string }[]).push({ title: commentsFeedTitle(post.title), href: discussion.feedHref });
  return discussion;
}

// One keyed hash per commenter and process, not per comment and page: a long thread is
// mostly regulars, and every page view shows the same ones again. Per set of keys, as
// each app (and test) has its own.
const avatarMemos = new WeakMap<CommentKeys, (key: string, make: () => string) => string>();
function avatarOf(keys: CommentKeys, key: string): string {
  let memo = avatarMemos.get(keys);
  if (!memo) avatarMemos.set(keys, (memo = boundedMemo<string>(50_000)));
  return memo(key, () => avatarPath(keys.hash('avatar', key)));
}
