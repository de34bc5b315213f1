// Per-address limits and the log-in throttle as an attacker meets them: shared by every
// process on the database, kept over a restart, IPv6 counted by /64, parallel log-ins
// counted before the hash; and pre-sessions that cannot be piled up.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { buildContext } from '../src/compose.js';
import { openDatabase } from '../src/db/open.js';
import { createLoginThrottle } from '../src/limits/login-throttle.js';
import { hashPassword, needsRehash, verifyPassword } from '../src/users/passwords.js';
import { PRE_SESSION_MS, PRE_SESSIONS_PER_ADDRESS } from '../src/http/session-store.js';
import {
  makePost, makeTestApp, makeTestClock, makeUser, pageToken, PASSWORD, scriptToken, TEST_PASSWORD_COST, type TestClock, type TestContext,
} from './helpers/index.js';

let t: TestContext;
let clock: TestClock;
const opened: { close(): void }[] = [];

beforeEach(async () => {
  clock = makeTestClock();
  t = makeTestApp({ TRUST_PROXY: 'loopback' }, { clock });
  makePost(t, await makeUser(t.repos, 'admin', 'alice'), { title: 'Hello' });
});
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
  t.close();
});

/** Another app (another process, or the same one after a restart) over the same database file. */
function sibling() {
  const db = openDatabase(t.config.databasePath);
  const app = createApp(buildContext({ db, config: t.config, clock }));
  opened.push({ close: () => { app.close(); db.close(); } });
  return app;
}

type App = TestContext['app'];

async function comment(app: App, address: string, text: string) {
  const agent = request.agent(app);
  const token = await scriptToken(agent.set('X-Forwarded-For', address));
  return agent.post('/posts/hello/comments').set('X-Forwarded-For', address).type('form')
    .send({ _csrf: token, author: 'Ann', email: 'ann@example.com', comment: text });
}

async function logIn(app: App, address: string, password: string) {
  const agent = request.agent(app);
  const token = await pageToken(agent, '/admin/login');
  return agent.post('/admin/login').set('X-Forwarded-For', address).type('form').send({ username: 'alice', password, _csrf: token });
}

const statuses = (responses: { status: number }[]) => responses.map((r) => r.status);

