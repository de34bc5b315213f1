// The two cookies a commenter's browser keeps: the name, email and website it asked
// to be remembered, and the random reader key behind "once per reader" (likes,
// reports). Plain values in and out; the routes set and read the cookies.
import type { CommentForm } from './comment-input.js';

export const REMEMBER_COOKIE = 'colloquy_commenter';
export const READER_COOKIE = 'colloquy_reader';

export const EMPTY_FORM: CommentForm = { author: '', email: '', url: '', comment: '', comment_parent: '0', remember: false, stamp: '', trap: '' };

/** The remembered name, email and website; an empty form for no cookie or one that is not ours. */
export function decodeRemembered(raw: string | undefined): CommentForm {
  if (!raw) return EMPTY_FORM;
  try {
    const saved = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 2000) : '');
    return { ...EMPTY_FORM, author: text(saved.author), email: text(saved.email), url: text(saved.url), remember: true };
  } catch {
    return EMPTY_FORM;
  }
}

/** The cookie's value for a form whose writer asked to be remembered. */
export function encodeRemembered(form: Pick<CommentForm, 'author' | 'email' | 'url'>): string {
  return Buffer.from(JSON.stringify({ author: form.author.trim(), email: form.email.trim(), url: form.url.trim() })).toString('base64url');
}
