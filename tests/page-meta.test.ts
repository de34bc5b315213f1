// The head's sharing tags and JSON-LD as pure functions: plain values in, tags and objects out.
import { describe, expect, it } from 'vitest';
import { jsonLdText, LD_COMMENT_CHARS, MAX_LD_COMMENTS, pageHead, type HeadInput, type JsonLd, type LdComment, type PageHead, type PostSubject } from '../src/content/page-meta.js';
import { firstImage } from '../src/posts/post-facts.js';

const BASE = 'https://blog.example.org';
const site = { title: 'Field Notes', tagline: 'Small things, looked at closely' };

function postSubject(over: Partial<PostSubject['post']> = {}, rest: Partial<Omit<PostSubject, 'post'>> = {}): PostSubject {
  return {
    kind: 'post',
    post: {
      kind: 'post', title: 'Moss in winter', summary: 'Why moss stays green.', body_html: '<p>Green.</p>',
      published: '2026-01-02T10:00:00.000Z', modified: '2026-01-03T11:00:00.000Z', comment_count: 0, ...over,
    },
    author: 'Ada Lovelace',
    tags: [],
    comments: [],
    ...rest,
  };
}

const head = (input: Partial<HeadInput>): PageHead => pageHead({ site, baseUrl: BASE, canonical: '/', ...input });
const tag = (h: PageHead, key: string) => h.tags.filter((t) => t.key === key).map((t) => t.content);

