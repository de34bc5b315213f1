import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLoginThrottle, DEFAULT_LIMITS, verdict } from '../src/limits/login-throttle.js';
import { safeNext } from '../src/http/forms.js';
import { ABSOLUTE_LIMIT_MS, IDLE_LIMIT_MS, sessionAlive } from '../src/users/signed-in.js';
import { SESSION_COOKIE } from '../src/http/session-cookie.js';
import { loginAs, postForm, pageToken, PASSWORD, makeUser, makePost, makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp({ TRUST_PROXY: '1' }); });
afterEach(() => t.close());

const sessionCookie = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];

async function attempt(username: string, password: string, address = '203.0.113.1', next = '') {
  const agent = request.agent(t.app);
  const token = await pageToken(agent, `/admin/login${next}`);
  return agent.post(`/admin/login${next}`).set('X-Forwarded-For', address).type('form').send({ username, password, _csrf: token });
}

describe('log-in', () => {
  it('shows a labelled form with a token', async () => {
    const res = await request(t.app).get('/admin/login?next=/admin/posts');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<label for="username">');
    expect(res.text).toContain('<label for="password">');
    expect(res.text).toMatch(/name="_csrf" value="[^"]+"/);
    expect(res.text).toContain('action="/admin/login?next=%2Fadmin%2Fposts"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-robots-tag']).toBe('noindex, nofollow');
  });

  it('logs in with a new session id and goes to a local next', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = request.agent(t.app);
    const page = await agent.get('/admin/login');
    const before = sessionCookie(page);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await agent.post('/admin/login?next=/admin/comments%3Fstatus%3Dspam').type('form').send({ username: 'alice', password: PASSWORD, _csrf: token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/comments?status=spam');
    const after = sessionCookie(res);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const dash = await agent.get('/admin');
    expect(dash.status).toBe(200);
    expect(dash.text).toContain('Dashboard');
    // The old session id no longer signs anyone in.
    const old = await request(t.app).get('/admin').set('Cookie', before!);
    expect(old.status).toBe(302);
  });

  it('ignores a next that leaves the site', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    for (const next of ['//evil.example/x', '/\\evil.example', 'https://evil.example/', 'javascript:alert(1)']) {
      const res = await attempt('alice', PASSWORD, '203.0.113.9', `?next=${encodeURIComponent(next)}`);
      expect(res.status, next).toBe(303);
      expect(res.headers.location, next).toBe('/admin');
    }
  });

  it('answers a wrong password with 401 and the username kept', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const res = await attempt('alice', 'wrong password!');
    expect(res.status).toBe(401);
    expect(res.text).toContain('value="alice"');
    expect(res.text).toContain('do not match');
    expect((await attempt('nobody', 'whatever it is')).status).toBe(401);
  });

  it('refuses an address after five failures, with Retry-After, but not the account elsewhere', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    for (let i = 0; i < 5; i++) expect((await attempt('alice', 'wrong password!', '198.51.100.7')).status).toBe(401);
    const refused = await attempt('alice', PASSWORD, '198.51.100.7');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(800);
    expect(refused.text).toContain('Try again in 15 minutes');
    expect(refused.text).toContain('value="alice"');
    // The owner, from another address, still gets in: a stranger cannot lock the account.
    expect((await attempt('alice', PASSWORD, '192.0.2.44')).status).toBe(303);
  });

  it('takes next from a form field as well as from the address', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = request.agent(t.app);
    const token = await pageToken(agent, '/admin/login');
    const res = await agent.post('/admin/login').type('form').send({ username: 'alice', password: PASSWORD, _csrf: token, next: '/admin/settings' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/settings');
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is set, so a client cannot pick its own address', async () => {
    const direct = makeTestApp();
    try {
      await makeUser(direct.repos, 'admin', 'alice');
      const tryFrom = async (address: string, password: string) => {
        const agent = request.agent(direct.app);
        const token = await pageToken(agent, '/admin/login');
        return agent.post('/admin/login').set('X-Forwarded-For', address).type('form').send({ username: 'alice', password, _csrf: token });
      };
      for (let i = 0; i < 5; i++) expect((await tryFrom(`198.51.100.${i}`, 'wrong password!')).status).toBe(401);
      // Five "different" forwarded addresses were one real client: it is refused.
      expect((await tryFrom('192.0.2.99', PASSWORD)).status).toBe(429);
    } finally {
      direct.close();
    }
  });

  it('answers a stale token on the login form with 403 and the form again', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const res = await request(t.app).post('/admin/login').type('form').send({ username: 'alice', password: PASSWORD, _csrf: 'stale' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('value="alice"');
    expect(res.text).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('survives odd input without a 500', async () => {
    const agent = request.agent(t.app);
    const token = await pageToken(agent, '/admin/login');
    const res = await agent.post('/admin/login?next=a&next=b').type('form').send(`username=a&username=b&password=${'x'.repeat(5000)}&_csrf=${token}`);
    expect(res.status).toBe(401);
  });
});

describe('log-out and the gate', () => {
  it('logs out by destroying the session', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, '/admin/logout', {});
    expect(res.status).toBe(303);
    expect((await agent.get('/admin')).status).toBe(302);
    expect(t.repos.sessions.countLive()).toBe(0);
  });

  it('sends every admin page and POST without a session to log in, changing nothing', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const id = makePost(t, alice, { title: 'Kept' });
    for (const path of ['/admin', '/admin/posts', '/admin/posts/new', `/admin/posts/${id}/edit`, '/admin/comments?status=spam', '/admin/settings', '/admin/users', '/admin/audit', '/admin/uploads', '/admin/nope']) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(302);
      expect(res.headers.location, path).toBe(`/admin/login?next=${encodeURIComponent(path)}`);
    }
    // Saving a post is answered with the log-in form holding the text instead (tests/desk-lost-session.test.ts).
    for (const path of [`/admin/posts/${id}/delete`, `/admin/posts/${id}/restore`, `/admin/posts/${id}/autosave`, '/admin/settings', '/admin/comments/1/approve', '/admin/logout', '/admin/uploads']) {
      const res = await request(t.app).post(path).type('form').send({ title: 'Changed', _csrf: 'x' });
      expect(res.status, path).toBe(302);
      expect(res.headers.location).toContain('/admin/login?next=');
    }
    expect(t.repos.posts.findById(id)?.title).toBe('Kept');
    expect(t.repos.settings.load().title).toBe('Colloquy');
  });

  it('refuses a POST with a session but a bad token: 403, nothing changed', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const id = makePost(t, alice, { title: 'Kept' });
    const agent = await loginAs(t, 'alice');
    const res = await agent.post(`/admin/posts/${id}/delete`).type('form').send({ _csrf: 'forged' });
    expect(res.status).toBe(403);
    expect((await agent.post('/admin/settings').type('form').send({ title: 'Hacked' })).status).toBe(403);
    expect(t.repos.posts.findById(id)).toBeDefined();
    expect(t.repos.settings.load().title).toBe('Colloquy');
  });
});

