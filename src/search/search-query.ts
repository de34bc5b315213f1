// Turning what a reader typed into a safe FTS5 query, and FTS5 snippets into safe HTML.
// Pure functions: no database, tested alone.
import { escapeHtml } from '../markdown.js';

export const MAX_QUERY_LENGTH = 200;
// Each term is a phrase lookup; a 200-character query cannot hold more than this many useful ones.
const MAX_TERMS = 32;

/** Marks that snippet() puts around matches: private-use characters, removed from the index. */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';

// Control characters index nothing, and a NUL ends the string SQLite reads; a lone
// surrogate half is no character at all. Line breaks and tabs are only white space.
const WHITE_CONTROL = /[\t\n\v\f\r]/g;
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const WHITE_SPACE = /\s+/u;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** The query as the search box should show it again: a string of characters, trimmed, at most 200 of them. */
export function normaliseQuery(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  const clean = raw.replace(WHITE_CONTROL, ' ').replace(CONTROL, '').replace(LONE_SURROGATE, '');
  return Array.from(clean.trim()).slice(0, MAX_QUERY_LENGTH).join('').trim();
}

/**
 * An FTS5 MATCH expression that finds posts holding every word, the last one also
 * as a prefix (so results come while typing). Each word is a quoted string with its
 * quotes doubled, so operators (AND, NEAR(, -, :, *) are plain text; words without a
 * letter or digit are dropped because they index nothing. Undefined: nothing to look for.
 */
export function toMatchExpression(query: string): string | undefined {
  const words = query.split(WHITE_SPACE).filter((w) => LETTER_OR_DIGIT.test(w)).slice(0, MAX_TERMS);
  if (words.length === 0) return undefined;
  return words.map((w, i) => `"${w.replace(/"/g, '""')}"${i === words.length - 1 ? '*' : ''}`).join(' ');
}

/**
 * HTML for a snippet of Markdown (or imported HTML) source: markup residue dropped,
 * everything escaped, and only our own marks turned into <mark>.
 */
export function snippetToHtml(snippet: string): string {
  return highlightToHtml(
    snippet
      .replace(SNIPPET_TAG, ' ')
      .replace(SNIPPET_LINK, '$1')
      .replace(SNIPPET_MARKER, '$1')
      .replace(SNIPPET_EMPHASIS, '')
      .replace(WHITE_SPACES, ' ')
      .trim(),
  );
}

// HTML tags, including one cut off at the end.
const SNIPPET_TAG = /<\/?[a-z][^<>]*(?:>|$)/gi;
// [text](url) and ![alt](src); the text stops at the next bracket, so each is read once.
const SNIPPET_LINK = /!?\[([^[\]]*)\]\([^()\s]*(?:\s+"[^"]*")?\)/g;
// Heading and quote markers.
const SNIPPET_MARKER = /(^|\s)(?:#{1,6}|>)\s/g;
// Emphasis and code fences.
const SNIPPET_EMPHASIS = /\*{1,3}|_{2,3}|`{1,3}|~~/g;
const WHITE_SPACES = /\s+/g;

/** Every pattern this module runs on queries and post text, for the ReDoS check (tests/redos.test.ts). */
export const PATTERNS: readonly RegExp[] = [
  WHITE_CONTROL, CONTROL, LONE_SURROGATE, WHITE_SPACE, LETTER_OR_DIGIT,
  SNIPPET_TAG, SNIPPET_LINK, SNIPPET_MARKER, SNIPPET_EMPHASIS, WHITE_SPACES,
];

/** Highlighted plain text (a title): escaped, with only our marks as <mark>. */
export function highlightToHtml(text: string): string {
  return balanceMarks(escapeHtml(text)).replaceAll(MARK_OPEN, '<mark>').replaceAll(MARK_CLOSE, '</mark>');
}

// A mark cut off by the cleaning above must not leave a <mark> open.
function balanceMarks(text: string): string {
  let open = false;
  let out = '';
  for (const ch of text) {
    if (ch === MARK_OPEN) {
      if (open) continue;
      open = true;
    } else if (ch === MARK_CLOSE) {
      if (!open) continue;
      open = false;
    }
    out += ch;
  }
  return open ? out + MARK_CLOSE : out;
}
