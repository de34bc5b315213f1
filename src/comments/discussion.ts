// What the post page shows below a post: likes, the comment thread and the form,
// built from one read of the post's comments. Reading writes nothing.
import type { Request, Response } from 'express';
import type { AppContext } from '../app.js';
import type { PostView } from '../posts/posts-repository.js';
import { readCookie } from '../http/cookies.js';
import { parseId } from '../http/forms.js';
import { mayManagePost } from '../admin/permissions.js';
import type { User } from '../users/users-repository.js';
import { avatarPath } from './avatar.js';
import { commentKeys } from './comment-keys.js';
import { STAMP_FIELD, TRAP_FIELD, type CommentForm, type FieldErrors } from './comment-input.js';
import type { Comment } from './comments-repository.js';
import { buildThread, type Thread } from './comment-tree.js';

declare module 'express-session' {
  interface SessionData {
    /** Held comments this browser wrote, shown to it alone as awaiting moderation. */
    heldComments?: number[];
  }
}

/** Where the render cache leaves the stand-in for a form's stamp, filled in per response (src/http/render-cache.ts). */
export const FORM_STAMP_LOCAL = 'formStamp';

export const REMEMBER_COOKIE = 'colloquy_commenter';
export const READER_COOKIE = 'colloquy_reader';

/** Everything the form partial needs, on the post page and on a refusal page alike. */
export interface FormView {
  slug: string;
  values: CommentForm;
  errors: FieldErrors;
  /** The comment this form answers, when it is a reply. */
  replyTo: { id: number; name: string } | null;
  csrfToken: string;
  stamp: string;
  stampField: string;
  trapField: string;
  /** The signed-in author's name: no name, email or website fields then. */
  signedInAs: string | null;
}

export interface Discussion {
  slug: string;
  open: boolean;
  thread: Thread<Comment>;
  heading: string;
  likes: { text: string; liked: boolean };
  form: FormView;
  feedHref: string;
  /** A held comment of this reader's that the page was sent to show. */
  heldNotice: boolean;
  /** This browser has just reported a comment (the page it was sent back to says thanks). */
  reportedNotice: boolean;
  avatar(comment: Comment): string;
  postAuthorId: number;
  /** The signed-in user may edit this post and moderate its comments: the page links to the desk. */
  manage: boolean;
}

export const responsesHeading = (n: number): string => (n === 0 ? 'No Responses' : n === 1 ? '1 Response' : `${n} Responses`);

export const likesText = (n: number): string =>
  n === 0 ? 'Be the first to like this' : n === 1 ? '1 blogger likes this' : `${n} bloggers like this`;

const EMPTY_FORM: CommentForm = { author: '', email: '', url: '', comment: '', comment_parent: '0', remember: false, stamp: '', trap: '' };

/** The remembered name, email and website, when the reader asked for them to be kept. */
export function rememberedForm(req: Request): CommentForm {
  const raw = readCookie(req, REMEMBER_COOKIE);
  if (!raw) return EMPTY_FORM;
  try {
    const saved = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2000) : '');
    return { ...EMPTY_FORM, author: text(saved.author), email: text(saved.email), url: text(saved.url), remember: true };
  } catch {
    return EMPTY_FORM;
  }
}

/**
 * The form's view. A new form is stamped now; a refused one keeps the stamp it was
 * sent with when that is ours (the typing already happened), or carries none, so
 * "send it again" is never answered with "too quickly".
 */
export function formView(ctx: AppContext, req: Request, res: Response, slug: string, values: CommentForm, errors: FieldErrors, replyTo: FormView['replyTo']): FormView {
  const keys = commentKeys(ctx.repos);
  const submitted = req.method === 'POST';
  const user = res.locals.currentUser as { display_name: string } | undefined;
  return {
    slug,
    values,
    errors,
    replyTo,
    csrfToken: (res.locals.csrfToken as string | undefined) ?? '',
    stamp: !submitted ? newStamp(ctx, res) : keys.stampTime(values.stamp) !== undefined ? values.stamp : '',
    stampField: STAMP_FIELD,
    trapField: TRAP_FIELD,
    signedInAs: user ? user.display_name : null,
  };
}

/** A page that is kept for many readers carries a stand-in, replaced by a fresh stamp on each response. */
function newStamp(ctx: AppContext, res: Response): string {
  const standIn: unknown = res.locals[FORM_STAMP_LOCAL];
  return typeof standIn === 'string' ? standIn : commentKeys(ctx.repos).stamp(ctx.clock());
}

export function loadDiscussion(ctx: AppContext, post: PostView, req: Request, res: Response): Discussion {
  const { repos } = ctx;
  const keys = commentKeys(repos);
  const site = res.locals.site as { thread_depth: number };
  const heldIds = req.session?.heldComments ?? [];
  const held = new Set(heldIds);
  const thread = buildThread(repos.comments.listForReader(post.id, heldIds), { maxDepth: site.thread_depth, ownPending: held });

  const readerKey = readCookie(req, READER_COOKIE);
  const likeCount = repos.likes.countForPost(post.id);

  const target = thread.byId.get(parseId(req.query.replyto) ?? 0);
  const replyTo = target && target.kind === 'comment' ? { id: target.comment.id, name: target.comment.author_name } : null;
  const values = { ...rememberedForm(req), comment_parent: String(replyTo?.id ?? 0) };
  const user = res.locals.currentUser as Pick<User, 'id' | 'role'> | undefined;
  const manage = user !== undefined && mayManagePost(user, post.author_id);
  const unapproved = parseId(req.query.unapproved);
  const reported = parseId(req.query.reported);

  const feedHref = `/posts/${post.slug}/feed`;
  (res.locals.feeds as { title: string; href: string }[]).push({ title: `Comments on “${post.title}”`, href: feedHref });

  return {
    slug: post.slug,
    open: post.comments_open === 1,
    thread,
    heading: responsesHeading(thread.count),
    likes: { text: likesText(likeCount), liked: readerKey !== undefined && likeCount > 0 && repos.likes.hasLiked(post.id, readerKey) },
    form: formView(ctx, req, res, post.slug, values, {}, replyTo),
    feedHref,
    heldNotice: unapproved !== undefined && held.has(unapproved),
    reportedNotice: reported !== undefined && readerKey !== undefined && repos.reports.hasReported(reported, readerKey),
    avatar: (c) => avatarPath(keys.hash('avatar', c.email_key || `name:${c.author_name}`)),
    postAuthorId: post.author_id,
    manage,
  };
}
