// The one place that turns Markdown into sanitised HTML: full Markdown for posts,
// a small safe subset for comments. Runs at write time; pages print the stored result.
import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

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
  const html = commentMarked.parse(source, { async: false });
  return sanitizeHtml(html, COMMENT_ALLOWED).trim();
}

/** How many links a rendered comment holds, for the link-limit rule. */
export function countLinks(html: string): number {
  return html.match(/<a\s/g)?.length ?? 0;
}

/** Plain text from sanitised HTML, for excerpts, feeds and search. */
export function htmlToText(html: string): string {
  return sanitizeHtml(html, { allowedTags: [], allowedAttributes: {} })
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The first `words` words of a text, with an ellipsis when cut. */
export function summarise(text: string, words = 55): string {
  const parts = text.split(/\s+/).filter(Boolean);
  return parts.length <= words ? parts.join(' ') : `${parts.slice(0, words).join(' ')}…`;
}

export { escapeHtml };
