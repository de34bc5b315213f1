// Turning what a reader typed into a safe FTS5 query, and FTS5 snippets into safe HTML.
// Pure functions: no database, tested alone.
import { escapeHtml } from '../markdown.js';

export const MAX_QUERY_LENGTH = 200;
// Each term is a phrase lookup; a 200-character query cannot hold more than this many useful ones.
const MAX_TERMS = 32;

/** Marks that snippet() puts around matches: private-use characters, removed from the index. */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';

/** The query as the search box should show it again: a string, trimmed, at most 200 characters. */
export function normaliseQuery(raw: unknown): string {
  if (typeof raw !== 'string') return '';
  return Array.from(raw.trim()).slice(0, MAX_QUERY_LENGTH).join('').trim();
}

/**
 * An FTS5 MATCH expression that finds posts holding every word, the last one also
 * as a prefix (so results come while typing). Each word is a quoted string with its
 * quotes doubled, so operators (AND, NEAR(, -, :, *) are plain text; words without a
 * letter or digit are dropped because they index nothing. Undefined: nothing to look for.
 */
export function toMatchExpression(query: string): string | undefined {
  const words = query.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).slice(0, MAX_TERMS);
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
      .replace(/<\/?[a-z][^<>]*(?:>|$)/gi, ' ') // HTML tags, including one cut off at the end
      .replace(/!?\[([^\]]*)\]\([^)\s]*(?:\s+"[^"]*")?\)/g, '$1') // [text](url) and ![alt](src)
      .replace(/(^|\s)(?:#{1,6}|>)\s/g, '$1') // heading and quote markers
      .replace(/\*{1,3}|_{2,3}|`{1,3}|~~/g, '') // emphasis and code fences
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

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
