// What search engines and social sites read in real pages: the meta description, the
// OpenGraph and Twitter tags and the JSON-LD, parsed from the responses, and nothing private among them.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEntities } from '../src/wxr/wordpress-html.js';
import { makePost, makeTestApp, makeUser, scriptToken, seedComment, type TestContext } from './helpers/index.js';

const BASE = 'https://blog.example.org';
let t: TestContext;
beforeEach(() => { t = makeTestApp({ BASE_URL: BASE }); });
afterEach(() => t.close());

interface Head {
  meta: { attribute: string; key: string; content: string }[];
  canonical: string | undefined;
  jsonLd: Record<string, unknown>[];
  /** The <head> as sent, for checks of what must not be there. */
  raw: string;
}

/** The head of a page as a crawler reads it: every meta tag, the canonical link, each JSON-LD block parsed. */
function readHead(html: string): Head {
  const raw = html.slice(0, html.indexOf('</head>'));
  const meta = [...raw.matchAll(/<meta (name|property)="([^"]*)" content="([^"]*)">/g)]
    .map(([, attribute, key, content]) => ({ attribute: attribute!, key: key!, content: decodeEntities(content!) }));
  const canonical = /<link rel="canonical" href="([^"]*)">/.exec(raw)?.[1];
  const jsonLd = [...raw.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)]
    .map(([, text]) => JSON.parse(text!) as Record<string, unknown>);
  return { meta, canonical: canonical && decodeEntities(canonical), jsonLd, raw };
}

const values = (head: Head, key: string) => head.meta.filter((m) => m.key === key).map((m) => m.content);

async function get(path: string): Promise<Head> {
  const res = await request(t.app).get(path);
  expect(res.status, path).toBeLessThan(500);
  return readHead(res.text);
}

describe('a post page', () => {
  it('carries its card, its dates, author and tags, and a BlogPosting with its approved comments only', async () => {
    const author = await makeUser(t.repos, 'author', 'ada');
    t.db.prepare("UPDATE users SET email = 'ada@example.org', display_name = 'Ada Lovelace' WHERE id = ?").run(author.id);
    const id = makePost(t, author, {
      title: 'Moss in winter', body_md: 'Why moss stays green.\n\n![Moss on a wall](/uploads/moss.png)', tags: ['Botany', 'Winter'],
    });
    seedComment(t.repos, id, { author_name: 'Grace', author_email: 'grace@example.com', body_md: 'Lovely **photo**.' });
    seedComment(t.repos, id, { author_name: 'Held Harry', author_email: 'harry@example.com', body_md: 'held words 7731', status: 'pending' });
    seedComment(t.repos, id, { author_name: 'Spam Sam', author_email: 'sam@example.com', body_md: 'spam words 8842', status: 'spam' });
    seedComment(t.repos, id, { author_name: 'Trash Tom', author_email: 'tom@example.com', body_md: 'trash words 9953', status: 'trash' });

    const head = await get('/posts/moss-in-winter');
    expect(head.canonical).toBe(`${BASE}/posts/moss-in-winter`);
    expect(values(head, 'description')).toEqual(['Why moss stays green.']);
    expect(values(head, 'og:type')).toEqual(['article']);
    expect(values(head, 'og:title')).toEqual(['Moss in winter']);
    expect(values(head, 'og:description')).toEqual(['Why moss stays green.']);
    expect(values(head, 'og:url')).toEqual([`${BASE}/posts/moss-in-winter`]);
    expect(values(head, 'og:site_name')).toEqual(['Colloquy']);
    expect(values(head, 'og:image')).toEqual([`${BASE}/uploads/moss.png`]);
    expect(values(head, 'og:image:alt')).toEqual(['Moss on a wall']);
    expect(values(head, 'article:author')).toEqual(['Ada Lovelace']);
    expect(values(head, 'article:tag')).toEqual(['Botany', 'Winter']);
    expect(values(head, 'twitter:card')).toEqual(['summary_large_image']);
    const post = t.repos.posts.findById(id)!;
    expect(values(head, 'article:published_time')).toEqual([post.published_at]);
    expect(values(head, 'article:modified_time')).toEqual([post.updated_at]);

    expect(head.jsonLd).toHaveLength(1);
    const ld = head.jsonLd[0]!;
    expect(ld).toMatchObject({
      '@context': 'https://schema.org', '@type': 'BlogPosting', headline: 'Moss in winter', url: `${BASE}/posts/moss-in-winter`,
      datePublished: post.published_at, author: { '@type': 'Person', name: 'Ada Lovelace' }, image: `${BASE}/uploads/moss.png`, commentCount: 1,
    });
    expect(ld.comment).toEqual([{
      '@type': 'Comment', url: expect.stringMatching(new RegExp(`^${BASE}/comments/\\d+$`)), author: { '@type': 'Person', name: 'Grace' },
      dateCreated: expect.stringMatching(/Z$/), text: 'Lovely photo.',
    }]);
    for (const secret of ['held words', 'Held Harry', 'spam words', 'Spam Sam', 'trash words', 'Trash Tom', '@example.com', '@example.org']) {
      expect(head.raw, secret).not.toContain(secret);
    }
  });

  it('keeps a held comment out of the head even for the browser that wrote it, which sees it on the page', async () => {
    // Over plain http the test's agent keeps a session cookie only when BASE_URL is not https.
    t.close();
    t = makeTestApp();
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Quiet' });
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const sent = await agent.post('/posts/quiet/comments').type('form')
      .send({ _csrf: token, author: 'Own Olive', email: 'olive@example.com', url: '', comment: 'my own held words 5521' });
    expect(sent.status, sent.text.slice(0, 300)).toBe(303);
    expect(sent.headers.location).toMatch(/\?unapproved=\d+#comment-\d+$/);
    const res = await agent.get(sent.headers.location!);
    expect(res.text).toContain('my own held words 5521');
    const head = readHead(res.text);
    expect(head.jsonLd[0]).toMatchObject({ commentCount: 0, comment: [] });
    expect(head.raw).not.toMatch(/5521|Own Olive|olive@/);
  });

  it('cannot be broken out of by a title holding </script>: the JSON-LD stays one valid block', async () => {
    const author = await makeUser(t.repos);
    const title = 'Tags </script><script>alert(1)</script> & <!-- more';
    makePost(t, author, { title, slug: 'tricky' });
    const res = await request(t.app).get('/posts/tricky');
    const head = readHead(res.text);
    expect(head.jsonLd).toHaveLength(1);
    expect(head.jsonLd[0]!.headline).toBe(title);
    expect(values(head, 'og:title')).toEqual([title]);
    expect(res.text).not.toContain('<script>alert(1)');
  });

  it('gives a post without an image a summary card, and a page a website card without article tags', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Words only', body_md: 'Nothing to see.' });
    makePost(t, author, { title: 'About', kind: 'page', body_md: 'Who writes here.' });
    const post = await get('/posts/words-only');
    expect(values(post, 'twitter:card')).toEqual(['summary']);
    expect(values(post, 'og:image')).toEqual([]);
    const page = await get('/posts/about');
    expect(values(page, 'og:type')).toEqual(['website']);
    expect(values(page, 'article:published_time')).toEqual([]);
    expect(page.jsonLd.map((d) => d['@type'])).toEqual(['WebPage']);
  });
});

