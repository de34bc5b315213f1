// The post editor's form as plain values: reading it, checking it, and turning it
// into a PostDraft. Errors come back by field and the typed values are never lost.
import { randomBytes } from 'node:crypto';
import { MAX_NESTING, NESTED_TOO_DEEPLY, nestingDepth } from '../markdown.js';
import { slugify } from '../slug.js';
import type { Post, PostKind, PostState } from '../posts/posts-repository.js';
import type { PostDraft } from '../posts/posts-service.js';
import type { Revision, RevisionFields } from '../posts/revisions-repository.js';
import { parseTagsField } from '../posts/posts-service.js';
import { parseLocalDateTime, toLocalDateTimeInput } from '../time.js';
import { checked, text, hasErrors, type FieldErrors } from '../http/forms.js';

/** The editor's fields as typed (what an autosaved copy keeps), and two that steer the save. */
export interface PostForm extends RevisionFields {
  /** The author has seen the personal-data findings and publishes anyway. */
  confirm_personal_data: boolean;
  /** A new post's editor key, naming its autosaved copies until it is first saved; '' for a saved post. */
  draft_key: string;
}

export const POST_STATES: readonly PostState[] = ['draft', 'published', 'scheduled'];
const KINDS: readonly PostKind[] = ['post', 'page'];

export const LIMITS = { title: 200, slug: 200, body: 200_000, excerpt: 1_000, tags: 1_000 } as const;

export function readPostForm(body: unknown): PostForm {
  // "Publish anyway" on a post held for personal data: the stored status is draft,
  // and the button says what the author wants.
  const confirmed = text(body, 'confirm_personal_data') === '1';
  const status = text(body, 'status') || 'draft';
  return {
    confirm_personal_data: confirmed,
    kind: text(body, 'kind') || 'post',
    title: text(body, 'title'),
    slug: text(body, 'slug'),
    body: text(body, 'body'),
    excerpt: text(body, 'excerpt'),
    tags: text(body, 'tags'),
    status: confirmed && status === 'draft' ? 'published' : status,
    published_at: text(body, 'published_at'),
    comments_open: checked(body, 'comments_open'),
    likes_open: checked(body, 'likes_open'),
    draft_key: readDraftKey(text(body, 'draft_key')),
  };
}

/** A draft key as newDraftKey makes them, or ''. */
export function readDraftKey(raw: string): string {
  return /^[A-Za-z0-9_-]{16,64}$/.test(raw) ? raw : '';
}

/** A key for a new post's editor. */
export function newDraftKey(): string {
  return randomBytes(16).toString('base64url');
}

/** What an autosaved copy keeps of the form. */
export function revisionFields(f: PostForm): RevisionFields {
  return { kind: f.kind, title: f.title, slug: f.slug, body: f.body, excerpt: f.excerpt, tags: f.tags, status: f.status, published_at: f.published_at, comments_open: f.comments_open, likes_open: f.likes_open };
}

/** The form as an autosaved copy held it. */
export function formFromRevision(revision: Revision): PostForm {
  return { ...revisionFields({ ...revision, confirm_personal_data: false }), confirm_personal_data: false, draft_key: revision.draft_key };
}

/** A new post opens for comments as the setting says and has a Like button; a new page (About, Contact) has neither. */
export function blankPostForm(commentsOpenDefault: boolean, kind: string): PostForm {
  const page = kind === 'page';
  return {
    confirm_personal_data: false,
    kind: page ? 'page' : 'post',
    title: '', slug: '', body: '', excerpt: '', tags: '', status: 'draft', published_at: '',
    comments_open: !page && commentsOpenDefault,
    likes_open: !page,
    draft_key: newDraftKey(),
  };
}

/** Where a stored post stands: a draft, public, or published for a time still to come. */
export function stateOf(post: Pick<Post, 'status' | 'published_at'>, now: Date): PostState {
  if (post.status === 'draft') return 'draft';
  return post.published_at !== null && post.published_at > now.toISOString() ? 'scheduled' : 'published';
}

export function formFromPost(post: Post, tagNames: readonly string[], timeZone: string, now: Date): PostForm {
  return {
    confirm_personal_data: false,
    kind: post.kind,
    title: post.title,
    slug: post.slug,
    body: post.body_md,
    excerpt: post.excerpt,
    tags: tagNames.join(', '),
    status: stateOf(post, now),
    published_at: post.published_at ? toLocalDateTimeInput(post.published_at, timeZone) : '',
    comments_open: post.comments_open === 1,
    likes_open: post.likes_open === 1,
    draft_key: '',
  };
}

export type PostFormResult = { ok: true; draft: PostDraft } | { ok: false; errors: FieldErrors };

/** Checks the form; `authorId` is the post's author (the writer for a new post). */
export function validatePostForm(form: PostForm, authorId: number, timeZone: string, now: Date): PostFormResult {
  const errors: FieldErrors = {};
  const title = form.title.trim();
  if (!title) errors.title = 'Give it a title.';
  else if ([...title].length > LIMITS.title) errors.title = `The title can be at most ${LIMITS.title} characters.`;

  const slugTyped = form.slug.trim();
  if (slugTyped.length > LIMITS.slug) errors.slug = `The slug can be at most ${LIMITS.slug} characters.`;
  else if (slugTyped && !slugify(slugTyped)) errors.slug = 'A slug needs at least one letter or digit (or leave it blank to make one from the title).';

  if (form.body.length > LIMITS.body) errors.body = `The text can be at most ${LIMITS.body.toLocaleString('en-US')} characters.`;
  else if (nestingDepth(form.body) > MAX_NESTING) errors.body = NESTED_TOO_DEEPLY;
  if ([...form.excerpt.trim()].length > LIMITS.excerpt) errors.excerpt = `The excerpt can be at most ${LIMITS.excerpt} characters.`;
  const tags = parseTagsField(form.tags);
  if (form.tags.length > LIMITS.tags || tags.length > 30) errors.tags = 'Use at most 30 tags, 1,000 characters in all.';

  if (!KINDS.includes(form.kind as PostKind)) errors.kind = 'Choose a post or a page.';

  let publishedAt: Date | null = null;
  if (form.published_at.trim()) {
    publishedAt = parseLocalDateTime(form.published_at, timeZone) ?? null;
    if (!publishedAt) errors.published_at = 'Give a date and time such as 2026-05-01 09:30.';
  }
  if (!POST_STATES.includes(form.status as PostState)) {
    errors.status = 'Choose draft, published or scheduled.';
  } else if (form.status === 'scheduled' && !errors.published_at) {
    if (!publishedAt) errors.published_at = 'Choose when it should be published.';
    else if (publishedAt <= now) errors.published_at = 'That time has passed: choose a later one, or publish now.';
  }
  if (hasErrors(errors)) return { ok: false, errors };

  return {
    ok: true,
    draft: {
      kind: form.kind as PostKind,
      author_id: authorId,
      title,
      slug: slugTyped,
      body_md: form.body,
      excerpt: form.excerpt,
      tags,
      // A scheduled post is a published one whose time has not come.
      status: form.status === 'draft' ? 'draft' : 'published',
      published_at: publishedAt,
      comments_open: form.comments_open,
      likes_open: form.likes_open,
    },
  };
}
