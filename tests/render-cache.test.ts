// The shared render cache, seen from outside: a kept page is served with one read,
// changes right after every write it shows, carries a fresh stamp each time, answers
// revalidation with 304, is compressed correctly, and personal pages never touch it.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  countQueries, inputValue, loginAs, makePost, makeTestApp, makeTestClock, makeUser, postForm, scriptToken, seedComment,
  type TestClock, type TestContext,
} from './helpers/index.js';
import { createApp } from '../src/app.js';
import { buildContext } from '../src/compose.js';
import { openDatabase } from '../src/db/open.js';
import type { User } from '../src/users/users-repository.js';

let t: TestContext;
let author: User;
let postId: number;
let clock: TestClock;

beforeEach(async () => {
  clock = makeTestClock();
  t = makeTestApp({}, { clock });
  author = await makeUser(t.repos, 'admin', 'alice');
  postId = makePost(t, author, { title: 'Hello', tags: ['Travel'] });
});
afterEach(() => t.close());

const ONE_READ = ['SELECT n FROM content_generation'];

/** A GET as a reader without cookies (plain body), with the statements it ran. */
async function read(path: string, headers: Record<string, string> = {}) {
  const { result, sql } = await countQueries(t.db, () => request(t.app).get(path).set({ 'Accept-Encoding': 'identity', ...headers }));
  return { res: result, sql, fromCache: sql.length === 1 && sql[0] === ONE_READ[0] };
}

/** Reads `path` twice, so the page is kept, and checks the second came from memory. */
async function kept(path: string) {
  await read(path);
  const second = await read(path);
  expect(second.fromCache, `${path} kept`).toBe(true);
  return second.res;
}

