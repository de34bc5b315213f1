import { describe, expect, it } from 'vitest';
import { countLinks, renderCommentMarkdown as md } from '../src/markdown.js';

describe('comment Markdown', () => {
  it('renders the small Markdown: paragraphs, emphasis, code, quotes, lists, links', () => {
    expect(md('Hello *there* and **you**')).toBe('<p>Hello <em>there</em> and <strong>you</strong></p>');
    expect(md('Use `a < b`')).toBe('<p>Use <code>a &lt; b</code></p>');
    expect(md('```\nlet x = "<b>";\n```')).toBe('<pre><code>let x = "&lt;b&gt;";\n</code></pre>');
    expect(md('> outer\n> > inner')).toBe('<blockquote>\n<p>outer</p>\n<blockquote>\n<p>inner</p>\n</blockquote>\n</blockquote>');
    expect(md('- a\n  - b\n1. c')).toContain('<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n</ul>');
    expect(md('[site](https://example.com/x?y=1)')).toBe('<p><a href="https://example.com/x?y=1" rel="nofollow ugc noopener">site</a></p>');
  });

  it('links bare URLs whole, fragments and queries included', () => {
    const url = 'https://www.facebook.com/#!/group.php?gid=311439915949';
    expect(md(`Join ${url} today`)).toBe(`<p>Join <a href="${url}" rel="nofollow ugc noopener">${url}</a> today</p>`);
    expect(md('see http://example.com/a_(b)?c=d&e=f#g')).toContain('href="http://example.com/a_(b)?c=d&amp;e=f#g"');
  });

  it('shows raw HTML as text, never as markup', () => {
    expect(md('<script>alert(1)</script>')).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
    expect(md('<img src=x onerror=alert(1)>')).toBe('<p>&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(md('hi <b onclick="x()">bold</b> there')).toBe('<p>hi &lt;b onclick="x()"&gt;bold&lt;/b&gt; there</p>');
    expect(md('<iframe src="https://evil.example"></iframe>')).not.toContain('<iframe');
    expect(md('<a href="javascript:alert(1)">x</a>')).not.toContain('<a ');
  });

  it('never makes a link that runs code or carries data', () => {
    for (const src of ['[x](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '[x](data:text/html;base64,PHNjcmlwdD4=)', '[x](vbscript:msgbox)', '<javascript:alert(1)>', '[x](//evil.example)', '![x](javascript:alert(1))']) {
      const html = md(src);
      expect(html, src).not.toMatch(/href="(?!https?:|mailto:)/i);
      expect(html, src).not.toMatch(/<(img|script)/i);
    }
    expect(md('[x](javascript:alert(1))')).toBe('<p>x</p>');
  });

  it('makes images plain links and flattens headings', () => {
    expect(md('![a cat](https://example.com/cat.png)')).toBe('<p><a href="https://example.com/cat.png" rel="nofollow ugc noopener">a cat</a></p>');
    expect(md('# Big\n\n## Bigger')).toBe('<p>Big</p>\n<p>Bigger</p>');
    expect(md('![x](https://e.com/x.png)')).not.toContain('<img');
  });

  it('shows format and template syntax literally', () => {
    const src = '100% sure: %d %s %o <%= x %> ${x} {{x}} {% raw %} $1';
    expect(md(src)).toBe('<p>100% sure: %d %s %o &lt;%= x %&gt; ${x} {{x}} {% raw %} $1</p>');
  });

  it('counts links for the link-limit rule', () => {
    expect(countLinks(md('a https://a.com b https://b.com [c](https://c.com)'))).toBe(3);
    expect(countLinks(md('no links, <a href="https://x.com">raw</a>'))).toBe(0);
  });
});
