import request from 'supertest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';

const BASE = 'https://blog.example.org';
let t: TestContext;
beforeEach(() => { t = makeTestApp({ BASE_URL: BASE }); });
afterEach(() => t.close());

// Arrays for every element that may repeat, so one item and many read the same way.
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['item', 'entry', 'category', 'url', 'link'].includes(name),
});

function parse(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml);
}

async function publishMix() {
  const author = await makeUser(t.repos, 'author', 'ada');
  t.db.prepare("UPDATE users SET email = 'ada@example.org', display_name = 'Ada Lovelace' WHERE id = ?").run(author.id);
  const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
  makePost(t, { ...author, display_name: 'Ada Lovelace' }, { title: 'Older', body_md: 'Old *news*.', tags: ['Maths', 'Engines'], published_at: minutesAgo(10) });
  makePost(t, author, { title: 'Newer', body_md: 'Fresh **news**.', excerpt: 'The short of it', published_at: minutesAgo(5) });
  makePost(t, author, { title: 'Secret draft', status: 'draft' });
  makePost(t, author, { title: 'Scheduled one', published_at: new Date(Date.now() + 3_600_000) });
  makePost(t, author, { title: 'About page', kind: 'page' });
  return author;
}

describe('GET /feed (RSS 2.0)', () => {
  it('lists the newest public posts with absolute links, content, author and tags', async () => {
    await publishMix();
    const res = await request(t.app).get('/feed');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    const channel = parse(res.text).rss.channel;
    expect(channel.link[0]).toBe(`${BASE}/`);
    const items = channel.item;
    expect(items.map((i: { title: string }) => i.title)).toEqual(['Newer', 'Older']);
    const [newer, older] = items;
    expect(newer.link[0]).toBe(`${BASE}/posts/newer`);
    expect(newer['content:encoded']).toContain('<strong>news</strong>');
    expect(newer.description).toBe('The short of it');
    expect(newer['dc:creator']).toBe('Ada Lovelace');
    expect(new Date(newer.pubDate).getTime()).toBeGreaterThan(Date.now() - 6 * 60_000);
    expect(older.category.map((c: string | { '#text': string }) => (typeof c === 'string' ? c : c['#text']))).toEqual(['Engines', 'Maths']);
    expect(res.text).not.toContain('ada@example.org');
    for (const hidden of ['Secret draft', 'Scheduled one', 'About page']) expect(res.text).not.toContain(hidden);
  });

  it('keeps titles with XML special characters well-formed and intact', async () => {
    const author = await makeUser(t.repos);
    const title = 'x < y & "z" ]]> then ]]> again &amp; \u0001done';
    makePost(t, author, { title, body_md: 'Code: `a ]]> b` and <span>]]></span>', tags: ['C&<b>'] });
    for (const path of ['/feed', '/feed/atom']) {
      const res = await request(t.app).get(path);
      const doc = parse(res.text);
      const item = path === '/feed' ? doc.rss.channel.item[0] : doc.feed.entry[0];
      const shown = path === '/feed' ? item.title : item.title['#text'];
      // Atom titles are HTML: one more level of escaping, which a reader undoes.
      const plain = path === '/feed' ? shown : shown.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
      expect(plain, path).toBe('x < y & "z" ]]> then ]]> again &amp; done');
    }
  });

  it('makes the site\'s own links and images absolute in item content', async () => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'Pictures', body_md: '![A cat](/uploads/cat.png) and [the about page](/posts/about), [elsewhere](https://other.example/x).' });
    for (const path of ['/feed', '/feed/atom']) {
      const text = (await request(t.app).get(path)).text;
      expect(text, path).toContain(`src="${BASE}/uploads/cat.png"`);
      expect(text, path).toContain(`href="${BASE}/posts/about"`);
      expect(text, path).toContain('href="https://other.example/x"');
    }
  });

  it('holds at most 20 items', async () => {
    const author = await makeUser(t.repos);
    for (let i = 0; i < 23; i++) makePost(t, author, { title: `Post ${i}`, published_at: new Date(Date.now() - (100 - i) * 60_000) });
    const items = parse((await request(t.app).get('/feed')).text).rss.channel.item;
    expect(items).toHaveLength(20);
    expect(items[0].title).toBe('Post 22');
  });

  it.each(['/feed', '/feed/atom', '/feed/json'])('%s answers 304 to a reader who already has this version, and 200 once it changes', async (path) => {
    const author = await makeUser(t.repos);
    makePost(t, author, { title: 'One' });
    const first = await request(t.app).get(path);
    expect(first.headers.etag).toBeTruthy();
    expect(first.headers['last-modified']).toBeTruthy();
    const again = await request(t.app).get(path).set('If-None-Match', first.headers.etag!);
    expect(again.status).toBe(304);
    makePost(t, author, { title: 'Two' });
    const changed = await request(t.app).get(path).set('If-None-Match', first.headers.etag!);
    expect(changed.status).toBe(200);
    expect(changed.text).toContain('Two');
  });

  it('is a valid empty feed for an empty blog', async () => {
    const channel = parse((await request(t.app).get('/feed')).text).rss.channel;
    expect(channel.item).toBeUndefined();
    expect(channel.title).toBe('Colloquy');
  });
});

