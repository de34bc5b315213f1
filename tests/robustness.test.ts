// The rule "no 500 on any input a browser or a bot can send; bad input gets a clear
// 4xx and loses nothing; no partial writes", checked across every route: hostile
// query strings, paths, bodies, ids and methods, as a reader without a session, a
// reader with one, an administrator and an author. Table-driven; problems are
// collected and reported together, so one run names every route that breaks.
import type { Server } from 'node:http';
import net from 'node:net';
import request from 'supertest';
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, pageToken, type Agent, seedComment, scriptToken, makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';

// A stack frame, a source path or a dependency's folder in a page is a leak.
const LEAK = /\bat [\w.$<>]+ \((?:file:|node:|\/)|\bat (?:file:\/\/)?\/[\w./-]+:\d+|node_modules|\/src\/|\.ts:\d+/;
const MARK = 'Typed-by-hand';

interface World {
  t: TestContext;
  server: Server;
  ids: Record<string, number>;
  /** A request maker per role, with the role's CSRF token ('' when it has none). */
  roles: Role[];
}

interface Role {
  name: 'nobody' | 'reader' | 'admin' | 'author';
  client: Agent | ReturnType<typeof request>;
  token: string;
}

type Res = request.Response;

/** Everything a refused request must leave as it was (sessions may start; that is allowed). */
function fingerprint(t: TestContext): string {
  const all = (sql: string) => t.db.prepare(sql).all();
  return JSON.stringify([
    all('SELECT id, post_id, parent_id, status, author_name, body_md, updated_at FROM comments ORDER BY id'),
    all('SELECT post_id, reader_key FROM likes ORDER BY 1, 2'),
    all('SELECT id, kind, title, slug, status, body_md, published_at, comments_open, updated_at FROM posts ORDER BY id'),
    all('SELECT id, username, role, password_hash, updated_at FROM users ORDER BY id'),
    all('SELECT key, value FROM settings ORDER BY key'),
    all('SELECT count(*) AS n FROM audit_log'),
    all('SELECT comment_id, reader_key FROM reports ORDER BY 1, 2'),
    all('SELECT id, filename FROM uploads ORDER BY id'),
    all('SELECT id, slug FROM tags ORDER BY id'),
    all('SELECT post_id, tag_id FROM post_tags ORDER BY 1, 2'),
    all('SELECT old_slug, post_id FROM post_redirects ORDER BY 1'),
  ]);
}

/** What is wrong with an answer, if anything (empty when it is fine). */
function problemsOf(res: Res, label: string, opts: { fragment?: boolean } = {}): string[] {
  const problems: string[] = [];
  const body = res.text ?? '';
  const type = String(res.headers['content-type'] ?? '');
  if (res.status >= 500) problems.push(`${label}: ${res.status}`);
  if (type.includes('text/html') && body !== '' && !opts.fragment && !(res.status >= 300 && res.status < 400) && !body.includes('class="site-header"')) {
    problems.push(`${label}: ${res.status} HTML that is not the site's page: ${body.slice(0, 120)}`);
  }
  const leak = LEAK.exec(body);
  if (leak) problems.push(`${label}: leaks "${body.slice(Math.max(0, leak.index - 40), leak.index + 80)}"`);
  const location = res.headers.location as string | undefined;
  if (location !== undefined && (!location.startsWith('/') || location.startsWith('//') || location.startsWith('/\\'))) {
    problems.push(`${label}: redirects off the site to ${location}`);
  }
  return problems;
}

async function makeWorld(): Promise<World> {
  const t = makeTestApp();
  // Let hostile comments reach validation and storage rather than stop at the rate limit.
  t.repos.settings.save({ comment_rate_per_minute: 1000, comment_min_seconds: 0 });
  const boss = await makeUser(t.repos, 'admin', 'boss');
  const writer = await makeUser(t.repos, 'author', 'writer');
  const other = await makeUser(t.repos, 'author', 'other');
  const hello = makePost(t, boss, { title: 'Hello', slug: 'hello', tags: ['News'] });
  const writersPost = makePost(t, writer, { title: 'Writer’s post', slug: 'writers-post' });
  const draft = makePost(t, writer, { title: 'A draft', slug: 'writer-draft', status: 'draft' });
  const page = makePost(t, boss, { title: 'About', slug: 'about', kind: 'page' });
  const othersPost = makePost(t, other, { title: 'Other’s post', slug: 'others-post' });
  const c1 = seedComment(t.repos, hello);
  const c2 = seedComment(t.repos, hello);
  const held = seedComment(t.repos, hello, { status: 'pending' });
  const reply = seedComment(t.repos, hello, { parent_id: c1 });
  const onWriters = seedComment(t.repos, writersPost, { status: 'pending' });
  const onOthers = seedComment(t.repos, othersPost);
  const server = t.app.listen(0);

  const reader = request.agent(server);
  const admin = await logIn(server, 'boss');
  const author = await logIn(server, 'writer');
  const roles: Role[] = [
    { name: 'nobody', client: request(server), token: '' },
    { name: 'reader', client: reader, token: await scriptToken(reader) },
    { name: 'admin', client: admin, token: await pageToken(admin, '/admin') },
    { name: 'author', client: author, token: await pageToken(author, '/admin') },
  ];
  return {
    t, server, roles,
    ids: { boss: boss.id, writer: writer.id, other: other.id, hello, writersPost, draft, page, othersPost, c1, c2, held, reply, onWriters, onOthers },
  };
}

/** loginAs, over the one listening server rather than a server per request. */
async function logIn(server: Server, username: string): Promise<Agent> {
  const agent = request.agent(server);
  const token = await pageToken(agent, '/admin/login');
  const res = await agent.post('/admin/login').type('form').send({ username, password: PASSWORD, _csrf: token });
  if (res.status !== 303) throw new Error(`login as ${username} answered ${res.status}`);
  return agent;
}

function closeWorld(w: World | undefined) {
  if (!w) return;
  w.server.close();
  w.t.close();
}

// ---------------------------------------------------------------------------
// Reading: every GET route, with hostile query strings, as every role.

const PUBLIC_GETS = [
  '/', '/posts/hello', '/posts/about', '/posts/writer-draft', '/posts/hello/feed', '/feed', '/feed/atom', '/feed/json',
  '/comments/feed', '/tags/news', '/archive/2026', '/archive/2026/11', '/search', '/sitemap.xml', '/robots.txt',
  '/healthz', '/comments/token', '/comments/avatars/abc.svg', '/uploads/0123456789abcdef0123456789abcdef.png',
  '/static/favicon.svg', '/favicon.ico',
];
/** Admin pages that answer only GET (the POST routes are in WRITE_ROUTES). */
const ADMIN_GET_ONLY = (ids: Record<string, number>): string[] => [
  '/admin', '/admin/posts/new', `/admin/posts/${ids.draft}/edit`, `/admin/posts/${ids.hello}/edit`,
  '/admin/comments', '/admin/audit',
];
const ADMIN_GETS = (ids: Record<string, number>): string[] => [
  ...ADMIN_GET_ONLY(ids), '/admin/login', '/admin/posts', `/admin/posts/${ids.draft}/delete`,
  `/admin/comments/${ids.c1}/edit`, `/admin/comments/${ids.onWriters}/edit`, '/admin/users', '/admin/settings', '/admin/uploads',
  '/admin/account', `/admin/users/${ids.other}/edit`,
];

const HOSTILE_QUERIES = [
  '?page=1&page=2', '?q=a&q=b', '?status=a&status=b', '?replyto=1&replyto=2', '?kind=a&kind=b', '?next=a&next=b',
  '?page=-1', '?page=1e3', '?page=99999999999999999999', '?page=%00', '?q=%00',
  `?q=${'x'.repeat(10_000)}`, `?page=${'9'.repeat(10_000)}`,
  '?a[b]=1&page[x]=1&q[y]=z&status[]=pending', '?page=%E0%A4%A', '?q=%', '?q=%F0%9F%98%80%20%22%27*%5E(',
  '?q=NEAR(a%20b)%20OR%20-%20%2B%20*', '?unapproved=1&unapproved=x',
  '?reported=abc', '?replyto=abc', '?replyto=99999999999999999999', '?out=1&out=2',
  '?next=//evil.example', '?next=%5C%5Cevil.example', '?next=https://evil.example', '?page=1&q=%E2%80%AE%00%01',
];
// What a role that only passes through a route (a reader at the desk's door) is asked.
const FEW_QUERIES = ['?page=1&page=2', '?page=99999999999999999999', '?q=a&q=b', '?replyto=1&replyto=2', '?next=//evil.example', '?a[b]=1&page[x]=1', '?page=%E0%A4%A'];

/** Which query strings each role sends to which routes: every one where the role's own pages read them. */
function readingPlan(role: Role['name'], ids: Record<string, number>): [string[], string[]][] {
  const all = ['', ...HOSTILE_QUERIES];
  switch (role) {
    case 'nobody': return [[PUBLIC_GETS, all], [ADMIN_GETS(ids), FEW_QUERIES]];
    case 'reader': return [[PUBLIC_GETS, ['', ...FEW_QUERIES]], [ADMIN_GETS(ids), FEW_QUERIES]];
    case 'admin': return [[PUBLIC_GETS, ['', ...FEW_QUERIES]], [ADMIN_GETS(ids), all]];
    // An author's pages are the administrator's, scoped to their own posts: the listings get everything.
    case 'author': return [[PUBLIC_GETS, ['', ...FEW_QUERIES]], [ADMIN_GETS(ids), ['', ...FEW_QUERIES]], [['/admin/posts', '/admin/comments'], all]];
  }
}

describe('reading: every GET route with hostile query strings', () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld(); });
  afterAll(() => closeWorld(w));

  it('never answers 500, always with the site’s own page, and stores nothing', async () => {
    const problems: string[] = [];
    const before = fingerprint(w.t);
    for (const role of w.roles) {
      for (const [routes, queries] of readingPlan(role.name, w.ids)) {
        for (const route of routes) {
          for (const query of queries) {
            const res = await role.client.get(route + query);
            problems.push(...problemsOf(res, `${role.name} GET ${route}${query.slice(0, 60)}`));
          }
          const head = await role.client.head(route);
          if (head.status >= 500) problems.push(`${role.name} HEAD ${route}: ${head.status}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(fingerprint(w.t)).toBe(before);
  }, 30_000);
});

// ---------------------------------------------------------------------------
// Paths: malformed percent-encoding, traversal, unicode, odd shapes.

const HOSTILE_PATHS = [
  '/posts/%E0%A4%A', '/%', '/%%', '/%zz', '/posts/%', '/tags/%E0%A4%A', '/archive/%E0', '/search/%',
  '/admin/posts/%E0/edit', '/admin/comments/%E0/edit', '/admin/%', '/posts/hello/feed/%', '/comments/avatars/%',
  '/static/../package.json', '/static/..%2f..%2fpackage.json', '/static/%2e%2e/%2e%2e/package.json',
  '/static/%2e%2e%2f%2e%2e%2fpackage.json', '/uploads/..%2f..%2fpackage.json', '/uploads/%2e%2e%2fpackage.json',
  '/uploads/..%5c..%5cpackage.json', '/comments/avatars/..%2f..%2fpackage.json', '/%2e%2e/package.json',
  '/posts/%F0%9F%98%80', '/tags/%F0%9F%98%80', '/posts/caf%C3%A9', '/posts/hello%00', '/posts/%00',
  `/posts/${'a'.repeat(5000)}`, `/tags/${'%F0%9F%98%80'.repeat(500)}`, '/archive/0000', '/archive/2026/13',
  '/archive/2026/00', '/archive/99999999999999999999', '/archive/2026/99999999999999999999', '/archive/-1',
  '//evil.example', '/posts//hello', '/posts/hello/', '/.env', '/static/', '/static', '/posts/hello%2fcomments',
  '/posts/hello%2Ffeed', '/posts/..', '/posts/.', '/uploads/', '/uploads/.', '/static/%00', '/static/favicon.svg%00',
  '/admin/posts/abc/edit', '/admin/posts/0/edit', '/admin/posts/-1/edit', '/admin/posts/1e3/edit',
  '/admin/posts/99999999999999999999/edit', '/admin/posts/1.5/edit', '/admin/posts/%20/edit', '/admin/posts/999999/edit',
  '/admin/comments/abc/edit', '/admin/comments/99999999999999999999/edit', '/admin/comments/0x10/edit',
];

describe('paths a bot may send', () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld(); });
  afterAll(() => closeWorld(w));

  it('answer 4xx with the site’s page and never serve a file from outside', async () => {
    const problems: string[] = [];
    for (const role of w.roles) {
      for (const path of HOSTILE_PATHS) {
        const res = await role.client.get(path);
        problems.push(...problemsOf(res, `${role.name} GET ${path.slice(0, 80)}`));
        if (res.status === 200 && !['/posts/hello/', '/static/favicon.svg'].some((p) => path === p)) {
          problems.push(`${role.name} GET ${path.slice(0, 80)}: 200`);
        }
        if ((res.text ?? '').includes('"name": "colloquy"')) problems.push(`${role.name} GET ${path}: served package.json`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('answers what a library refused in the site’s words, not the library’s', async () => {
    const cases: [number, () => request.Test][] = [
      [400, () => request(w.server).get('/posts/%E0%A4%A')],
      [400, () => request(w.server).post('/posts/hello/comments').set('Content-Type', 'application/json').send('{"a": ')],
      [413, () => request(w.server).post('/posts/hello/comments').type('form').send(`comment=${'x'.repeat(2_200_000)}`)],
      [415, () => request(w.server).post('/posts/hello/comments').set('Content-Type', 'application/x-www-form-urlencoded; charset=klingon').send('a=1')],
    ];
    for (const [status, send] of cases) {
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.text).toContain('class="error-page"');
      expect(res.text).toMatch(/nothing was (done|saved)/);
      expect(res.text).not.toMatch(/entity too large|Unexpected end|KLINGON|Failed to decode/i);
    }
  });

  it('answers a malformed path with the site’s own 400 or 404 page', async () => {
    const admin = w.roles.find((r) => r.name === 'admin')!;
    for (const path of ['/posts/%E0%A4%A', '/%', '/tags/%FF', '/admin/posts/%E0/edit', '/admin/comments/%C0%AF/edit']) {
      const res = await admin.client.get(path);
      expect([400, 404], path).toContain(res.status);
      expect(res.text, path).toContain('class="site-header"');
      expect(res.text, path).toContain('class="error-page"');
    }
  });
});

// ---------------------------------------------------------------------------
// Writing: every POST route, with hostile bodies, as every role.

interface WriteRoute {
  path: (ids: Record<string, number>) => string;
  fields: string[];
  /** Fields typed by a person that a refusal must give back. */
  keeps?: string[];
  /** The answer is a fragment of HTML (the editor's live preview), not a page. */
  fragment?: boolean;
  /** Also sent the bodies every route treats alike (refused by the body parser) and the heavy ones. */
  sample?: boolean;
  /** Hashes a password (scrypt, ~100 ms) or is throttled: sent a few bodies only. */
  slow?: boolean;
}

const WRITE_ROUTES: WriteRoute[] = [
  { sample: true, path: () => '/posts/hello/comments', fields: ['author', 'email', 'url', 'comment', 'comment_parent', 'remember', 'comment_stamp', 'website_confirm'], keeps: ['comment'] },
  { path: () => '/posts/writer-draft/comments', fields: ['author', 'email', 'comment'] },
  { path: () => '/posts/nothing-here/comments', fields: ['author', 'email', 'comment'] },
  { path: () => '/posts/hello/like', fields: ['back'] },
  { path: () => '/posts/nothing-here/like', fields: ['back'] },
  { sample: true, path: (ids) => `/comments/${ids.c2}/report`, fields: ['reason'] },
  { path: (ids) => `/comments/${ids.held}/report`, fields: ['reason'] },
  { path: () => '/comments/abc/report', fields: ['reason'] },
  { path: () => '/comments/99999999999999999999/report', fields: ['reason'] },
  { slow: true, path: () => '/admin/login', fields: ['username', 'password', 'next'] },
  { sample: true, path: () => '/admin/posts', fields: ['title', 'slug', 'body', 'excerpt', 'tags', 'status', 'published_at', 'kind', 'comments_open', 'confirm_personal_data', 'preview'], keeps: ['title', 'body'] },
  { path: (ids) => `/admin/posts/${ids.draft}`, fields: ['title', 'slug', 'body', 'excerpt', 'tags', 'status', 'published_at', 'kind'], keeps: ['title', 'body'] },
  { path: (ids) => `/admin/posts/${ids.othersPost}`, fields: ['title', 'body', 'status'] },
  { path: () => '/admin/posts/abc', fields: ['title', 'body'] },
  { path: () => '/admin/posts/99999999999999999999', fields: ['title', 'body'] },
  { path: () => '/admin/posts/1e3/delete', fields: [] },
  { path: () => '/admin/posts/999999/delete', fields: [] },
  { path: (ids) => `/admin/posts/${ids.othersPost}/delete`, fields: [] },
  { path: () => '/admin/preview', fields: ['body'], fragment: true },
  { path: () => '/admin/comments/bulk', fields: ['action', 'ids', 'status', 'back'] },
  { path: (ids) => `/admin/comments/${ids.held}/edit`, fields: ['comment', 'back'], keeps: ['comment'] },
  { path: (ids) => `/admin/comments/${ids.onOthers}/edit`, fields: ['comment'] },
  { path: (ids) => `/admin/comments/${ids.c1}/reply`, fields: ['comment', 'back'], keeps: ['comment'] },
  { path: (ids) => `/admin/comments/${ids.c1}/unknownaction`, fields: ['back'] },
  { path: () => '/admin/comments/1e3/approve', fields: ['back'] },
  { path: () => '/admin/comments/abc/spam', fields: ['back'] },
  { path: () => '/admin/comments/99999999999999999999/trash', fields: ['back'] },
  { path: (ids) => `/admin/comments/${ids.onOthers}/delete`, fields: ['back'] },
  { slow: true, path: () => '/admin/users', fields: ['username', 'display_name', 'email', 'role', 'password'], keeps: ['display_name'] },
  { path: (ids) => `/admin/users/${ids.other}/role`, fields: ['role'] },
  { slow: true, path: (ids) => `/admin/users/${ids.other}/password`, fields: ['password'] },
  { path: () => '/admin/users/abc/role', fields: ['role'] },
  { path: () => '/admin/users/99999999999999999999/password', fields: ['password'] },
  { path: () => '/admin/account', fields: ['display_name', 'bio', 'email'], keeps: ['display_name', 'bio'] },
  { path: (ids) => `/admin/users/${ids.other}/profile`, fields: ['display_name', 'bio', 'email'], keeps: ['display_name', 'bio'] },
  { path: () => '/admin/users/abc/profile', fields: ['display_name'] },
  { slow: true, path: () => '/admin/password', fields: ['current_password', 'new_password', 'confirm_password'] },
  { sample: true, path: () => '/admin/settings', fields: ['title', 'tagline', 'comment_moderation', 'thread_depth', 'timezone', 'comments_open_default', 'comment_link_limit', 'posts_per_page', 'moderation_blocklist'] },
  { sample: true, path: () => '/admin/uploads', fields: ['image'] },
];

interface Body {
  name: string;
  /** Only for sample routes: refused before any route runs, or slow to send. */
  sampleOnly?: boolean;
  /** The value each field was sent with, when it was a string a person could have typed. */
  typed?: (field: string) => string;
  send(req: request.Test, fields: string[], token: string): request.Test;
}

const form = (pairs: [string, string][]) => new URLSearchParams(pairs).toString();
const withToken = (token: string): [string, string][] => (token ? [['_csrf', token]] : []);
const marked = (field: string) => `${MARK}-${field}`;
const HUGE_TOTAL = 1_900_000;

const BODIES: Body[] = [
  { name: 'no body at all', send: (req) => req },
  { name: 'only the token', send: (req, _f, token) => req.type('form').send(form(withToken(token))) },
  {
    name: 'plain strings', typed: marked,
    send: (req, fields, token) => req.type('form').send(form([...fields.map((f): [string, string] => [f, marked(f)]), ...withToken(token)])),
  },
  {
    name: 'every field twice', typed: marked,
    send: (req, fields, token) => req.type('form').send(form([...fields.flatMap((f): [string, string][] => [[f, marked(f)], [f, 'second']]), ...withToken(token)])),
  },
  {
    name: 'huge values', sampleOnly: true, typed: marked,
    send: (req, fields, token) => req.type('form').send(form([
      ...fields.map((f): [string, string] => [f, marked(f) + 'x'.repeat(Math.floor(HUGE_TOTAL / Math.max(1, fields.length)))]),
      ...withToken(token),
    ])),
  },
  {
    name: 'NUL and control characters', typed: marked,
    send: (req, fields, token) => req.type('form').send(form([...fields.map((f): [string, string] => [f, `${marked(f)}\u0000\u0001\u0008\u001b[31m\u007f\u2028\ufeff\r\n`]), ...withToken(token)])),
  },
  {
    name: 'bracket keys',
    send: (req, fields, token) => req.type('form').send(`${fields.map((f) => `${f}[a]=1&${f}[]=2`).join('&')}&__proto__[x]=1&constructor[prototype][y]=1&${form(withToken(token))}`),
  },
  {
    name: 'malformed percent-encoding',
    send: (req, fields, token) => req.type('form').send(`${fields.map((f) => `${f}=%E0%A4%A&%=%`).join('&')}&${form(withToken(token))}`),
  },
  {
    name: 'too many fields', sampleOnly: true,
    send: (req, _f, token) => req.type('form').send(`${Array.from({ length: 300 }, (_, i) => `f${i}=1`).join('&')}&${form(withToken(token))}`),
  },
  // Objects, arrays, numbers, nulls and booleans where strings belong, each field a different one.
  ...[0, 2].map((offset): Body => ({
    name: `JSON with wrong types (${offset})`,
    send: (req, fields, token) => {
      const shapes = [{ a: '1', toString: 'x' }, ['a', 'b'], 12345, null, true];
      return req.set('Content-Type', 'application/json')
        .send(JSON.stringify({ ...Object.fromEntries(fields.map((f, i) => [f, shapes[(i + offset) % shapes.length]])), _csrf: token }));
    },
  })),
  {
    name: 'JSON strings', typed: marked,
    send: (req, fields, token) => req.set('Content-Type', 'application/json').send(JSON.stringify({ ...Object.fromEntries(fields.map((f) => [f, marked(f)])), _csrf: token })),
  },
  {
    name: 'deeply nested JSON', sampleOnly: true,
    send: (req, fields, token) => req.set('Content-Type', 'application/json')
      .send(`{"${fields[0] ?? 'x'}": ${'['.repeat(40_000)}"x"${']'.repeat(40_000)}, "_csrf": ${JSON.stringify(token)}}`),
  },
  { name: 'JSON array', sampleOnly: true, send: (req) => req.set('Content-Type', 'application/json').send('[1,2,3]') },
  { name: 'JSON scalar', sampleOnly: true, send: (req) => req.set('Content-Type', 'application/json').send('"text"') },
  { name: 'broken JSON', sampleOnly: true, send: (req) => req.set('Content-Type', 'application/json').send('{"a": ') },
  { name: 'JSON __proto__', sampleOnly: true, send: (req, _f, token) => req.set('Content-Type', 'application/json').send(`{"__proto__": {"admin": true}, "constructor": {"prototype": {"x": 1}}, "_csrf": ${JSON.stringify(token)}}`) },
  { name: 'JSON over 100 kB', sampleOnly: true, send: (req, _f, token) => req.set('Content-Type', 'application/json').send(JSON.stringify({ body: 'x'.repeat(200_000), _csrf: token })) },
  { name: 'text/plain', send: (req, fields, token) => req.set('Content-Type', 'text/plain').send(form([...fields.map((f): [string, string] => [f, marked(f)]), ...withToken(token)])) },
  { name: 'unknown charset', sampleOnly: true, send: (req, fields, token) => req.set('Content-Type', 'application/x-www-form-urlencoded; charset=klingon').send(form([...fields.map((f): [string, string] => [f, 'x']), ...withToken(token)])) },
  { name: 'garbage gzip', sampleOnly: true, send: (req, fields, token) => req.type('form').set('Content-Encoding', 'gzip').send(form([...fields.map((f): [string, string] => [f, 'x']), ...withToken(token)])) },
  { name: 'unknown encoding', sampleOnly: true, send: (req, _f, token) => req.type('form').set('Content-Encoding', 'zstd-9000').send(form(withToken(token))) },
  {
    name: 'multipart', typed: marked,
    send: (req, fields, token) => {
      const parts = [...fields.map((f): [string, string] => [f, marked(f)]), ...withToken(token)]
        .map(([k, v]) => `--XyZ\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join('');
      return req.set('Content-Type', 'multipart/form-data; boundary=XyZ').send(`${parts}--XyZ--\r\n`);
    },
  },
  {
    name: 'malformed multipart', sampleOnly: true,
    send: (req, _f, token) => req.set('Content-Type', 'multipart/form-data; boundary=XyZ')
      .send(`--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--XyZ\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\u0089PNG`),
  },
  { name: 'multipart without a boundary', sampleOnly: true, send: (req) => req.set('Content-Type', 'multipart/form-data').send('--a\r\n\r\n') },
  {
    name: 'multipart, a file that is not an image', sampleOnly: true,
    send: (req, _f, token) => req.set('Content-Type', 'multipart/form-data; boundary=XyZ')
      .send(`--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--XyZ\r\nContent-Disposition: form-data; name="image"; filename="../../evil.png"\r\nContent-Type: image/png\r\n\r\n#!/bin/sh\r\n--XyZ--\r\n`),
  },
  {
    name: 'multipart, two files', sampleOnly: true,
    send: (req, _f, token) => req.set('Content-Type', 'multipart/form-data; boundary=XyZ')
      .send(`--XyZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n${['image', 'other'].map((n) => `--XyZ\r\nContent-Disposition: form-data; name="${n}"; filename="a.gif"\r\nContent-Type: image/gif\r\n\r\nGIF89a\r\n`).join('')}--XyZ--\r\n`),
  },
  { name: 'over 2 MB', sampleOnly: true, send: (req, fields, token) => req.type('form').send(form([[fields[0] ?? 'x', 'x'.repeat(2_200_000)], ...withToken(token)])) },
];

const DOOR_BODIES = ['no body at all', 'plain strings', 'JSON strings', 'broken JSON', 'over 2 MB'];
const SLOW_BODIES = ['no body at all', 'plain strings', 'every field twice', 'JSON with wrong types (0)'];

describe('writing: every POST route with hostile bodies', () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld(); });
  afterAll(() => closeWorld(w));

  it('never answers 500, refuses with the site’s page, stores nothing on a refusal and gives typed text back', async () => {
    const problems: string[] = [];
    for (const role of w.roles) {
      for (const route of WRITE_ROUTES) {
        const path = route.path(w.ids);
        // A reader at the desk's door is sent to log in whatever the body; a few bodies show it.
        const atTheDoor = path.startsWith('/admin/') && path !== '/admin/login' && (role.name === 'nobody' || role.name === 'reader');
        const bodies = BODIES.filter((b) => (route.sample || !b.sampleOnly)
          && (!atTheDoor || DOOR_BODIES.includes(b.name)) && (!route.slow || SLOW_BODIES.includes(b.name)));
        for (const body of bodies) {
          const label = `${role.name} POST ${path} (${body.name})`;
          const before = fingerprint(w.t);
          const res = await body.send(role.client.post(path), route.fields, role.token);
          problems.push(...problemsOf(res, label, { fragment: route.fragment && res.status < 300 }));
          const refused = res.status >= 400 || (res.status === 302 && String(res.headers.location).startsWith('/admin/login'));
          if (refused && fingerprint(w.t) !== before) problems.push(`${label}: refused with ${res.status} but changed stored data`);
          // Multipart is read only by the upload route (no form of ours sends it elsewhere): refused, not read.
          const keepsText = [403, 409, 422, 429].includes(res.status) && body.typed && body.name !== 'multipart'
            ? route.keeps ?? [] : [];
          // A refusal to act on someone else's record is the error page: there is no form to give back.
          const ownForm = !(res.text ?? '').includes('class="error-page"');
          for (const field of ownForm ? keepsText : []) {
            if (!(res.text ?? '').includes(body.typed!(field))) problems.push(`${label}: ${res.status} lost the typed ${field}`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
  }, 90_000);

  it('keeps the feeds valid XML, and the JSON Feed valid JSON, whatever was typed', async () => {
    for (const path of ['/feed', '/feed/atom', '/comments/feed', '/posts/hello/feed', '/sitemap.xml']) {
      const res = await request(w.server).get(path);
      expect(res.status, path).toBe(200);
      expect(XMLValidator.validate(res.text), path).toBe(true);
    }
    const json = await request(w.server).get('/feed/json');
    expect(json.status).toBe(200);
    expect(() => JSON.parse(json.text)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------
// Odd values in fields that are parsed (dates, numbers, slugs, time zones), one at a time.

const ODD_VALUES: [string, Record<string, string>, string[]][] = [
  ['/admin/posts', { title: 'Odd', body: 'Text', status: 'scheduled' }, ['published_at']],
  ['/admin/posts', { title: 'Odd', body: 'Text', status: 'published' }, ['published_at', 'slug', 'tags', 'status']],
  ['/admin/settings', {}, ['thread_depth', 'posts_per_page', 'timezone', 'title']],
  ['/posts/hello/comments', { author: 'Ann', email: 'ann@example.com', comment: 'Hi there' }, ['comment_parent', 'url', 'email']],
];
const ODD = [
  '0000-01-01T00:00', '9999-12-31T23:59:59', '2026-02-30T10:00', '2026-13-01T25:61', '+275760-09-13T00:00', '1e9', '-1', '0x10',
  '99999999999999999999', 'NaN', 'Infinity', '1.5', ' 3 ', '\u0660\u0661', '\u{1F600}', '\u202E', 'Europe/../../etc/passwd',
  'javascript:alert(1)', '//evil.example', 'http://[::1', 'a@b', `${'a'.repeat(300)}@example.com`, ',,,,', Array.from({ length: 300 }, (_, i) => `t${i}`).join(','),
  '__proto__', 'constructor', 'toString', '<script>alert(1)</script>', '%d %s ${x} {{x}} <%= x %>',
];

describe('odd values in parsed fields', () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld(); });
  afterAll(() => closeWorld(w));

  it('are accepted or refused with a 4xx, never a 500', async () => {
    const problems: string[] = [];
    const admin = w.roles.find((r) => r.name === 'admin')!;
    for (const [path, base, fields] of ODD_VALUES) {
      for (const field of fields) {
        for (const value of ODD) {
          const res = await admin.client.post(path).type('form').send(form([...Object.entries(base), [field, value], ...withToken(admin.token)]));
          problems.push(...problemsOf(res, `POST ${path} ${field}=${value.slice(0, 40)}`));
        }
      }
    }
    expect(problems).toEqual([]);
    for (const path of ['/', '/feed', '/sitemap.xml', '/admin/posts', '/admin/settings', '/archive/2026']) {
      const res = await admin.client.get(path);
      expect(res.status, path).toBeLessThan(500);
    }
  }, 20_000);

  it('refuses a date before the year 1000 rather than storing it as 19xx', async () => {
    const admin = w.roles.find((r) => r.name === 'admin')!;
    const before = fingerprint(w.t);
    for (const date of ['0000-01-01T00:00', '0050-06-01T12:00', '0999-12-31T23:59']) {
      const res = await admin.client.post('/admin/posts').type('form')
        .send(form([['title', 'Old times'], ['body', 'Text'], ['status', 'published'], ['published_at', date], ...withToken(admin.token)]));
      expect(res.status, date).toBe(422);
      expect(res.text, date).toContain(date);
    }
    expect(fingerprint(w.t)).toBe(before);
  });
});

// ---------------------------------------------------------------------------
// The comment answers the contract names, each giving the typed comment back.

describe('comment refusals keep the typed comment', () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld(); });
  afterAll(() => closeWorld(w));

  it('403 without a session, 422 on bad input, 409 on a repeat, each with the text', async () => {
    const reader = w.roles.find((r) => r.name === 'reader')!;
    const typed = { author: 'Ann', email: 'ann@example.com', comment: `${MARK} <b>&amp; 100% %d ${'\u{1F600}'}` };
    const escaped = `${MARK} &lt;b&gt;&amp;amp; 100% %d ${'\u{1F600}'}`;
    const before = fingerprint(w.t);

    const noSession = await request(w.server).post('/posts/hello/comments').type('form').send(typed);
    expect(noSession.status).toBe(403);
    expect(noSession.text).toContain(escaped);

    const invalid = await reader.client.post('/posts/hello/comments').type('form').send({ ...typed, email: ['a', 'b'], _csrf: reader.token });
    expect(invalid.status).toBe(422);
    expect(invalid.text).toContain(escaped);
    expect(fingerprint(w.t)).toBe(before);

    const first = await reader.client.post('/posts/hello/comments').type('form').send({ ...typed, _csrf: reader.token });
    expect(first.status).toBe(303);
    const again = await reader.client.post('/posts/hello/comments').type('form').send({ ...typed, _csrf: reader.token });
    expect(again.status).toBe(409);
    expect(again.text).toContain(escaped);
  });
});

// ---------------------------------------------------------------------------
// Methods: HEAD, and the wrong verb on every route.

describe('methods', () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld(); });
  afterAll(() => closeWorld(w));

  it('answers the wrong method with 4xx and changes nothing', async () => {
    const problems: string[] = [];
    const before = fingerprint(w.t);
    const posts = WRITE_ROUTES.map((r) => r.path(w.ids));
    for (const role of w.roles) {
      for (const path of [...PUBLIC_GETS, ...ADMIN_GET_ONLY(w.ids)]) {
        // With a token, so a POST is refused for its method rather than its token.
        const res = await role.client.post(path).type('form').send(form(withToken(role.token)));
        problems.push(...problemsOf(res, `${role.name} POST ${path}`));
        if (res.status < 400 && res.status !== 302) problems.push(`${role.name} POST ${path}: ${res.status}`);
      }
      for (const path of posts) {
        const res = await role.client.get(path);
        problems.push(...problemsOf(res, `${role.name} GET ${path}`));
        const head = await role.client.head(path);
        if (head.status >= 500) problems.push(`${role.name} HEAD ${path}: ${head.status}`);
      }
      for (const method of ['put', 'patch', 'delete', 'options'] as const) {
        for (const path of ['/', '/posts/hello', '/posts/hello/comments', '/admin/posts', '/admin/settings']) {
          const res = await role.client[method](path).type('form').send(form(withToken(role.token)));
          problems.push(...problemsOf(res, `${role.name} ${method.toUpperCase()} ${path}`));
        }
      }
    }
    expect(problems).toEqual([]);
    expect(fingerprint(w.t)).toBe(before);
  }, 30_000);
});

// ---------------------------------------------------------------------------
// Headers: cookies, Accept and addresses a bot may make up.

describe('hostile headers', () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld(); });
  afterAll(() => closeWorld(w));

  it('never answer 500', async () => {
    const problems: string[] = [];
    const headerSets: Record<string, string>[] = [
      { Cookie: 'colloquy.sid=%' },
      { Cookie: 'colloquy.sid=s%3Aforged.signature' },
      { Cookie: `colloquy.sid=${'a'.repeat(4000)}` },
      { Cookie: 'colloquy_reader=%E0%A4%A; colloquy_commenter=%%%; colloquy.sid=' },
      { Cookie: 'colloquy_commenter=bm90IGpzb24; colloquy_reader=../../etc' },
      { Cookie: `colloquy_commenter=${Buffer.from('{"author":{"x":1},"email":[1],"url":null}').toString('base64url')}` },
      { Accept: 'application/json' },
      { Accept: 'text/*;q=bogus, */*;q=0' },
      { Accept: '' },
      { 'Accept-Language': '\u00ff'.repeat(10) },
      { 'X-Forwarded-For': 'not an address, 999.1.1.1' },
      { 'X-CSRF-Token': 'x'.repeat(5000) },
      { 'If-None-Match': '*' },
      { 'If-Modified-Since': 'yesterday' },
      { Range: 'bytes=99999999999999999999-' },
      { 'User-Agent': 'x'.repeat(8000) },
      { Host: 'evil.example' },
    ];
    for (const headers of headerSets) {
      for (const path of ['/', '/posts/hello', '/posts/hello?replyto=1', '/feed', '/admin', '/admin/login', '/static/favicon.svg', '/comments/token', '/nothing']) {
        const res = await request(w.server).get(path).set(headers);
        problems.push(...problemsOf(res, `GET ${path} ${JSON.stringify(headers).slice(0, 80)}`));
      }
      const res = await request(w.server).post('/posts/hello/comments').set(headers).type('form').send({ author: 'A', email: 'a@example.com', comment: 'Hi' });
      problems.push(...problemsOf(res, `POST comment ${JSON.stringify(headers).slice(0, 80)}`));
    }
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
// Malformed HTTP on the wire: Node's parser answers or drops it, and the server
// keeps serving. (The same was checked by hand against dist/server.js.)

/** Writes `chunks` to a raw socket; resolves with the status line, or '' when closed or timed out unanswered. */
function rawExchange(port: number, chunks: string[], opts: { closeAfterMs?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    const finish = () => { socket.destroy(); resolve(received.split('\r\n')[0] ?? ''); };
    socket.on('data', (data) => { received += data.toString('latin1'); if (received.includes('\r\n')) finish(); });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        socket.write(chunk);
        await new Promise((r) => setTimeout(r, 10));
      }
      if (opts.closeAfterMs !== undefined) setTimeout(finish, opts.closeAfterMs);
    });
    setTimeout(finish, 2000);
  });
}