describe('listings and other pages', () => {
  it('give the home page a WebSite with a SearchAction, and listings a Blog of their public posts', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Seen', tags: ['Moss'], published_at: new Date('2026-03-04T12:00:00Z') });
    makePost(t, author, { title: 'Secret draft 4410', status: 'draft', tags: ['Moss'] });
    makePost(t, author, { title: 'Scheduled 4411', published_at: new Date(Date.now() + 3_600_000), tags: ['Moss'] });

    const home = await get('/');
    expect(values(home, 'description')).toEqual(['Writing in public, talking it over']);
    expect(values(home, 'og:type')).toEqual(['website']);
    expect(home.jsonLd.map((d) => d['@type'])).toEqual(['WebSite', 'Blog']);
    expect(home.jsonLd[0]).toMatchObject({
      url: `${BASE}/`,
      potentialAction: { '@type': 'SearchAction', target: { urlTemplate: `${BASE}/search?q={search_term_string}` } },
    });
    for (const path of ['/', '/tags/moss', '/archive/2026', '/archive/2026/3']) {
      const head = await get(path);
      const blog = head.jsonLd.find((d) => d['@type'] === 'Blog');
      expect(blog, path).toMatchObject({ url: `${BASE}${path}`, blogPost: [{ '@type': 'BlogPosting', headline: 'Seen', url: `${BASE}/posts/seen` }] });
      expect(head.canonical, path).toBe(`${BASE}${path}`);
      expect(head.raw, path).not.toMatch(/4410|4411/);
    }
    expect((await get('/tags/moss')).jsonLd.map((d) => d['@type'])).toEqual(['Blog']);
  });

  it('gives later home pages a Blog only, at their own address', async () => {
    const author = await makeUser(t.repos);
    for (let i = 0; i < 11; i++) makePost(t, author, { title: `Post ${i}`, published_at: new Date(Date.now() - (i + 1) * 60_000) });
    const second = await get('/?page=2');
    expect(second.jsonLd.map((d) => d['@type'])).toEqual(['Blog']);
    expect(second.canonical).toBe(`${BASE}/?page=2`);
    expect(values(second, 'og:url')).toEqual([`${BASE}/?page=2`]);
  });

  it('puts a meta description on every public page, and a card on every page with an address', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Moss', tags: ['Moss'] });
    for (const path of ['/', '/posts/moss', '/tags/moss', '/archive/2026', '/search', '/search?q=moss', '/privacy', '/admin/login', '/nowhere']) {
      const head = await get(path);
      const [description] = values(head, 'description');
      expect(description, path).toBeTruthy();
      expect(description, path).not.toMatch(/undefined|null|%s|<%/);
      expect(head.meta.filter((m) => m.key === 'description'), path).toHaveLength(1);
    }
    // A page that is not there is not for sharing: no card, no canonical address.
    const missing = await get('/nowhere');
    expect(missing.canonical).toBeUndefined();
    expect(values(missing, 'og:url')).toEqual([]);
    const search = await get('/search?q=moss');
    expect(values(search, 'og:url')).toEqual([`${BASE}/search?q=moss`]);
  });

  it('links the JSON Feed beside RSS and Atom', async () => {
    const { raw } = await get('/');
    expect(raw).toContain('<link rel="alternate" type="application/feed+json" title="Colloquy – posts (JSON Feed)" href="/feed/json">');
  });
});