describe('GET /feed/atom', () => {
  it('lists public posts as entries with absolute links, authors by name and tag categories', async () => {
    await publishMix();
    const res = await request(t.app).get('/feed/atom');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = parse(res.text).feed;
    expect(feed['@xmlns']).toBe('http://www.w3.org/2005/Atom');
    const entries = feed.entry;
    expect(entries.map((e: { title: { '#text': string } }) => e.title['#text'])).toEqual(['Newer', 'Older']);
    const older = entries[1];
    expect(older.link[0]['@href']).toBe(`${BASE}/posts/older`);
    expect(older.author.name).toBe('Ada Lovelace');
    expect(older.id).toMatch(/^tag:blog\.example\.org,\d{4}-\d\d-\d\d:post-\d+$/);
    expect(older.category.map((c: Record<string, string>) => [c['@term'], c['@label'], c['@scheme']])).toEqual([
      ['engines', 'Engines', `${BASE}/tags/`],
      ['maths', 'Maths', `${BASE}/tags/`],
    ]);
    expect(older.content['#text']).toContain('<em>news</em>');
    expect(Date.parse(older.published)).toBeLessThanOrEqual(Date.parse(older.updated));
    expect(res.text).not.toContain('ada@example.org');
    for (const hidden of ['Secret draft', 'Scheduled one', 'About page']) expect(res.text).not.toContain(hidden);
  });
});

describe('GET /sitemap.xml and /robots.txt', () => {
  it('lists home, public posts and pages with lastmod, and tags of public posts', async () => {
    const author = await publishMix();
    makePost(t, author, { title: 'Hidden tagged', status: 'draft', tags: ['Only drafts'] });
    const res = await request(t.app).get('/sitemap.xml');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
    const urls: { loc: string; lastmod?: string }[] = parse(res.text).urlset.url;
    const locs = urls.map((u) => u.loc);
    expect(locs).toEqual([
      `${BASE}/`,
      `${BASE}/posts/about-page`,
      `${BASE}/posts/newer`,
      `${BASE}/posts/older`,
      `${BASE}/tags/engines`,
      `${BASE}/tags/maths`,
    ]);
    for (const u of urls) expect(u.lastmod, u.loc).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('robots.txt keeps crawlers out of /admin and names the sitemap absolutely', async () => {
    const res = await request(t.app).get('/robots.txt');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toContain('User-agent: *\nDisallow: /admin\n');
    expect(res.text).toContain(`Sitemap: ${BASE}/sitemap.xml`);
  });
});