describe('pageHead for a post', () => {
  it('gives an article card with its dates, author, tags and first image, absolute', () => {
    const h = head({
      title: 'Moss in winter',
      canonical: '/posts/moss',
      subject: postSubject({ body_html: '<p>See <img src="/uploads/moss.png?w=1&amp;h=2" alt="Moss &amp; frost" /> and <img src="/uploads/b.png" /></p>' },
        { tags: [{ name: 'Botany' }, { name: 'Winter' }] }),
    });
    expect(h.canonical).toBe(`${BASE}/posts/moss`);
    expect(tag(h, 'description')).toEqual(['Why moss stays green.']);
    expect(h.tags.find((t) => t.key === 'description')?.attribute).toBe('name');
    expect(tag(h, 'og:type')).toEqual(['article']);
    expect(tag(h, 'og:title')).toEqual(['Moss in winter']);
    expect(tag(h, 'og:url')).toEqual([`${BASE}/posts/moss`]);
    expect(tag(h, 'og:site_name')).toEqual(['Field Notes']);
    expect(tag(h, 'og:image')).toEqual([`${BASE}/uploads/moss.png?w=1&h=2`]);
    expect(tag(h, 'og:image:alt')).toEqual(['Moss & frost']);
    expect(tag(h, 'article:published_time')).toEqual(['2026-01-02T10:00:00.000Z']);
    expect(tag(h, 'article:modified_time')).toEqual(['2026-01-03T11:00:00.000Z']);
    expect(tag(h, 'article:author')).toEqual(['Ada Lovelace']);
    expect(tag(h, 'article:tag')).toEqual(['Botany', 'Winter']);
    expect(tag(h, 'twitter:card')).toEqual(['summary_large_image']);
    expect(h.tags.find((t) => t.key === 'og:type')?.attribute).toBe('property');
    expect(h.tags.find((t) => t.key === 'twitter:card')?.attribute).toBe('name');
  });

  it('is a plain summary card without an image, or with one that is not on the web', () => {
    for (const body_html of ['<p>No picture.</p>', '<p><img src="data:image/png;base64,AAAA" alt="x" /></p>', '<p><img alt="no source" /></p>']) {
      const h = head({ canonical: '/posts/moss', subject: postSubject({ body_html }) });
      expect(tag(h, 'og:image'), body_html).toEqual([]);
      expect(tag(h, 'twitter:card'), body_html).toEqual(['summary']);
      expect(h.jsonLd[0]).not.toHaveProperty('image');
    }
  });

  it('makes a BlogPosting with the approved comments given, newest N in time order, texts cut short', () => {
    const comments: LdComment[] = Array.from({ length: MAX_LD_COMMENTS + 5 }, (_, i) => ({
      id: 100 - i, author_name: `Reader ${100 - i}`, created_at: new Date(Date.UTC(2026, 0, 31 - i)).toISOString(),
      body_html: `<p>${'word '.repeat(200)}<em>number ${100 - i}</em></p>`,
    }));
    const h = head({ canonical: '/posts/moss', subject: postSubject({ comment_count: 25, body_html: '<p><img src="https://cdn.example/m.jpg" /></p>' }, { comments, tags: [{ name: 'Botany' }] }) });
    expect(h.jsonLd).toHaveLength(1);
    const ld = h.jsonLd[0]!;
    expect(ld).toMatchObject({
      '@context': 'https://schema.org', '@type': 'BlogPosting', headline: 'Moss in winter', url: `${BASE}/posts/moss`,
      datePublished: '2026-01-02T10:00:00.000Z', dateModified: '2026-01-03T11:00:00.000Z',
      author: { '@type': 'Person', name: 'Ada Lovelace' }, image: 'https://cdn.example/m.jpg', commentCount: 25, keywords: ['Botany'],
    });
    const shown = ld.comment as { '@type': string; url: string; author: { name: string }; dateCreated: string; text: string }[];
    expect(shown).toHaveLength(MAX_LD_COMMENTS);
    expect(shown[0]).toMatchObject({ '@type': 'Comment', url: `${BASE}/comments/${100 - MAX_LD_COMMENTS + 1}`, author: { '@type': 'Person', name: `Reader ${100 - MAX_LD_COMMENTS + 1}` } });
    expect(shown.at(-1)?.author.name).toBe('Reader 100');
    expect(shown.map((c) => c.dateCreated)).toEqual([...shown.map((c) => c.dateCreated)].sort());
    for (const c of shown) {
      expect(Array.from(c.text).length).toBeLessThanOrEqual(LD_COMMENT_CHARS);
      expect(c.text).toMatch(/^word word .*…$/);
    }
    // However long the thread, the block stays a few kilobytes.
    expect(jsonLdText(ld).length).toBeLessThan(12_000);
  });

  it('picks the newest N of a long thread in any order, ties broken by id', () => {
    const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + Math.floor(i / 3) * 60_000).toISOString();
    const comments: LdComment[] = Array.from({ length: 600 }, (_, i) => ({ id: i + 1, author_name: `R${i + 1}`, created_at: at(i), body_html: '<p>x</p>' }));
    // A fixed shuffle: document order is not time order.
    const shuffled = comments.map((c, i) => ({ c, k: (i * 7919) % 600 })).sort((a, b) => a.k - b.k).map(({ c }) => c);
    const ld = head({ canonical: '/posts/moss', subject: postSubject({ comment_count: 600 }, { comments: shuffled }) }).jsonLd[0]!;
    const urls = (ld.comment as { url: string }[]).map((c) => c.url);
    expect(urls).toEqual(Array.from({ length: MAX_LD_COMMENTS }, (_, i) => `${BASE}/comments/${600 - MAX_LD_COMMENTS + 1 + i}`));
  });

  it('reads a comment\'s text from its HTML: tags gone, entities decoded, a long one cut without a half tag', () => {
    const comments: LdComment[] = [
      { id: 2, author_name: 'B', created_at: '2026-01-02T00:00:00.000Z', body_html: `<p>${'moss '.repeat(447)}<a href="https://x.example/${'long/'.repeat(100)}">a link</a></p>` },
      { id: 1, author_name: 'A', created_at: '2026-01-01T00:00:00.000Z', body_html: '<p>I &lt;3 <strong>moss</strong> &amp; <a href="https://x.example/?a=1&amp;b=2" rel="nofollow ugc noopener">ferns</a></p>\n<p>Truly.</p>' },
    ];
    const ld = head({ canonical: '/posts/moss', subject: postSubject({ comment_count: 2 }, { comments }) }).jsonLd[0]!;
    // Given in any order, shown in time order.
    const [short, long] = ld.comment as { text: string }[];
    expect(short!.text).toBe('I <3 moss & ferns Truly.');
    expect(long!.text).toMatch(/^moss moss .*…$/);
    expect(long!.text).not.toMatch(/[<>]|href/);
  });

  it('describes a page (not a post) as a website and a WebPage, with no article tags', () => {
    const h = head({ title: 'About', canonical: '/posts/about', subject: postSubject({ kind: 'page', title: 'About' }) });
    expect(tag(h, 'og:type')).toEqual(['website']);
    expect(tag(h, 'article:published_time')).toEqual([]);
    expect(h.jsonLd.map((d) => d['@type'])).toEqual(['WebPage']);
  });

  it('falls back to the tagline when a post has no summary', () => {
    expect(tag(head({ subject: postSubject({ summary: '' }) }), 'description')).toEqual([site.tagline]);
  });
});