describe('rules', () => {
  it('takes only local paths as next', () => {
    expect(safeNext('/admin/posts?status=draft')).toBe('/admin/posts?status=draft');
    expect(safeNext('/posts/hello#x')).toBe('/posts/hello#x');
    for (const bad of ['//x.example', '/\\x.example', 'http://x.example', '', undefined, ['/admin'], '/a\nb', `/${'a'.repeat(3000)}`]) {
      expect(safeNext(bad)).toBe('/admin');
    }
  });

  it('refuses a pair after five failures for fifteen minutes, then forgets', () => {
    const throttle = createLoginThrottle(t.repos.limits);
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) {
      expect(throttle.check('Alice', '1.1.1.1', t0 + i).allowed).toBe(true);
      throttle.fail('alice', '1.1.1.1', t0 + i);
    }
    const refused = throttle.check('ALICE', '1.1.1.1', t0 + 10);
    expect(refused).toEqual({ allowed: false, retryAt: t0 + DEFAULT_LIMITS.windowMs });
    expect(throttle.check('alice', '2.2.2.2', t0 + 10).allowed).toBe(true);
    expect(throttle.check('alice', '1.1.1.1', t0 - 1 + DEFAULT_LIMITS.windowMs).allowed).toBe(false);
    expect(throttle.check('alice', '1.1.1.1', t0 + 1 + DEFAULT_LIMITS.windowMs).allowed).toBe(true);
  });

  it('slows an account attacked from many addresses, capped, never refusing', () => {
    const many = Array.from({ length: 200 }, (_, i) => i);
    expect(verdict([], [], many.slice(0, 9), 100, DEFAULT_LIMITS)).toEqual({ allowed: true, delayMs: 0 });
    expect(verdict([], [], many.slice(0, 10), 100, DEFAULT_LIMITS)).toEqual({ allowed: true, delayMs: 250 });
    expect(verdict([], [], many.slice(0, 12), 100, DEFAULT_LIMITS)).toEqual({ allowed: true, delayMs: 750 });
    expect(verdict([], [], many, 200, DEFAULT_LIMITS)).toEqual({ allowed: true, delayMs: DEFAULT_LIMITS.maxDelayMs });
  });

  it('refuses an address that tries many accounts', () => {
    const throttle = createLoginThrottle(t.repos.limits);
    for (let i = 0; i < DEFAULT_LIMITS.addressFailures; i++) throttle.fail(`name${i}`, '6.6.6.6', i);
    expect(throttle.check('someone-else', '6.6.6.6', 100).allowed).toBe(false);
    expect(throttle.check('someone-else', '7.7.7.7', 100).allowed).toBe(true);
  });

  it('a success clears that address only', () => {
    const throttle = createLoginThrottle(t.repos.limits);
    for (let i = 0; i < 4; i++) throttle.fail('bob', '1.1.1.1', i);
    throttle.succeed('bob', '1.1.1.1');
    throttle.fail('bob', '1.1.1.1', 10);
    expect(throttle.check('bob', '1.1.1.1', 11).allowed).toBe(true);
  });

  it('ends sessions when idle or old', () => {
    const now = 10 * ABSOLUTE_LIMIT_MS;
    expect(sessionAlive(undefined, undefined, now)).toBe(false);
    expect(sessionAlive(now - 1000, now - 1000, now)).toBe(true);
    expect(sessionAlive(now - IDLE_LIMIT_MS - 1, now - IDLE_LIMIT_MS - 1, now)).toBe(false);
    expect(sessionAlive(now - ABSOLUTE_LIMIT_MS - 1, now - 1000, now)).toBe(false);
  });
});
