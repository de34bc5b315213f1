// Reading and checking the comment form as plain values: what the person typed (kept
// as typed, to give back on any refusal) and, when valid, the cleaned comment.
import { firstString, parseId } from '../http/forms.js';
import { MAX_NESTING, NESTED_TOO_DEEPLY, nestingDepth } from '../markdown.js';

export const COMMENT_FIELDS = ['author', 'email', 'url', 'comment', 'comment_parent'] as const;
export type CommentField = (typeof COMMENT_FIELDS)[number];
export type FieldErrors = Partial<Record<CommentField, string>>;

/** The form exactly as typed (strings only), for showing it again. */
export interface CommentForm {
  author: string;
  email: string;
  url: string;
  comment: string;
  comment_parent: string;
  remember: boolean;
  /** The signed time the form was served, carried through refusals. */
  stamp: string;
  /** The honeypot: people never see it, so anything in it came from a bot. */
  trap: string;
  /** "Email me new comments on this post" (a confirmation is sent first). */
  subscribe_comments?: boolean;
  /** "Email me new posts". */
  subscribe_blog?: boolean;
}

export interface CommentInput {
  author: string;
  email: string;
  url: string;
  comment: string;
  parentId: number | null;
}

export const LIMITS = { author: 100, email: 254, url: 2000, comment: 10_000 } as const;

/** Field names a form posts; the honeypot has a plausible name a bot will fill. */
export const STAMP_FIELD = 'comment_stamp';
export const TRAP_FIELD = 'website_confirm';

export function readCommentForm(body: unknown): CommentForm {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  return {
    author: firstString(b.author),
    email: firstString(b.email),
    url: firstString(b.url),
    comment: firstString(b.comment),
    comment_parent: firstString(b.comment_parent),
    remember: firstString(b.remember) !== '',
    stamp: firstString(b[STAMP_FIELD]),
    trap: firstString(b[TRAP_FIELD]),
    subscribe_comments: firstString(b.subscribe_comments) !== '',
    subscribe_blog: firstString(b.subscribe_blog) !== '',
  };
}

// The HTML Standard's "valid e-mail address" (what input type=email accepts), checked
// part by part so that no pattern repeats a group: linear on any text.
const EMAIL_LOCAL = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+$/;
const DOMAIN_LABEL = /^[a-zA-Z0-9-]{1,63}$/;

export function isEmail(value: string): boolean {
  const at = value.indexOf('@');
  if (at === -1 || !EMAIL_LOCAL.test(value.slice(0, at))) return false;
  return value.slice(at + 1).split('.').every((label) => DOMAIN_LABEL.test(label) && !label.startsWith('-') && !label.endsWith('-'));
}

const length = (text: string): number => [...text].length;

// Control characters (other than tab and line breaks) have no place in a name or a
// comment and would make the comment feed invalid XML; they are dropped.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
const clean = (text: string): string => text.replace(CONTROL, '').trim();

const SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const WHITE_SPACE = /\s/;

/** Every pattern this module runs on what a reader typed, for the ReDoS check (tests/redos.test.ts). */
export const PATTERNS: readonly RegExp[] = [EMAIL_LOCAL, DOMAIN_LABEL, CONTROL, SCHEME, WHITE_SPACE];

/** An http(s) address, `https://` added to a bare host; undefined when it is not one. */
export function normaliseUrl(raw: string): string | undefined {
  const value = raw.trim();
  if (value === '') return '';
  const withScheme = SCHEME.test(value) ? value : `https://${value.replace(/^\/\//, '')}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (!url.hostname.includes('.') && url.hostname !== 'localhost') return undefined;
  if (WHITE_SPACE.test(value) || url.username || url.password) return undefined;
  return url.href;
}

/** A comment's text as typed: 1 to 10,000 characters once cleaned, or why not. */
export function checkCommentText(raw: string): { ok: true; text: string } | { ok: false; error: string } {
  const comment = clean(raw);
  if (comment === '') return { ok: false, error: 'Please write a comment.' };
  if (length(comment) > LIMITS.comment) {
    return { ok: false, error: `A comment can be at most ${LIMITS.comment.toLocaleString('en-US')} characters; this one has ${length(comment).toLocaleString('en-US')}.` };
  }
  if (nestingDepth(comment) > MAX_NESTING) return { ok: false, error: NESTED_TOO_DEEPLY };
  return { ok: true, text: comment };
}

/**
 * Checks the form; `isApprovedParent` says whether an id is an approved comment of
 * the same post. A signed-in author's name and email come from the account, so
 * `identity` skips those two fields.
 */
export function validateComment(
  form: CommentForm,
  isApprovedParent: (id: number) => boolean,
  identity?: { author: string; email: string },
): { ok: true; input: CommentInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const author = identity ? identity.author : clean(form.author);
  const email = identity ? identity.email : form.email.trim();
  const checked = checkCommentText(form.comment);

  if (!identity) {
    if (author === '') errors.author = 'Please give a name.';
    else if (length(author) > LIMITS.author) errors.author = `Your name can be at most ${LIMITS.author} characters.`;
    if (email === '') errors.email = 'Please give an email address (it is never shown).';
    else if (length(email) > LIMITS.email) errors.email = `The email address can be at most ${LIMITS.email} characters.`;
    else if (!isEmail(email)) errors.email = 'That does not look like an email address (name@example.com).';
  }

  const url = normaliseUrl(form.url);
  if (url === undefined) errors.url = 'The website must be an http or https address, like example.com.';
  else if (length(url) > LIMITS.url) errors.url = `The website address can be at most ${LIMITS.url} characters.`;

  if (!checked.ok) errors.comment = checked.error;

  const parentRaw = form.comment_parent.trim();
  let parentId: number | null = null;
  if (parentRaw !== '' && parentRaw !== '0') {
    const id = parseId(parentRaw);
    if (id !== undefined && isApprovedParent(id)) parentId = id;
    else errors.comment_parent = 'The comment you are replying to is not available; your comment can be posted to the post instead.';
  }

  if (!checked.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { author, email, url: url ?? '', comment: checked.text, parentId } };
}