describe('pageHead for listings and other pages', () => {
  const posts = [{ title: 'Moss', slug: 'moss', published: '2026-01-02T10:00:00.000Z', author: 'Ada' }];

  it('gives the home page a WebSite with a SearchAction, and its listing as a Blog', () => {
    const h = head({ canonical: '/', subject: { kind: 'listing', listing: 'home', page: 1, posts } });
    expect(tag(h, 'description')).toEqual([site.tagline]);
    expect(tag(h, 'og:type')).toEqual(['website']);
    expect(tag(h, 'og:title')).toEqual(['Field Notes']);
    expect(h.jsonLd.map((d) => d['@type'])).toEqual(['WebSite', 'Blog']);
    expect(h.jsonLd[0]).toMatchObject({
      url: `${BASE}/`,
      potentialAction: { '@type': 'SearchAction', target: { urlTemplate: `${BASE}/search?q={search_term_string}` }, 'query-input': 'required name=search_term_string' },
    });
    expect(h.jsonLd[1]).toMatchObject({ blogPost: [{ '@type': 'BlogPosting', headline: 'Moss', url: `${BASE}/posts/moss`, author: { name: 'Ada' } }] });
  });

  it('gives later home pages, tags and archives a Blog only', () => {
    for (const [listing, page, title] of [['home', 2, undefined], ['tag', 1, 'Tagged “Moss”'], ['archive', 1, 'Archive: 2026']] as const) {
      const h = head({ title, canonical: '/x', subject: { kind: 'listing', listing, page, posts } });
      expect(h.jsonLd.map((d) => d['@type']), listing).toEqual(['Blog']);
      expect(tag(h, 'description')[0], listing).toContain(site.tagline);
    }
  });

  it('describes any other page by its title, and gives a page with no address a description alone', () => {
    const privacy = head({ title: 'Search', canonical: '/search' });
    expect(tag(privacy, 'description')).toEqual(['Search – Field Notes']);
    expect(tag(privacy, 'og:url')).toEqual([`${BASE}/search`]);
    expect(privacy.jsonLd).toEqual([]);
    const missing = head({ title: 'Page not found', canonical: null });
    expect(missing.canonical).toBeUndefined();
    expect(missing.tags.map((t) => t.key)).toEqual(['description']);
    expect(missing.jsonLd).toEqual([]);
  });

  it('keeps a given description, cut to a sensible length', () => {
    expect(tag(head({ description: 'Ours.' }), 'description')).toEqual(['Ours.']);
    expect(Array.from(tag(head({ description: '🌿'.repeat(400) }), 'description')[0]!).length).toBe(300);
  });
});

describe('jsonLdText', () => {
  it('cannot be broken out of by a title holding </script> or <!--, and reads back the same', () => {
    const value: JsonLd = { headline: '</script><script>alert(1)</script> <!-- & \u2028 done' };
    const text = jsonLdText(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('firstImage', () => {
  it('reads the first <img> only, and survives a body of unclosed tags', () => {
    expect(firstImage('<p><img src="/a.png" alt="A" /><img src="/b.png" /></p>', BASE)).toEqual({ src: `${BASE}/a.png`, alt: 'A' });
    expect(firstImage('<img '.repeat(50_000), BASE)).toBeUndefined();
    expect(firstImage('<p>no image</p>', BASE)).toBeUndefined();
  });
});
