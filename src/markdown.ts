// The one place that turns Markdown into sanitised HTML: full Markdown for posts,
// a small safe subset for comments. Runs at write time; pages print the stored result.
// marked recurses once per level of nesting, so text nested deeper than MAX_NESTING is
// refused by the forms (nestingDepth) and shown as plain text by the renderers.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Levels of quotes, lists, emphasis and brackets that any writing needs, with room to spare. */
export const MAX_NESTING = 32;
export const NESTED_TOO_DEEPLY = `This text is nested too deeply: quotes, lists, emphasis or brackets go more than ${MAX_NESTING} levels inside each other. Please flatten it.`;

const isSpace = (ch: string | undefined): boolean => ch === undefined || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const PUNCTUATION = /[\p{P}\p{S}]/u;
const isPunctuation = (ch: string | undefined): boolean => ch !== undefined && PUNCTUATION.test(ch);

/** How deep a line's block containers go: its `>` and list markers, and lists nested by indentation. */
function blockDepth(line: string): number {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const indent = i;
  let markers = 0;
  for (;;) {
    const ch = line[i];
    let next = i;
    if (ch === '>') next = i + 1;
    else if ((ch === '-' || ch === '*' || ch === '+') && isSpace(line[i + 1])) next = i + 1;
    else if (isDigit(ch)) {
      let j = i;
      while (isDigit(line[j]) && j - i < 9) j++;
      if ((line[j] === '.' || line[j] === ')') && isSpace(line[j + 1])) next = j + 1;
    }
    if (next === i) break;
    markers++;
    i = next;
    while (line[i] === ' ' || line[i] === '\t') i++;
  }
  return markers === 0 ? 0 : markers + Math.floor(indent / 2);
}

/** Which lines are fenced code or its fences: their text is shown as it is. */
function fencedLines(lines: readonly string[]): boolean[] {
  let fence = '';
  return lines.map((line) => {
    const trimmed = line.trimStart();
    if (fence !== '') {
      if (trimmed.startsWith(fence)) fence = '';
      return true;
    }
    if (trimmed.startsWith('```') || trimmed.startsWith('~~~')) fence = trimmed.slice(0, 3);
    return fence !== '';
  });
}

// With `breaks`, marked looks ahead over every run of spaces from each of its spaces
// (quadratic in the run). Past a line's indentation a run of spaces shows as one
// space in HTML anyway, so runs longer than this are shortened outside fenced code.
const LONG_SPACES = / {65,}/g;

function shortenSpaceRuns(source: string): string {
  const lines = source.split('\n');
  const fenced = fencedLines(lines);
  return lines.map((line, n) => {
    if (fenced[n]) return line;
    const indent = line.length - line.trimStart().length;
    return line.slice(0, indent) + line.slice(indent).replace(LONG_SPACES, ' '.repeat(64));
  }).join('\n');
}

/**
 * The deepest nesting in Markdown source: block containers on one line, and emphasis
 * and brackets opened and not yet closed within a paragraph. One pass, no recursion;
 * fenced code is skipped (nothing nests there).
 */
export function nestingDepth(source: string): number {
  let deepest = 0;
  let inline = 0;
  const lines = source.split('\n');
  const fenced = fencedLines(lines);
  for (const [n, line] of lines.entries()) {
    if (fenced[n]) continue;
    if (line.trim() === '') inline = 0;
    deepest = Math.max(deepest, blockDepth(line));
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (ch === '[') inline++;
      else if (ch === ']') inline = Math.max(0, inline - 1);
      else if (ch === '*' || ch === '_' || ch === '~') {
        let end = i;
        while (line[end] === ch) end++;
        // CommonMark's flanking rules: whether the run can open, close, or both.
        const [before, after] = [line[i - 1], line[end]];
        const opens = !isSpace(after) && (!isPunctuation(after) || isSpace(before) || isPunctuation(before));
        const closes = !isSpace(before) && (!isPunctuation(before) || isSpace(after) || isPunctuation(after));
        if (opens && (!closes || inline === 0)) inline++;
        else if (closes) inline = Math.max(0, inline - 1);
        i = end - 1;
      } else continue;
      deepest = Math.max(deepest, inline);
    }
  }
  return deepest;
}

const PARAGRAPH_BREAK = /\n[ \t]*\n/;

/** Text nested too deeply for the renderer, as escaped paragraphs: nothing is lost, nothing nests. */
function plainParagraphs(source: string): string {
  return source
    .split(PARAGRAPH_BREAK)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => `<p>${escapeHtml(p).replaceAll('\n', '<br>')}</p>`)
    .join('\n');
}

// Posts are written by trusted authors, but their HTML is still sanitised so that a
// stolen author account cannot plant a script for every reader.
const postMarked = new Marked({ gfm: true, breaks: false });

const POST_ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'p', 'br', 'hr', 'blockquote', 'pre', 'code',
    'em', 'strong', 'del', 's', 'sup', 'sub', 'kbd', 'mark', 'abbr',
    'ul', 'ol', 'li', 'dl', 'dt', 'dd', 'a', 'img', 'figure', 'figcaption',
    'table', 'thead', 'tbody', 'tr', 'th', 'td', 'input', 'details', 'summary',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'id', 'name'],
    img: ['src', 'alt', 'title', 'width', 'height', 'loading'],
    th: ['align'],
    td: ['align'],
    ol: ['start'],
    code: ['class'],
    input: ['type', 'checked', 'disabled'],
    h1: ['id'], h2: ['id'], h3: ['id'], h4: ['id'], h5: ['id'], h6: ['id'],
  },
  allowedClasses: { code: [/^language-[\w-]+$/] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  transformTags: {
    img: (tagName, attribs) => ({ tagName, attribs: { ...attribs, loading: 'lazy' } }),
    input: (tagName, attribs) => ({ tagName, attribs: { ...attribs, disabled: 'disabled' } }),
  },
  exclusiveFilter: (frame) => frame.tag === 'input' && frame.attribs.type !== 'checkbox',
};