describe('per-address limits', () => {
  it('counts comments once for every process on the database, and keeps the count over a restart', async () => {
    const other = sibling();
    const sent: number[] = [];
    for (let i = 0; i < 6; i++) sent.push((await comment(i % 2 ? other : t.app, '203.0.113.5', `Thought ${i}`)).status);
    expect(sent).toEqual([303, 303, 303, 303, 303, 303]);
    expect((await comment(other, '203.0.113.5', 'One too many')).status).toBe(429);
    expect((await comment(sibling(), '203.0.113.5', 'After a restart')).status).toBe(429);
    expect((await comment(t.app, '203.0.113.6', 'Someone else')).status).toBe(303);
    clock.advance(60_000);
    expect((await comment(sibling(), '203.0.113.5', 'A minute later')).status).toBe(303);
  });

  it('counts an IPv6 /64 as one address', async () => {
    const sent: number[] = [];
    for (let i = 1; i <= 6; i++) sent.push((await comment(t.app, `2001:db8:5:6::${i.toString(16)}`, `From host ${i}`)).status);
    expect(sent).toEqual([303, 303, 303, 303, 303, 303]);
    expect((await comment(t.app, '2001:db8:5:6:ffff:1:2:3', 'Same /64')).status).toBe(429);
    expect((await comment(t.app, '2001:db8:5:7::1', 'Next /64')).status).toBe(303);
  });

  it('stores keyed hashes of address groups, never an address', async () => {
    await comment(t.app, '2001:db8:5:6::1', 'Hello');
    const keys = t.db.prepare('SELECT key FROM rate_windows').pluck().all() as string[];
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('forgets finished windows', async () => {
    await comment(t.app, '203.0.113.5', 'Hello');
    const rows = () => t.db.prepare("SELECT count(*) FROM rate_windows WHERE bucket = 'comment'").pluck().get();
    expect(rows()).toBe(1);
    clock.advance(2 * 60_000);
    await comment(t.app, '203.0.113.6', 'Later');
    expect(rows()).toBe(1);
  });
});

describe('log-in throttle', () => {
  it('checks at most five of thirty wrong passwords sent in parallel; the rest answer 429', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    try {
      const agent = request.agent(server);
      const token = await pageToken(agent, '/admin/login');
      const answers = await Promise.all(Array.from({ length: 30 }, () =>
        agent.post('/admin/login').set('X-Forwarded-For', '198.51.100.9').type('form')
          .send({ username: 'alice', password: 'wrong password!', _csrf: token })));
      const checked = statuses(answers).filter((s) => s === 401).length;
      console.info(`parallel log-in: ${checked} of 30 checked (401), ${30 - checked} refused (429)`);
      expect(checked).toBeGreaterThanOrEqual(1);
      expect(checked).toBeLessThanOrEqual(5);
      expect(statuses(answers).filter((s) => s !== 401).every((s) => s === 429)).toBe(true);
      for (const refused of answers.filter((r) => r.status === 429)) expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      // Nothing is left held: the next attempt is judged by the failures alone.
      const next = await logIn(t.app, '198.51.100.9', PASSWORD);
      expect(next.status).toBe(checked < 5 ? 303 : 429);
    } finally {
      server.close();
    }
  });

  it('keeps failures over a restart and shares them between processes, and locks out a /64', async () => {
    for (let i = 0; i < 5; i++) {
      const app = i % 2 ? sibling() : t.app;
      expect((await logIn(app, `2001:db8:9:9::${i + 1}`, 'wrong password!')).status).toBe(401);
    }
    const refused = await logIn(sibling(), '2001:db8:9:9:abcd::1', PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBe(15 * 60);
    expect(refused.text).toContain('Try again in 15 minutes');
    // The owner elsewhere still gets in; the lock-out ends after its fifteen minutes.
    expect((await logIn(t.app, '2001:db8:9:a::1', PASSWORD)).status).toBe(303);
    clock.advance(15 * 60_000 + 1);
    expect((await logIn(sibling(), '2001:db8:9:9::1', PASSWORD)).status).toBe(303);
  });

  it('holds one check per account and address: a second one in flight is refused at once', () => {
    const throttle = createThrottle();
    const now = clock();
    const first = throttle.begin('alice', 'a', now);
    expect(first.allowed).toBe(true);
    expect(throttle.begin('ALICE', 'a', now)).toMatchObject({ allowed: false, busy: true });
    expect(throttle.begin('alice', 'b', now).allowed).toBe(true);
    if (first.allowed) throttle.finish(first.attempt, false);
    expect(throttle.begin('alice', 'a', now + 1).allowed).toBe(true);
  });

  it('lets a crashed check go after its lease', () => {
    const throttle = createThrottle();
    const now = clock();
    expect(throttle.begin('alice', 'a', now).allowed).toBe(true);
    expect(throttle.begin('alice', 'a', now + 59_000).allowed).toBe(false);
    expect(throttle.begin('alice', 'a', now + 60_000).allowed).toBe(true);
  });
});

function createThrottle() {
  return createLoginThrottle(t.repos.limits);
}

describe('password hashes', () => {
  it('hashes at N=2^17, r=8, p=1 by default and still verifies an older hash', async () => {
    const current = await hashPassword('a long passphrase');
    expect(current).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(needsRehash(current)).toBe(false);
    const older = await hashPassword('a long passphrase', 14);
    expect(await verifyPassword('a long passphrase', older)).toBe(true);
    expect(await verifyPassword('another passphrase', older)).toBe(false);
    expect(needsRehash(older)).toBe(true);
    expect(needsRehash(older, 14)).toBe(false);
  });

  it('refuses a stored hash that asks for absurd parameters', async () => {
    expect(await verifyPassword('x', 'scrypt$1073741824$8$1$c2FsdA==$aGFzaA==')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1000$8$1$c2FsdA==$aGFzaA==')).toBe(false);
  });

  it('upgrades an older hash at the next log-in, without ending other sessions', async () => {
    const upgraded = makeTestApp({ PASSWORD_HASH_COST: String(TEST_PASSWORD_COST + 1) });
    opened.push(upgraded);
    const bob = await makeUser(upgraded.repos, 'author', 'bob');
    expect(bob.password_hash).toMatch(/^scrypt\$16384\$/);
    const agent = request.agent(upgraded.app);
    const token = await pageToken(agent, '/admin/login');
    expect((await agent.post('/admin/login').type('form').send({ username: 'bob', password: PASSWORD, _csrf: token })).status).toBe(303);
    const stored = upgraded.repos.users.findById(bob.id)!;
    expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword(PASSWORD, stored.password_hash)).toBe(true);
    expect(stored.updated_at).toBe(bob.updated_at);
    expect((await agent.get('/admin')).status).toBe(200);
  });
});

describe('pre-sessions', () => {
  const rows = () => t.db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;
  const expiries = () => t.db.prepare('SELECT expires FROM sessions').pluck().all() as number[];

  it('1,000 log-in page views and refused POSTs from one address leave a bounded number of rows, each short-lived', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    try {
      for (let i = 0; i < 500; i++) {
        expect((await request(server).get('/admin/login').set('X-Forwarded-For', '192.0.2.50')).status).toBe(200);
        const refused = await request(server).post('/posts/hello/comments').set('X-Forwarded-For', '192.0.2.50').type('form')
          .send({ author: 'Bot', email: 'bot@example.com', comment: `Spam ${i}` });
        expect(refused.status).toBe(403);
      }
    } finally {
      server.close();
    }
    console.info(`pre-sessions: 1,000 requests from one address left ${rows()} session rows`);
    expect(rows()).toBe(PRE_SESSIONS_PER_ADDRESS);
    for (const expires of expiries()) expect(expires).toBeLessThanOrEqual(clock() + PRE_SESSION_MS);
    // Another address is not crowded out.
    await request(t.app).get('/admin/login').set('X-Forwarded-For', '192.0.2.51');
    expect(rows()).toBe(PRE_SESSIONS_PER_ADDRESS + 1);
  }, 120_000);

  it('gives a log-in its full fourteen days', async () => {
    const agent = request.agent(t.app);
    const token = await pageToken(agent, '/admin/login');
    expect(expiries()).toEqual([clock() + PRE_SESSION_MS]);
    expect((await agent.post('/admin/login').type('form').send({ username: 'alice', password: PASSWORD, _csrf: token })).status).toBe(303);
    // express-session dates the cookie by the real clock, not the test's.
    const [expires] = expiries();
    expect(expiries()).toHaveLength(1);
    expect(expires).toBeGreaterThan(Date.now() + 13 * 24 * 60 * 60 * 1000);
  });

  it('lets a reader comment after a 403 round-trip, and forgets an unused pre-session within the hour', async () => {
    const agent = request.agent(t.app);
    const typed = { author: 'Ann Reader', email: 'ann@example.com', comment: 'Typed before my session existed.' };
    const refused = await agent.post('/posts/hello/comments').set('X-Forwarded-For', '192.0.2.60').type('form').send(typed);
    expect(refused.status).toBe(403);
    const token = /name="_csrf" value="([^"]+)"/.exec(refused.text)![1]!;
    const sent = await agent.post('/posts/hello/comments').set('X-Forwarded-For', '192.0.2.60').type('form').send({ ...typed, _csrf: token });
    expect(sent.status).toBe(303);
    expect(t.db.prepare('SELECT body_md FROM comments').pluck().all()).toEqual([typed.comment]);

    const liveInAnHour = () => t.repos.sessions.countLive(clock() + PRE_SESSION_MS);
    const before = liveInAnHour();
    await request(t.app).get('/admin/login');
    expect(t.repos.sessions.countLive(clock())).toBe(rows());
    expect(liveInAnHour()).toBe(before);
  });
});
