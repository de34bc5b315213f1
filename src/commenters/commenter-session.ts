// The commenter's sign-in as the session keeps it (the http edge): signing in with a
// new session id, who is signed in, signing out, and the comment a reader had typed,
// kept server-side across a sign-in round trip and put back into the form on return.
// The session lives beside any staff login of the same browser and never ends it.
//
// A page showing a signed-in commenter is personal. Such a request always carries the
// session cookie, so the render cache and publicPageCache() already treat it as
// personal; the post page also says so itself (markPersonal in http/cache-control.ts).
import type { Request } from 'express';
import type { AppContext } from '../context.js';
import { firstString, localPath } from '../http/forms.js';
import { LIMITS, type CommentForm } from '../comments/comment-input.js';
import type { Commenter } from './commenters-repository.js';

/** A typed comment waiting for its writer to come back from signing in. */
export interface StashedDraft {
  postId: number;
  /** Among DRAFT_FIELDS: author, email, url, comment, comment_parent and the checkboxes, as typed. */
  fields: Record<string, string>;
  /** A local path: where the writer is sent back to (the post, at the form). */
  returnTo: string;
}

declare module 'express-session' {
  interface SessionData {
    /** The signed-in commenter (commenters.id); independent of a staff login (userId). */
    commenterId?: number;
    /** Typed comments kept across a sign-in, by post id, newest last. */
    commentDrafts?: StashedDraft[];
  }
}

/** The comment form's fields a draft keeps (never the token, the stamp or the honeypot). */
export const DRAFT_FIELDS = ['author', 'email', 'url', 'comment', 'comment_parent', 'remember', 'subscribe_comments', 'subscribe_blog'] as const;
/** Drafts one session keeps: a reader writing on a few tabs at once. */
const MAX_DRAFTS = 3;
// Longer than any field's limit, so what was typed comes back whole (the form then says what is too long).
const MAX_FIELD = LIMITS.comment * 2;

/** The draft fields of a posted comment form, as typed. */
export function draftFields(body: unknown): Record<string, string> {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const name of DRAFT_FIELDS) {
    const value = firstString(source[name]);
    if (value !== '') fields[name] = value.slice(0, MAX_FIELD);
  }
  return fields;
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

function save(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
}

/**
 * Signs the commenter in on a new session id (an id planted before sign-in is worth
 * nothing), carrying over a staff login, held comments and stashed drafts. The CSRF
 * secret is not carried: the next page hands out a token of the new session.
 */
export async function signInCommenter(req: Request, commenter: Commenter): Promise<void> {
  const { userId, authAt, seenAt, heldComments, commentDrafts } = req.session;
  await regenerate(req);
  const kept = { userId, authAt, seenAt, heldComments, commentDrafts };
  for (const [key, value] of Object.entries(kept)) {
    if (value !== undefined) Object.assign(req.session, { [key]: value });
  }
  req.session.commenterId = commenter.id;
  await save(req);
}

/** The signed-in commenter, or null; a sign-in whose identity was erased ends here. */
export function currentCommenter(req: Request, ctx: Pick<AppContext, 'services'>): Commenter | null {
  const id = req.session?.commenterId;
  if (id === undefined) return null;
  const found = ctx.services.commenters.byId(id);
  if (!found) delete req.session.commenterId;
  return found ?? null;
}

/** Ends the commenter's sign-in only: a staff login of the same browser stays. */
export function signOutCommenter(req: Request): void {
  if (req.session) delete req.session.commenterId;
}

/** Keeps the typed comment for this post (fields as draftFields reads them), replacing an older one, until the writer is back. */
function stashDraft(req: Request, draft: StashedDraft): void {
  const others = (req.session.commentDrafts ?? []).filter((d) => d.postId !== draft.postId);
  req.session.commentDrafts = [...others, { postId: draft.postId, fields: draft.fields, returnTo: localPath(draft.returnTo, '/') }].slice(-MAX_DRAFTS);
}

/** The draft kept for this post, left in place (a reload shows it again). */
export function peekDraft(req: Request, postId: number): StashedDraft | undefined {
  return req.session?.commentDrafts?.find((d) => d.postId === postId);
}

/** The draft kept for this post, removed from the session. */
export function takeDraft(req: Request, postId: number): StashedDraft | undefined {
  const found = peekDraft(req, postId);
  if (found) req.session.commentDrafts = req.session.commentDrafts!.filter((d) => d !== found);
  return found;
}

/** Where the form of post `slug` sends its writer back to: the form, aimed at the same reply. */
export function formReturnPath(slug: string, commentParent: string): string {
  const parent = /^[1-9]\d{0,14}$/.test(commentParent) ? `?replyto=${commentParent}` : '';
  return `/posts/${slug}${parent}#respond`;
}

/**
 * For a button inside the comment form (a POST to /auth/…): keeps the typed comment
 * for the post the form belongs to (its hidden `return` field, `/posts/SLUG`) and gives
 * the path to come back to, the form aimed at the same reply. A body that is not the
 * comment form (no `comment` field: the email page's own form) keeps nothing and comes
 * back to its `return` as given (a local path, else the home page).
 */
export function stashCommentForm(req: Request, ctx: Pick<AppContext, 'repos'>): string {
  const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
  const back = localPath(firstString(body.return), '/');
  if (body.comment === undefined) return back;
  // Slugs are plain lowercase ASCII, so the path's segment is the slug as stored.
  const slug = /^\/posts\/([^/?#]+)/.exec(back)?.[1];
  const post = slug === undefined ? undefined : ctx.repos.posts.findPublicBySlug(slug);
  if (!post) return back;
  const fields = draftFields(body);
  const returnTo = formReturnPath(post.slug, fields.comment_parent ?? '0');
  if (Object.keys(fields).length > 0) stashDraft(req, { postId: post.id, fields, returnTo });
  return returnTo;
}

/** The comment form as the draft left it, over `base` (the remembered name, email and website). */
export function formFromDraft(fields: Readonly<Record<string, string>>, base: CommentForm): CommentForm {
  const typed = (name: (typeof DRAFT_FIELDS)[number]) => fields[name] ?? '';
  return {
    ...base,
    author: fields.author ?? base.author,
    email: fields.email ?? base.email,
    url: fields.url ?? base.url,
    comment: typed('comment'),
    comment_parent: fields.comment_parent ?? base.comment_parent,
    remember: fields.remember !== undefined || base.remember,
    subscribe_comments: fields.subscribe_comments !== undefined,
    subscribe_blog: fields.subscribe_blog !== undefined,
  };
}
