// Public reading pages over HTTP: home, post, tag and archive listings, errors, health.
import express from 'express';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorHandler, notFoundHandler } from '../src/http/errors.js';
import { createLogger } from '../src/logger.js';
import type { User } from '../src/users/users-repository.js';
import { makeTestClock, type TestClock, makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';

let t: TestContext;
let clock: TestClock;
let author: User;
beforeEach(async () => {
  clock = makeTestClock();
  t = makeTestApp({}, { clock });
  author = await makeUser(t.repos, 'author', 'writer');
});
afterEach(() => t.close());

const MINUTE = 60_000;
/** `count` published posts, "Post 1" the oldest, a minute apart. */
function makePosts(count: number, overrides: Parameters<typeof makePost>[2] = {}) {
  const start = Date.now() - (count + 1) * MINUTE;
  return Array.from({ length: count }, (_, i) =>
    makePost(t, author, { title: `Post ${i + 1}`, published_at: new Date(start + i * MINUTE), ...overrides }));
}
const titlesOn = (html: string) => [...html.matchAll(/<h2 class="post-title"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
const comment = (post_id: number, status: 'approved' | 'pending' = 'approved') => t.repos.comments.insert({
  post_id, parent_id: null, user_id: null, author_name: 'Reader', author_email: 'reader@example.org', author_url: '',
  body_md: 'Hi', body_html: '<p>Hi</p>', status, held_reason: '', ip_hash: '', user_agent: '',
});

describe('home page', () => {
  it('shows the site title and tagline from settings, and a friendly note on an empty blog', async () => {
    t.repos.settings.save({ title: 'Field Notes', tagline: 'Small things, written down' });
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Field Notes');
    expect(res.text).toContain('Small things, written down');
    expect(res.text).toContain('<title>Field Notes – Small things, written down</title>');
    expect(res.text).toContain('Nothing has been published here yet.');
    expect(res.text).toContain('<link rel="alternate" type="application/rss+xml"');
  });

  it('lists 10 posts a page, newest first, each with title, date, author, excerpt and comment count', async () => {
    const ids = makePosts(11, { body_md: 'The opening words of the post.' });
    comment(ids[10]!);
    comment(ids[10]!);
    comment(ids[10]!, 'pending');
    comment(ids[9]!);
    const first = await request(t.app).get('/');
    expect(titlesOn(first.text)).toEqual(['Post 11', 'Post 10', 'Post 9', 'Post 8', 'Post 7', 'Post 6', 'Post 5', 'Post 4', 'Post 3', 'Post 2']);
    const newest = t.repos.posts.findById(ids[10]!)!;
    expect(first.text).toContain(`<time datetime="${newest.published_at}">`);
    expect(newest.published_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(first.text).toContain('<span class="post-author">Writer</span>');
    expect(first.text).toContain('The opening words of the post.');
    expect(first.text).toContain('2 Responses');
    expect(first.text).toContain('1 Response<');
    expect(first.text).toContain('No Responses');
    expect(first.text).toContain('href="/?page=2"');
    expect(first.text).not.toContain('rel="prev"');

    const second = await request(t.app).get('/?page=2');
    expect(second.status).toBe(200);
    expect(second.text).toContain(`<link rel="canonical" href="${t.config.baseUrl}/?page=2">`);
    expect(titlesOn(second.text)).toEqual(['Post 1']);
    expect(second.text).toMatch(/rel="prev" href="\/"/);
    expect(second.text).not.toContain('rel="next"');
  });

  it.each(['-1', '0', 'abc', '1.5', '1e3', '99999999999999999999', '2', '', ' 1'])('answers 404 in the site look for ?page=%s', async (page) => {
    makePosts(3);
    const res = await request(t.app).get(`/?page=${encodeURIComponent(page)}`);
    expect(res.status).toBe(404);
    expect(res.text).toContain('Page not found');
    expect(res.text).toContain('class="site-header"');
  });

  it('answers 404, not 500, to ?page given twice', async () => {
    makePosts(12);
    expect((await request(t.app).get('/?page=1&page=2')).status).toBe(404);
    expect((await request(t.app).get('/?page=2&page=2')).status).toBe(404);
    expect((await request(t.app).get('/?page=1')).status).toBe(200);
  });

  it('keeps drafts, scheduled posts and pages off the listing and out of the count', async () => {
    makePosts(10);
    makePost(t, author, { title: 'Secret draft', status: 'draft' });
    makePost(t, author, { title: 'Not yet', published_at: new Date(Date.now() + 60 * MINUTE) });
    makePost(t, author, { title: 'About me', kind: 'page' });
    const res = await request(t.app).get('/');
    expect(titlesOn(res.text)).toHaveLength(10);
    for (const hidden of ['Secret draft', 'Not yet']) expect(res.text).not.toContain(hidden);
    expect(titlesOn(res.text)).not.toContain('About me');
    expect(res.text).not.toContain('?page=2');
  });

  it('works for HEAD', async () => {
    makePosts(1);
    const res = await request(t.app).head('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text ?? '').toBe('');
  });

  it('lets caches keep the page briefly for a reader without cookies, and never for one with', async () => {
    const anonymous = await request(t.app).get('/');
    expect(anonymous.headers['cache-control']).toBe('public, max-age=0, s-maxage=1, stale-if-error=86400');
    expect(anonymous.headers.vary).toMatch(/Cookie/);
    expect(anonymous.headers['set-cookie']).toBeUndefined();
    const withCookie = await request(t.app).get('/').set('Cookie', 'colloquy.sid=whatever');
    expect(withCookie.headers['cache-control']).toBe('private, no-store');
    expect((await request(t.app).get('/nope')).headers['cache-control']).toBe('no-store');
  });
});

describe('post page', () => {
  it('shows a published post with the contract hooks and its tags', async () => {
    const id = makePost(t, author, { title: 'Hello world', body_md: 'First **post**.', tags: ['Greetings'] });
    const post = t.repos.posts.findById(id)!;
    const res = await request(t.app).get('/posts/hello-world');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<article id="post-${id}" class="post">`);
    expect(res.text).toContain('<h1 class="post-title">Hello world</h1>');
    expect(res.text).toContain('<span class="post-author">Writer</span>');
    expect(res.text).toContain(`<time datetime="${post.published_at}">`);
    expect(res.text).toMatch(/<div class="post-content">\s*<p>First <strong>post<\/strong>.<\/p>/);
    expect(res.text).toContain('href="/tags/greetings"');
    expect(res.text).toContain('<title>Hello world – Colloquy</title>');
    expect(res.text).toContain(`<link rel="canonical" href="${t.config.baseUrl}/posts/hello-world">`);
    expect(res.text).toContain('<meta name="description" content="First post.">');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('hides drafts and scheduled posts, and shows a scheduled one when its time comes, with no restart', async () => {
    makePost(t, author, { title: 'Draft', status: 'draft' });
    makePost(t, author, { title: 'Later', published_at: new Date(clock() + 60 * MINUTE) });
    const soon = clock() + 2000;
    makePost(t, author, { title: 'Soon', published_at: new Date(soon) });
    expect((await request(t.app).get('/posts/draft')).status).toBe(404);
    expect((await request(t.app).get('/posts/later')).status).toBe(404);
    expect((await request(t.app).get('/posts/soon')).status).toBe(404);
    expect((await request(t.app).get('/')).text).not.toContain('Soon');
    clock.advance(2050);
    expect((await request(t.app).get('/posts/soon')).status).toBe(200);
    expect(titlesOn((await request(t.app).get('/')).text)).toEqual(['Soon']);
  });

  it('answers 404 in the site look for an unknown slug, and 301 from an old slug to the new one', async () => {
    const unknown = await request(t.app).get('/posts/no-such-post');
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('class="site-header"');
    const id = makePost(t, author, { title: 'Old name' });
    t.services.posts.update(id, {
      kind: 'post', author_id: author.id, title: 'New name', slug: '', body_md: 'x', excerpt: '', tags: [],
      status: 'published', published_at: new Date(Date.now() - MINUTE), comments_open: true,
    });
    const moved = await request(t.app).get('/posts/old-name?replyto=3');
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe('/posts/new-name?replyto=3');
  });

  it('serves pages at /posts/:slug and lists them in the navigation, without post metadata', async () => {
    makePost(t, author, { title: 'About', kind: 'page', body_md: 'Who writes here.' });
    const res = await request(t.app).get('/posts/about');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Who writes here.');
    expect(res.text).not.toContain('class="post-meta"');
    const home = await request(t.app).get('/');
    expect(home.text).toMatch(/<nav class="site-nav"[\s\S]*href="\/posts\/about"[\s\S]*<\/nav>/);
  });
});

describe('tag and archive listings', () => {
  it('lists a tag\u2019s public posts, paged like the home page', async () => {
    makePosts(12, { tags: ['Travel'] });
    makePost(t, author, { title: 'Untagged' });
    makePost(t, author, { title: 'Draft trip', status: 'draft', tags: ['Travel'] });
    const first = await request(t.app).get('/tags/travel');
    expect(first.status).toBe(200);
    expect(first.text).toContain('Tagged “Travel”');
    expect(titlesOn(first.text)).toHaveLength(10);
    expect(first.text).not.toContain('Untagged');
    expect(first.text).toContain('href="/tags/travel?page=2"');
    expect(titlesOn((await request(t.app).get('/tags/travel?page=2')).text)).toEqual(['Post 2', 'Post 1']);
    expect((await request(t.app).get('/tags/travel?page=3')).status).toBe(404);
    expect((await request(t.app).get('/tags/nowhere')).status).toBe(404);
  });

  it('lists a year and a month by the site\u2019s time zone', async () => {
    t.repos.settings.save({ timezone: 'America/New_York' });
    // 02:00 UTC on 1 April is still 31 March in New York.
    makePost(t, author, { title: 'Late March', published_at: new Date(Date.UTC(2025, 3, 1, 2)) });
    makePost(t, author, { title: 'Mid April', published_at: new Date(Date.UTC(2025, 3, 15)) });
    makePost(t, author, { title: 'New Year', published_at: new Date(Date.UTC(2026, 0, 1, 3)) });
    const march = await request(t.app).get('/archive/2025/03');
    expect(march.text).toContain('Archive: March 2025');
    expect(titlesOn(march.text)).toEqual(['Late March']);
    expect(titlesOn((await request(t.app).get('/archive/2025/4')).text)).toEqual(['Mid April']);
    expect(titlesOn((await request(t.app).get('/archive/2025')).text)).toEqual(['New Year', 'Mid April', 'Late March']);
    expect(titlesOn((await request(t.app).get('/archive/2024')).text)).toEqual([]);
  });

  it.each(['/archive/abcd', '/archive/0999', '/archive/20250', '/archive/2025/13', '/archive/2025/0', '/archive/2025/x', '/archive/2025?page=2'])(
    'answers 404 to %s', async (url) => {
      expect((await request(t.app).get(url)).status).toBe(404);
    });
});

describe('errors and health', () => {
  it('answers 404 with the site\u2019s own page for an unknown URL', async () => {
    const res = await request(t.app).get('/no/such/thing');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Page not found</h1>');
    expect(res.text).toContain('class="site-header"');
    expect(res.text).toContain('href="/"');
  });

  it('answers 500 with the site\u2019s page and no trace of the failure when the database is gone', async () => {
    t.db.close();
    const res = await request(t.app).get('/');
    expect(res.status).toBe(500);
    expect(res.text).toContain('Something went wrong');
    expect(res.text).toContain('class="site-header"');
    expect(res.text).not.toMatch(/database|connection|at .*\.ts|node_modules|Error:/i);
  });

  it('renders a thrown error from any route as a 500 that leaks nothing', async () => {
    const app = express();
    app.set('views', 'views');
    app.set('view engine', 'ejs');
    app.get('/boom', () => { throw new Error('secret internals at /srv/app/db.ts:12'); });
    app.get('/async', async () => { throw new TypeError('cannot read x of undefined'); });
    app.use(notFoundHandler);
    app.use(errorHandler(createLogger('silent')));
    for (const url of ['/boom', '/async']) {
      const res = await request(app).get(url);
      expect(res.status).toBe(500);
      expect(res.text).toContain('Something went wrong');
      expect(res.text).not.toMatch(/secret internals|db\.ts|cannot read|TypeError|at /);
    }
    const json = await request(app).get('/boom').set('Accept', 'application/json');
    expect(json.body).toEqual({ error: expect.stringContaining('could not finish') });
  });

  it.each(['/posts/%', '/posts/%E0%A4%A', '/tags/%E0', '/archive/%', '/?page=%', '/posts/a%00b', `/posts/${'a'.repeat(5000)}`, '/static/%2e%2e/package.json'])(
    'answers %s with a 4xx page, never a 500', async (url) => {
      const res = await request(t.app).get(url);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).toContain('class="site-header"');
    });

  it('has an icon, linked from every page and at /favicon.ico', async () => {
    expect((await request(t.app).get('/')).text).toContain('<link rel="icon" href="/static/favicon.svg"');
    const ico = await request(t.app).get('/favicon.ico');
    expect(ico.status).toBe(301);
    expect(ico.headers.location).toBe('/static/favicon.svg');
    const svg = await request(t.app).get('/static/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
  });

  it('reports health at /healthz', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['cache-control']).toBe('no-store');
    t.db.close();
    const down = await request(t.app).get('/healthz');
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable' });
  });
});