describe('malformed HTTP on the wire', () => {
  let w: World;
  beforeAll(async () => { w = await makeWorld(); });
  afterAll(() => closeWorld(w));

  it('is answered 4xx or dropped, and the server still answers /healthz', async () => {
    const port = (w.server.address() as net.AddressInfo).port;
    const cases: [string, string[], string | RegExp, { closeAfterMs?: number }?][] = [
      ['a bad request line', ['GARBAGE\r\n\r\n'], /^HTTP\/1\.1 400/],
      ['an unknown HTTP version', ['GET / HTTP/9.9\r\nHost: x\r\n\r\n'], /^HTTP\/1\.1 400/],
      ['binary noise', ['\u0000\u0001\u00ff\r\n\r\n'], /^HTTP\/1\.1 400/],
      ['a 100 kB header', [`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`], /^HTTP\/1\.1 431/],
      ['a 100 kB URL', [`GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`], /^HTTP\/1\.1 431/],
      ['a header without a colon', ['GET / HTTP/1.1\r\nHost x\r\n\r\n'], /^HTTP\/1\.1 400/],
      ['two Content-Lengths', ['POST /posts/hello/comments HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello'], /^HTTP\/1\.1 400/],
      ['Content-Length with chunked (smuggling)', ['POST /posts/hello/comments HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'], /^HTTP\/1\.1 400/],
      ['a bad chunk size', ['POST /posts/hello/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n'], /^HTTP\/1\.1 400/],
      ['a body shorter than its Content-Length, then closed', ['POST /posts/hello/comments HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nauthor=a'], '', { closeAfterMs: 100 }],
      ['headers sent slowly and never finished', ['GET / HTTP/1.1\r\n', 'Host: x\r\n', 'X-a: '], '', { closeAfterMs: 100 }],
      ['an upload cut off mid-file', ['POST /admin/uploads HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 100000\r\n\r\n--XX\r\nContent-Disposition: form-data; name="image"; filename="a.png"\r\n\r\nabc'], /^(HTTP\/1\.1 302 Found)?$/, { closeAfterMs: 100 }],
      ['no Host header', ['GET / HTTP/1.1\r\n\r\n'], /^HTTP\/1\.1 400/],
    ];
    for (const [name, chunks, expected, opts] of cases) {
      const line = await rawExchange(port, chunks, opts);
      if (typeof expected === 'string') expect(line, name).toBe(expected);
      else expect(line, name).toMatch(expected);
      const health = await request(w.server).get('/healthz');
      expect(health.status, `healthz after ${name}`).toBe(200);
    }
  });
});
