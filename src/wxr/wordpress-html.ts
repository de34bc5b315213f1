// WordPress stores HTML (with entities) where Colloquy keeps Markdown and plain text:
// the small conversions an import needs. Pure functions.

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00A0', hellip: '…', mdash: '—', ndash: '–',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', copy: '©', reg: '®', trade: '™',
};

/** Decodes numeric entities and the common named ones; anything unknown stays as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,8});/gi, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

/**
 * A WordPress comment's HTML as Colloquy comment Markdown: paragraphs and line
 * breaks, links, emphasis, code and quotes kept; other tags dropped; entities decoded.
 * (Comment Markdown shows raw HTML as text, so the HTML cannot be kept as it is.)
 */
export function commentHtmlToMarkdown(html: string): string {
  const md = html
    .replace(/\r\n?/g, '\n')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p[^>]*>/gi, '\n\n')
    .replace(/<\/?p(?:\s[^>]*)?>/gi, '\n\n')
    .replace(/<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>([\s\S]*?)<\/a>/gi, (_, href: string, text: string) => {
      const label = text.replace(/<[^>]*>/g, '').trim();
      return !label || label === href ? href : `[${label}](${href})`;
    })
    .replace(/<(strong|b)\b[^>]*>([\s\S]*?)<\/\1>/gi, '**$2**')
    .replace(/<(em|i)\b[^>]*>([\s\S]*?)<\/\1>/gi, '*$2*')
    .replace(/<code\b[^>]*>([\s\S]*?)<\/code>/gi, '`$1`')
    .replace(/<blockquote\b[^>]*>([\s\S]*?)<\/blockquote>/gi, (_, inner: string) =>
      `\n\n${inner.trim().split('\n').map((line) => `> ${line}`).join('\n')}\n\n`)
    .replace(/<\/?[a-z][^>]*>/gi, '');
  return decodeEntities(md).replace(/\n{3,}/g, '\n\n').trim();
}
