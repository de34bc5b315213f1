// A login that the desk has ended (idle too long, or a password reset or role change
// since) must not count on the public pages either: no trusted, approved comment
// posted in that person's name. Time moves by the injected clock, never by sleeping.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, makeUser, makeTestClock, type TestClock, scriptToken, makePost, makeTestApp, TEST_PASSWORD_COST, type TestContext } from './helpers/index.js';
import { hashPassword } from '../src/users/passwords.js';
import { IDLE_LIMIT_MS } from '../src/users/signed-in.js';
import type { User } from '../src/users/users-repository.js';

let t: TestContext;
let clock: TestClock;
let author: User;

beforeEach(async () => {
  clock = makeTestClock();
  t = makeTestApp({}, { clock });
  author = await makeUser(t.repos, 'author', 'writer');
  makePost(t, author, { title: 'Hello' });
});
afterEach(() => t.close());

const comments = () => t.db.prepare('SELECT user_id, status FROM comments').all() as { user_id: number | null; status: string }[];

describe('an ended login on the public pages', () => {
  it('signs the author in on the post page while the login is live', async () => {
    const agent = await loginAs(t, 'writer');
    const page = await agent.get('/posts/hello');
    expect(page.text).toContain('Logged in as <strong>Writer</strong>');
  });

  it('after a password reset, shows the reader form and posts nothing as the author', async () => {
    const agent = await loginAs(t, 'writer');
    clock.advance(1000);
    t.repos.users.setPasswordHash(author.id, await hashPassword('another long password', TEST_PASSWORD_COST));

    const page = await agent.get('/posts/hello');
    expect(page.text).not.toContain('Logged in as');
    expect(page.text).toContain('name="author"');

    const token = await scriptToken(agent);
    const res = await agent.post('/posts/hello/comments').type('form').send({ _csrf: token, comment: 'Posted by whoever holds the old cookie' });
    expect(res.status).toBe(422);
    expect(comments()).toEqual([]);
  });

  it('after the idle limit, signs nobody in, on the desk or on the post page', async () => {
    const agent = await loginAs(t, 'writer');
    clock.advance(IDLE_LIMIT_MS - 1000);
    expect((await agent.get('/posts/hello')).text).toContain('Logged in as <strong>Writer</strong>');
    clock.advance(2000);
    expect((await agent.get('/posts/hello')).text).not.toContain('Logged in as');
    const desk = await agent.get('/admin');
    expect(desk.status).toBe(302);
    expect(desk.headers.location).toBe('/admin/login?next=%2Fadmin');
  });
});