export function renderPostMarkdown(source: string): string {
  if (nestingDepth(source) > MAX_NESTING) return plainParagraphs(source);
  const html = postMarked.parse(source, { async: false });
  return sanitizeHtml(html, POST_ALLOWED);
}

// Comments: raw HTML is shown as text, images become plain links, bare URLs become
// links with the whole URL kept, and every link is marked as user content. A link
// whose address is not http(s) or mailto (javascript:, data:, a relative path) is
// shown as its text alone, so nothing clickable can run code or leave the page oddly.
const SAFE_HREF = /^(?:https?:\/\/|mailto:)/i;

const commentLink = (href: string, inner: string): string =>
  SAFE_HREF.test(href.trim()) ? `<a href="${escapeHtml(href.trim())}">${inner}</a>` : inner;

const commentMarked = new Marked({
  gfm: true,
  breaks: true,
  renderer: {
    html({ text, block }) {
      return block ? `<p>${escapeHtml(text.trim())}</p>\n` : escapeHtml(text);
    },
    link({ href, tokens }) {
      return commentLink(href, this.parser.parseInline(tokens));
    },
    image({ href, text }) {
      return commentLink(href, escapeHtml(text || href));
    },
    heading({ tokens }) {
      return `<p>${this.parser.parseInline(tokens)}</p>\n`;
    },
  },
});

const COMMENT_ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a'],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow ugc noopener' } }),
  },
};

export function renderCommentMarkdown(source: string): string {
  if (nestingDepth(source) > MAX_NESTING) return plainParagraphs(source);
  const html = commentMarked.parse(shortenSpaceRuns(source), { async: false });
  return sanitizeHtml(html, COMMENT_ALLOWED).trim();
}

const LINK_TAG = /<a\s/g;
const WHITE_SPACE = /\s+/g;

/** How many links a rendered comment holds, for the link-limit rule. */
export function countLinks(html: string): number {
  return html.match(LINK_TAG)?.length ?? 0;
}

// Elements that read badly run into a sentence. The close is found with indexOf: a
// lazy `[\s\S]*?</\1>` retried from every unclosed opening tag would be quadratic.
const PROSE_BREAKERS = /<(h[1-6]|pre|table|figure)\b[^<>]*>/g;

/** Sanitised HTML without its headings, code blocks, tables and figures, each left as a space. */
export function proseHtml(html: string): string {
  const unclosed = new Set<string>();
  let out = '';
  let last = 0;
  for (const m of html.matchAll(PROSE_BREAKERS)) {
    const name = m[1]!;
    if (m.index < last || unclosed.has(name)) continue;
    const close = html.indexOf(`</${name}>`, m.index + m[0].length);
    if (close === -1) {
      unclosed.add(name);
      continue;
    }
    out += `${html.slice(last, m.index)} `;
    last = close + name.length + 3;
  }
  return out + html.slice(last);
}

// The end of a block (a paragraph, list item, quote, cell) or the start of a list
// (a nested one too): where text that reads as separate sentences must not run
// together once tags are gone. A <br> becomes a space: it breaks a line, not a thought.
const BLOCK_END = /<\/(?:p|li|blockquote|dd|dt|td|th|div)>|<(?:ul|ol)\b[^<>]*>|<br\s*\/?>/g;
// Sanitising keeps this private-use character as text, so blocks can be split after.
const BLOCK_MARK = '\uE000';
// A block that already ends a sentence or a clause (closing quotes and brackets may follow).
const ENDS_CLAUSE = /[.!?…:;,—–][”’"')\]»]*$/;

/**
 * Plain text from sanitised HTML, for excerpts: one line, with the breaks between
 * blocks kept as sentence breaks ("…leaves early. Water the soil…"), since a list
 * item or a paragraph without a full stop would otherwise run into the next.
 */
export function htmlToText(html: string): string {
  const split = html.replace(BLOCK_END, (tag) => (tag.startsWith('<br') ? ' ' : `${tag}${BLOCK_MARK}`));
  const text = sanitizeHtml(split, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
  let out = '';
  let previous = '';
  for (const raw of text.split(BLOCK_MARK)) {
    const block = raw.replace(WHITE_SPACE, ' ').trim();
    if (!block) continue;
    // Only the previous block's last characters are looked at: linear however many blocks.
    if (out) out += ENDS_CLAUSE.test(previous.slice(-12)) ? ' ' : '. ';
    out += block;
    previous = block;
  }
  return out;
}

/** The first `words` words of a text, with an ellipsis when cut. */
export function summarise(text: string, words = 55): string {
  const parts = text.split(WHITE_SPACE).filter(Boolean);
  return parts.length <= words ? parts.join(' ') : `${parts.slice(0, words).join(' ')}…`;
}

export { escapeHtml };

/** Every pattern this module runs on user text, for the ReDoS check (tests/redos.test.ts). */
export const PATTERNS: readonly RegExp[] = [SAFE_HREF, PUNCTUATION, LINK_TAG, WHITE_SPACE, PARAGRAPH_BREAK, PROSE_BREAKERS, LONG_SPACES, BLOCK_END, ENDS_CLAUSE];
