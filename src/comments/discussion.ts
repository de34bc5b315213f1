// What the post page shows below a post, as a view model built from plain values:
// likes, the comment thread and the form. No request, no response, no database:
// discussion-request.ts gathers the values for a page, and tests call this directly.
import { mayManagePost } from '../admin/permissions.js';
import type { User } from '../users/users-repository.js';
import { likesText, responsesText } from '../wording.js';
import { NEUTRAL_AVATAR } from './avatar.js';
import { STAMP_FIELD, TRAP_FIELD, type CommentForm, type FieldErrors } from './comment-input.js';
import type { ThreadRow } from './comments-repository.js';
import { documentOrder, type Thread, type ThreadStep } from './comment-tree.js';
import { threadPage } from './comment-pages.js';
import type { SignInView } from '../commenters/sign-in-form.js';
import { ownEditVerdict } from './own-edits.js';

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
  /** A commenter's sign-in ("You are commenting as…", or the buttons); null for staff. */
  signIn: SignInView | null;
}

export interface Discussion {
  slug: string;
  open: boolean;
  /** Whether the Like button shows (off for pages by default). */
  likesOpen: boolean;
  /** The whole post's thread: the heading counts all of it. */
  thread: Thread<ThreadRow>;
  /** This page's comments in document order (every thread when the thread is not paged). */
  steps: ThreadStep<ThreadRow>[];
  /** This page of the thread (`?cpage=N`) and how many there are. */
  pagination: { page: number; pageCount: number };
  heading: string;
  likes: { text: string; liked: boolean };
  form: FormView;
  feedHref: string;
  /** A held comment of this reader's that the page was sent to show. */
  heldNotice: boolean;
  /** This browser has just reported a comment (the page it was sent back to says thanks). */
  reportedNotice: boolean;
  /** The commenter's identicon once approved; before that a neutral one, so a held comment confirms no guessed email. */
  avatar(comment: ThreadRow): string;
  postAuthorId: number;
  /** The signed-in user may edit this post and moderate its comments: the page links to the desk. */
  manage: boolean;
  /** The signed-in commenter wrote this comment and may still edit or delete it. */
  mayChange(comment: ThreadRow): boolean;
}

export interface FormInput {
  slug: string;
  values: CommentForm;
  errors: FieldErrors;
  replyTo: FormView['replyTo'];
  csrfToken: string;
  /** The signed "served at" stamp, or '' for none. */
  stamp: string;
  viewer: Pick<User, 'display_name'> | undefined;
  signIn: SignInView | null;
}

export function buildFormView({ slug, values, errors, replyTo, csrfToken, stamp, viewer, signIn }: FormInput): FormView {
  return { slug, values, errors, replyTo, csrfToken, stamp, stampField: STAMP_FIELD, trapField: TRAP_FIELD, signedInAs: viewer ? viewer.display_name : null, signIn };
}

export interface DiscussionInput {
  post: { id: number; slug: string; comments_open: number; likes_open: number; author_id: number };
  /** The post's thread as this reader sees it (buildThread over listForReader's rows, or the shared one from thread-cache.ts). */
  thread: Thread<ThreadRow>;
  /** Top-level threads per page; 0 for one page. */
  threadsPerPage: number;
  /** `?cpage=`, from 1. */
  page: number;
  /** Held comments this browser wrote. */
  heldIds: readonly number[];
  likes: { count: number; liked: boolean };
  /** `?replyto=`, `?unapproved=`: ids from the address, if any. */
  replyToId: number | undefined;
  unapprovedId: number | undefined;
  reportedNotice: boolean;
  /** The name, email and website this browser asked to keep. */
  remembered: CommentForm;
  viewer: Pick<User, 'id' | 'role' | 'display_name'> | undefined;
  csrfToken: string;
  stamp: string;
  signIn: SignInView | null;
  /** The signed-in commenter, to offer Edit and Delete on their own comments inside the window. */
  own?: { commenterId: number; windowMinutes: number; now: number };
  /** The avatar's address for an avatar key (a keyed hash of the email, or the name). */
  avatarOf(key: string): string;
  /** Signed-in commenters' pictures from their provider may be shown (else the local identicon). */
  remoteAvatars?: boolean;
}

/** The discussion, or undefined when `page` is past the thread's last page. */
export function buildDiscussion(i: DiscussionInput): Discussion | undefined {
  const { thread } = i;
  // A reply link or a held comment just sent opens the page that shows that comment.
  const paged = threadPage(thread, i.threadsPerPage, i.page, i.replyToId ?? i.unapprovedId);
  if (!paged) return undefined;
  const target = thread.byId.get(i.replyToId ?? 0);
  const replyTo = target && target.kind === 'comment' ? { id: target.comment.id, name: target.comment.author_name } : null;
  const values = { ...i.remembered, comment_parent: String(replyTo?.id ?? 0) };
  return {
    slug: i.post.slug,
    open: i.post.comments_open === 1,
    likesOpen: i.post.likes_open === 1,
    thread,
    steps: documentOrder(paged.roots),
    pagination: { page: paged.page, pageCount: paged.pageCount },
    heading: responsesText(thread.count),
    likes: { text: likesText(i.likes.count), liked: i.likes.liked },
    form: buildFormView({ slug: i.post.slug, values, errors: {}, replyTo, csrfToken: i.csrfToken, stamp: i.stamp, viewer: i.viewer, signIn: i.signIn }),
    feedHref: `/posts/${i.post.slug}/feed`,
    heldNotice: i.unapprovedId !== undefined && i.heldIds.includes(i.unapprovedId),
    reportedNotice: i.reportedNotice,
    avatar: (c) => {
      if (c.status !== 'approved') return NEUTRAL_AVATAR;
      if (i.remoteAvatars && c.commenter_picture) return c.commenter_picture;
      return i.avatarOf(c.email_key || `name:${c.author_name}`);
    },
    postAuthorId: i.post.author_id,
    manage: i.viewer !== undefined && mayManagePost(i.viewer, i.post.author_id),
    mayChange: (c) => i.own !== undefined && ownEditVerdict(c, i.own.commenterId, i.own.now, i.own.windowMinutes) === 'allowed',
  };
}
