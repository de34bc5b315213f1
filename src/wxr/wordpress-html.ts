// WordPress stores HTML (with entities) where Colloquy keeps Markdown and plain text:
// the small conversions an import needs. Pure functions.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™',
};

const ENTITY = /&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi;

/** Decodes numeric entities and the common named ones; anything unknown stays as written. */
export function decodeEntities(text: string): string {
  return text.replace(ENTITY, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

// One tag: its name, and its attributes only after white space, so that the name and
// the attributes never compete for the same characters (linear on any text).
const TAG = /<(\/?)([a-z][a-z0-9]*)(\s[^<>]*|\/)?>/gi;
const HREF = /\shref\s?=\s?["']([^"'<>]*)["']/i;
const LINE_BREAKS = /\r\n?/g;
const BLANK_LINES = /\n{3,}/g;
// Quotes inside quotes beyond this are read as one quote: the Markdown has to nest them.
const MAX_QUOTE_DEPTH = 8;
const MARKS: Record<string, string> = { strong: '**', b: '**', em: '*', i: '*', code: '`' };

/** Every pattern this module runs on imported text, for the ReDoS check (tests/redos.test.ts). */
export const PATTERNS: readonly RegExp[] = [ENTITY, TAG, HREF, LINE_BREAKS, BLANK_LINES];

interface Open {
  name: string;
  /** Where its inner text starts in `out`. */
  at: number;
  href?: string;
}

/**
 * A WordPress comment's HTML as Colloquy comment Markdown: paragraphs and line
 * breaks, links, emphasis, code and quotes kept; other tags dropped; entities decoded.
 * (Comment Markdown shows raw HTML as text, so the HTML cannot be kept as it is.)
 * One pass over the tags with a stack of open elements; a tag without its pair is dropped.
 */
export function commentHtmlToMarkdown(html: string): string {
  const source = html.replace(LINE_BREAKS, '\n');
  const out: string[] = [];
  const open: Open[] = [];
  let quotes = 0;
  let last = 0;
  for (const m of source.matchAll(TAG)) {
    out.push(source.slice(last, m.index));
    last = m.index + m[0].length;
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    if (name === 'br') out.push('\n');
    else if (name === 'p') out.push('\n\n');
    else if (!closing && (name in MARKS || name === 'a' || (name === 'blockquote' && quotes < MAX_QUOTE_DEPTH))) {
      if (name === 'blockquote') quotes++;
      open.push({ name, at: out.length, href: name === 'a' ? HREF.exec(m[3] ?? '')?.[1] : undefined });
    } else if (closing) {
      const i = open.findLastIndex((o) => o.name === name);
      if (i === -1) continue;
      const [element] = open.splice(i);
      if (element!.name === 'blockquote') quotes = open.filter((o) => o.name === 'blockquote').length;
      const inner = out.splice(element!.at).join('');
      out.push(closeElement(element!, inner));
    }
  }
  out.push(source.slice(last));
  return decodeEntities(out.join('')).replace(BLANK_LINES, '\n\n').trim();
}

function closeElement(element: Open, inner: string): string {
  if (element.name === 'blockquote') return `\n\n${inner.trim().split('\n').map((line) => `> ${line}`).join('\n')}\n\n`;
  if (element.name !== 'a') return `${MARKS[element.name]}${inner}${MARKS[element.name]}`;
  if (element.href === undefined) return inner;
  const label = inner.trim();
  return !label || label === element.href ? element.href : `[${label}](${element.href})`;
}