describe('a kept page', () => {
  it('is served to the next reader with one read, whatever else the query holds', async () => {
    const first = await read('/posts/hello');
    expect(first.fromCache).toBe(false);
    const second = await read('/posts/hello');
    expect(second.sql).toEqual(ONE_READ);
    expect(second.res.status).toBe(200);
    expect(second.res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(second.res.text.replace(/comment_stamp" value="[^"]*"/, '')).toBe(first.res.text.replace(/comment_stamp" value="[^"]*"/, ''));
    expect((await read('/posts/hello?utm_source=feed&fbclid=abc')).fromCache).toBe(true);
    // A key the page reads makes another page.
    const reply = await read(`/posts/hello?replyto=${seedComment(t.repos, postId)}`);
    expect(reply.fromCache).toBe(false);
    expect(reply.res.text).toContain('Replying to');
  });

  it('is answered in front of the app with every header it was first sent with', async () => {
    const first = await read('/posts/hello');
    const second = await read('/posts/hello');
    expect(second.fromCache).toBe(true);
    const { date: _d1, ...sent } = first.res.headers;
    const { date: _d2, ...answered } = second.res.headers;
    expect(answered).toEqual(sent);
    expect(answered['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(answered['x-content-type-options']).toBe('nosniff');
    expect(answered['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('is served to HEAD with the same headers and no body', async () => {
    const get = await kept('/posts/hello');
    const head = await read('/posts/hello', {});
    const { result: res, sql } = await countQueries(t.db, () => request(t.app).head('/posts/hello').set('Accept-Encoding', 'identity'));
    expect(head.fromCache).toBe(true);
    expect(sql).toEqual(ONE_READ);
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(get.headers['content-length']);
    expect(res.text ?? '').toBe('');
  });

  it('is not kept when RENDER_CACHE_MB is 0, and is still shared and stamped', async () => {
    const off = makeTestApp({ RENDER_CACHE_MB: '0' });
    try {
      const user = await makeUser(off.repos);
      makePost(off, user, { title: 'Hello' });
      await request(off.app).get('/posts/hello');
      const { result, sql } = await countQueries(off.db, () => request(off.app).get('/posts/hello'));
      expect(sql.length).toBeGreaterThan(1);
      expect(result.headers['cache-control']).toBe('public, max-age=0, s-maxage=1, stale-if-error=86400');
      expect(off.ctx.keys.stampTime(inputValue(result.text, 'comment_stamp') ?? '')).toBeGreaterThan(0);
    } finally {
      off.close();
    }
  });
});

describe('a kept page changes right after a write it shows', () => {
  it('a comment approved, and then removed', async () => {
    const id = seedComment(t.repos, postId, { status: 'pending', body_md: 'Waiting words', body_html: '<p>Waiting words</p>' });
    expect((await kept('/posts/hello')).text).not.toContain('Waiting words');
    const agent = await loginAs(t, 'alice');
    expect((await postForm(agent, `/admin/comments/${id}/approve`, {}, '/admin/comments')).status).toBe(303);
    expect((await read('/posts/hello')).res.text).toContain('Waiting words');
    expect((await kept('/')).text).toContain('1 Response');

    expect((await postForm(agent, `/admin/comments/${id}/trash`, {}, '/admin/comments')).status).toBe(303);
    expect((await read('/posts/hello')).res.text).not.toContain('Waiting words');
    expect((await read('/')).res.text).toContain('No Responses');
  });

  it('a post edited, and its tags changed', async () => {
    expect((await kept('/posts/hello')).text).toContain('Travel');
    await kept('/');
    await kept('/feed');
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, `/admin/posts/${postId}`, { title: 'Hello, edited', slug: 'hello', body: 'New words.', status: 'published', comments_open: '1', tags: 'Gardening' }, `/admin/posts/${postId}/edit`);
    expect(res.status).toBe(303);
    const page = (await read('/posts/hello')).res.text;
    expect(page).toContain('Hello, edited');
    expect(page).toContain('Gardening');
    expect(page).not.toContain('Travel');
    expect((await read('/')).res.text).toContain('Hello, edited');
    expect((await read('/feed')).res.text).toContain('Hello, edited');
    expect((await read('/tags/travel')).res.status).toBe(404);
  });

  it('a setting changed', async () => {
    await kept('/');
    await kept('/posts/hello');
    const agent = await loginAs(t, 'alice');
    expect((await postForm(agent, '/admin/settings', { title: 'Quite Another Blog' }, '/admin/settings')).status).toBe(303);
    expect((await read('/')).res.text).toContain('Quite Another Blog');
    expect((await read('/posts/hello')).res.text).toContain('Quite Another Blog');
  });

  it('a tag renamed', async () => {
    await kept('/posts/hello');
    t.db.prepare("UPDATE tags SET name = 'Journeys' WHERE slug = 'travel'").run();
    expect((await read('/posts/hello')).res.text).toContain('Journeys');
  });

  it('a like counted', async () => {
    expect((await kept('/posts/hello')).text).toContain('Be the first to like this');
    const reader = request.agent(t.app);
    const token = await scriptToken(reader);
    const like = await reader.post('/posts/hello/like').type('form').send({ _csrf: token });
    expect(like.status).toBe(303);
    expect((await read('/posts/hello')).res.text).toContain('1 blogger likes this');
  });

  it('a scheduled post’s time coming, by the clock alone', async () => {
    makePost(t, author, { title: 'From the future', published_at: new Date(clock() + 3_600_000) });
    makePost(t, author, { title: 'A page for later', kind: 'page', published_at: new Date(clock() + 7_200_000) });
    expect((await kept('/')).text).not.toContain('From the future');
    expect((await kept('/posts/hello')).text).not.toContain('A page for later');
    expect((await kept('/feed')).text).not.toContain('From the future');
    clock.advance(3_600_000);
    expect((await read('/')).res.text).toContain('From the future');
    expect((await read('/feed')).res.text).toContain('From the future');
    expect((await read('/posts/from-the-future')).res.status).toBe(200);
    // Kept again until the next publication, which then shows in every page's navigation.
    expect((await kept('/posts/hello')).text).not.toContain('A page for later');
    clock.advance(3_600_000);
    expect((await read('/posts/hello')).res.text).toContain('A page for later');
  });
});

describe('several workers', () => {
  it('each see a write made through another at once, through the database alone', async () => {
    // A second worker: its own connection to the same file, its own memory.
    const db = openDatabase(t.config.databasePath);
    const other = createApp(buildContext({ db, config: t.config, clock }));
    try {
      await kept('/posts/hello');
      // Kept in the other worker too, then a like counted there.
      await request(other).get('/posts/hello');
      expect((await request(other).get('/posts/hello').set('Accept-Encoding', 'identity')).text).toContain('Be the first to like this');
      const reader = request.agent(other);
      const token = await scriptToken(reader);
      expect((await reader.post('/posts/hello/like').type('form').send({ _csrf: token })).status).toBe(303);
      expect((await read('/posts/hello')).res.text).toContain('1 blogger likes this');
    } finally {
      other.close();
      db.close();
    }
  });
});

describe('the per-response stamp', () => {
  const stampOf = (html: string) => t.ctx.keys.stampTime(inputValue(html, 'comment_stamp') ?? '');

  it('reaches a reply form deep in a thread too long for one batch, in place, kept and fresh', async () => {
    // 250 comments render in three batches (src/http/long-list.ts); the form answering
    // one in the last batch sits inside that comment's item, with its own stamp each time.
    const ids: number[] = [];
    for (let i = 0; i < 250; i++) ids.push(seedComment(t.repos, postId, { parent_id: i % 3 === 0 ? null : ids[i - 1 - (i % 7) % i]! }));
    const target = ids[230]!;
    const page = `/posts/hello?replyto=${target}`;
    await read(page);
    clock.advance(60_000);
    const hit = await read(page);
    expect(hit.fromCache).toBe(true);
    const html = hit.res.text;
    expect(stampOf(html)).toBe(clock());
    expect(html).not.toMatch(/colloquy-(per-response|long-list)-/);
    const item = html.indexOf(`<li id="comment-${target}"`);
    const form = html.indexOf('<form id="commentform"');
    expect(item).toBeGreaterThan(0);
    expect(form).toBeGreaterThan(item);
    expect(html.slice(item, form)).not.toContain('</li>');
    expect([...html.matchAll(/<li id="comment-(\d+)"/g)]).toHaveLength(250);
  });

  it('is made fresh for every response from memory, so posting at once is still too quick', async () => {
    // Kept a minute ago (by the app's clock): a stamp baked in then would let a robot post at once.
    await read('/posts/hello');
    clock.advance(60_000);
    const hit = await read('/posts/hello');
    expect(hit.fromCache).toBe(true);
    expect(stampOf(hit.res.text)).toBe(clock());
    clock.advance(5000);
    const next = (await read('/posts/hello')).res.text;
    expect(stampOf(next)).toBe(clock());
    const stamp = inputValue(next, 'comment_stamp')!;

    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const res = await agent.post('/posts/hello/comments').type('form')
      .send({ _csrf: token, author: 'Quick', email: 'quick@example.com', comment: 'Straight away', comment_stamp: stamp });
    expect(res.status).toBe(422);
    expect(res.text).toContain('too quickly');
  });
});

describe('a personal page', () => {
  it('is neither served from nor kept in the shared cache: a held comment, a token, a signed-in person', async () => {
    // Personal requests first, on an empty cache: none of them may be kept.
    const commenter = request.agent(t.app);
    const token = await scriptToken(commenter);
    const posted = await commenter.post('/posts/hello/comments').type('form')
      .send({ _csrf: token, author: 'Held Person', email: 'held@example.com', comment: 'My held words' });
    expect(posted.status).toBe(303);
    const own = await commenter.get(posted.headers.location!.replace(/#.*/, ''));
    expect(own.text).toContain('My held words');
    expect(own.text).toContain('awaiting moderation');
    expect(own.headers['cache-control']).toBe('private, no-store');
    expect(inputValue(own.text, '_csrf', own.text.indexOf('id="commentform"'))).not.toBe('');
    const admin = await loginAs(t, 'alice');
    const desk = await admin.get('/posts/hello');
    expect(desk.text).toContain('post-edit-link');
    expect(desk.headers['cache-control']).toBe('private, no-store');

    // The first reader without cookies finds nothing kept; the held comment's link is the same page for them.
    for (const [path, fromCache] of [[posted.headers.location!.replace(/#.*/, ''), false], ['/posts/hello', true]] as const) {
      const anonymous = await read(path);
      expect(anonymous.fromCache, path).toBe(fromCache);
      expect(anonymous.res.text).not.toContain('My held words');
      expect(anonymous.res.text).not.toContain('post-edit-link');
      expect(inputValue(anonymous.res.text, '_csrf', anonymous.res.text.indexOf('id="commentform"'))).toBe('');
      expect(anonymous.res.headers['cache-control']).toBe('public, max-age=0, s-maxage=1, stale-if-error=86400');
    }

    // Now kept for readers without cookies: personal requests still get their own page.
    await kept('/posts/hello');
    const again = await commenter.get('/posts/hello');
    expect(inputValue(again.text, '_csrf', again.text.indexOf('id="commentform"'))).not.toBe('');
    expect((await admin.get('/posts/hello')).text).toContain('post-edit-link');
    expect((await request(t.app).get('/posts/hello').set('Cookie', 'colloquy_reader=abcdefghijklmnopqrstuvwx')).headers['cache-control']).toBe('private, no-store');
  });
});

describe('the shared thread', () => {
  const readsThread = (sql: string[]) => sql.some((q) => q.includes('json_each(@own)'));
  const withCookie = (app = t.app) => request(app).get('/posts/hello').set('Cookie', 'colloquy_reader=abcdefghijklmnopqrstuvwx');

  it('is read once per write for personal pages too, and shows each write at once', async () => {
    seedComment(t.repos, postId, { body_md: 'First words' });
    expect(readsThread((await countQueries(t.db, () => withCookie())).sql)).toBe(true);
    const again = await countQueries(t.db, () => withCookie());
    expect(again.result.text).toContain('First words');
    expect(again.result.headers['cache-control']).toBe('private, no-store');
    expect(readsThread(again.sql)).toBe(false);

    seedComment(t.repos, postId, { body_md: 'Second words' });
    const after = await countQueries(t.db, () => withCookie());
    expect(readsThread(after.sql)).toBe(true);
    expect(after.result.text).toContain('Second words');

    // A reader's own held comment makes the thread theirs: read for them, never kept for others.
    const commenter = request.agent(t.app);
    const token = await scriptToken(commenter);
    await commenter.post('/posts/hello/comments').type('form').send({ _csrf: token, author: 'Held', email: 'held@example.com', comment: 'Held words' });
    expect((await commenter.get('/posts/hello')).text).toContain('Held words');
    expect((await withCookie()).text).not.toContain('Held words');
  });

  it('is not kept when RENDER_CACHE_MB is 0', async () => {
    const off = makeTestApp({ RENDER_CACHE_MB: '0' });
    try {
      const other = makePost(off, await makeUser(off.repos, 'admin', 'bob'), { title: 'Hello' });
      seedComment(off.repos, other);
      await withCookie(off.app);
      expect(readsThread((await countQueries(off.db, () => withCookie(off.app))).sql)).toBe(true);
    } finally {
      off.close();
    }
  });
});

describe('a long thread', () => {
  it('is the same page, whole and exact, for a reader with cookies (streamed as it renders) and one without', async () => {
    for (let i = 0; i < 130; i++) seedComment(t.repos, postId, { body_md: `Comment ${i} with ünïcödé — “quotes” ✓` });
    const shared = await read('/posts/hello');
    const personal = await request(t.app).get('/posts/hello').set({ 'Accept-Encoding': 'identity', Cookie: 'colloquy_reader=abcdefghijklmnopqrstuvwx' });
    expect(personal.status).toBe(200);
    expect(personal.headers['cache-control']).toBe('private, no-store');
    // Private and never stored, so never revalidated: no ETag to work out.
    expect(personal.headers.etag).toBeUndefined();
    expect(shared.res.headers.etag).toMatch(/^W\//);
    expect(personal.headers['transfer-encoding']).toBe('chunked');
    const unstamped = (html: string) => html.replace(/comment_stamp" value="[^"]*"/, '');
    expect(unstamped(personal.text)).toBe(unstamped(shared.res.text));
    expect([...personal.text.matchAll(/<li id="comment-\d+"/g)]).toHaveLength(130);
    expect(personal.text).toContain('Comment 129 with ünïcödé — “quotes” ✓');

    const head = await request(t.app).head('/posts/hello').set({ 'Accept-Encoding': 'identity', Cookie: 'colloquy_reader=abcdefghijklmnopqrstuvwx' });
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(head.text ?? '').toBe('');
  });
});

describe('a long thread streamed to a reader who leaves', () => {
  it('leaves nothing broken when the reader hangs up mid-page: the next reader gets it whole', async () => {
    t.db.transaction(() => {
      for (let i = 0; i < 2_000; i++) seedComment(t.repos, postId, { body_md: `Comment ${i}: ${'words '.repeat(40)}` });
    })();
    const server = t.app.listen(0, '127.0.0.1');
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      // Reads the first bytes of a page of some 3 MB, then hangs up.
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /posts/hello HTTP/1.1\r\nHost: x\r\nCookie: colloquy_reader=abcdefghijklmnopqrstuvwx\r\n\r\n'));
        socket.once('data', (chunk: Buffer) => {
          expect(chunk.toString('latin1', 0, 12)).toBe('HTTP/1.1 200');
          socket.destroy();
          resolve();
        });
        socket.on('error', reject);
      });
      const next = await request(server).get('/posts/hello').set('Cookie', 'colloquy_reader=abcdefghijklmnopqrstuvwx');
      expect(next.status).toBe(200);
      expect([...next.text.matchAll(/<li id="comment-\d+"/g)]).toHaveLength(2_000);
      expect(next.text.trimEnd().endsWith('</html>')).toBe(true);
    } finally {
      server.close();
    }
  });
});

describe('validators', () => {
  it.each(['/', '/posts/hello', '/feed', '/feed/atom', '/feed/json', '/comments/feed', '/posts/hello/feed', '/sitemap.xml', '/search?q=hello'])(
    '%s answers If-None-Match with 304 and no body, until a write changes it', async (path) => {
      seedComment(t.repos, postId, { body_md: 'Hello there', body_html: '<p>Hello there</p>' });
      const first = await read(path);
      const etag = first.res.headers.etag!;
      expect(etag).toMatch(/^W\/"[\w-]+"$/);
      const again = await read(path, { 'If-None-Match': etag });
      expect(again.fromCache).toBe(true);
      expect(again.res.status).toBe(304);
      expect(again.res.text ?? '').toBe('');
      expect(again.res.headers.etag).toBe(etag);
      expect(again.res.headers['cache-control']).toBe('public, max-age=0, s-maxage=1, stale-if-error=86400');
      // Writes each of these shows: the blog's title, a comment, a new post.
      t.repos.settings.save({ title: 'Renamed' });
      seedComment(t.repos, postId, { body_md: 'More', body_html: '<p>More</p>' });
      makePost(t, author, { title: 'Hello again' });
      const changed = await read(path, { 'If-None-Match': etag });
      expect(changed.res.status).toBe(200);
      expect(changed.res.headers.etag).not.toBe(etag);
    });

  it('keeps the ETag of a page whose own content did not change, although something else did', async () => {
    const etag = (await read('/posts/hello')).res.headers.etag!;
    makePost(t, author, { title: 'Unrelated' });
    expect((await read('/posts/hello', { 'If-None-Match': etag })).res.status).toBe(304);
  });
});

describe('compression', () => {
  let server: http.Server;
  let port: number;
  beforeEach(async () => {
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(() => new Promise((resolve) => server.close(resolve)));

  function raw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  }
  const decode = (encoding: string | undefined, body: Buffer) =>
    (encoding === 'br' ? zlib.brotliDecompressSync(body) : encoding === 'gzip' ? zlib.gunzipSync(body) : body).toString('utf8');
  const withoutStamp = (html: string) => html.replace(/comment_stamp" value="[^"]*"/, '');

  it.each(['br', 'gzip'])('%s: decodes to the plain page with its own fresh stamp, stored and kept alike', async (encoding) => {
    const plain = (await raw('/posts/hello', {})).body.toString('utf8');
    for (let i = 0; i < 2; i++) {
      const res = await raw('/posts/hello', { 'Accept-Encoding': `${encoding}, identity` });
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(res.headers.vary).toMatch(/Accept-Encoding/);
      expect(Number(res.headers['content-length'])).toBe(res.body.length);
      expect(res.body.length).toBeLessThan(Buffer.byteLength(plain) / 2);
      const html = decode(encoding, res.body);
      expect(withoutStamp(html)).toBe(withoutStamp(plain));
      expect(t.ctx.keys.stampTime(inputValue(html, 'comment_stamp') ?? '')).toBeGreaterThan(0);
    }
  });

  it('compresses a page whose per-response part sits far from its end', async () => {
    const first = seedComment(t.repos, postId);
    for (let i = 0; i < 150; i++) seedComment(t.repos, postId, { body_md: `Reply ${i}`, body_html: `<p>Reply ${i} ${'with some words '.repeat(30)}</p>` });
    const path = `/posts/hello?replyto=${first}`;
    const plain = (await raw(path, {})).body.toString('utf8');
    expect(Buffer.byteLength(plain) - plain.indexOf('comment_stamp')).toBeGreaterThan(65_535);
    for (const encoding of ['br', 'gzip']) {
      const res = await raw(path, { 'Accept-Encoding': encoding });
      expect(res.headers['content-encoding']).toBe(encoding);
      expect(withoutStamp(decode(encoding, res.body))).toBe(withoutStamp(plain));
    }
  });

  it('leaves small bodies and clients that ask for nothing alone', async () => {
    const empty = await raw('/comments/feed', { 'Accept-Encoding': 'gzip, br' });
    expect(empty.body.length).toBeLessThan(1024);
    expect(empty.headers['content-encoding']).toBeUndefined();
    const plain = await raw('/posts/hello', {});
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString('utf8')).toContain('id="commentform"');
  });
});
