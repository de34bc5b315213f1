// Commenters signing in by a one-time email link, end to end through supertest on a real
// database: the link through the outbox, its refusals, the typed comment kept across the
// trip, the session, trust, the edit window, "Your comments" and the render cache.
// Time moves only through the injected clock.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Comment } from '../src/comments/comments-repository.js';
import type { OutboxRow } from '../src/mail/outbox-repository.js';
import { outgoingMail } from '../src/mail/outgoing.js';
import { confirmToken } from '../src/subscriptions/mail-tokens.js';
import type { User } from '../src/users/users-repository.js';
import {
  loginAs, makePost, makeTestApp, makeTestClock, makeUser, pageToken, scriptToken, seedComment, textareaValue,
  type Agent, type TestClock, type TestContext,
} from './helpers/index.js';

const MINUTE = 60_000;
const SIGNED_IN = 'You are commenting as';

let t: TestContext;
let clock: TestClock;
let admin: User;
let postId: number;

beforeEach(async () => {
  clock = makeTestClock(Date.parse('2026-06-01T12:00:00Z'));
  t = makeTestApp({ BASE_URL: 'http://blog.example' }, { clock });
  admin = await makeUser(t.repos, 'admin');
  postId = makePost(t, admin, { title: 'Hello', published_at: new Date(clock() - 60 * MINUTE) });
});
afterEach(() => t.close());

const linkRows = () => t.db.prepare("SELECT * FROM outbox WHERE kind = 'sign-in' ORDER BY id").all() as OutboxRow[];
const lastLinkToken = (): string => (JSON.parse(linkRows().at(-1)!.payload) as { token: string }).token;
const sessionCookie = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('colloquy.sid='))?.split(';')[0];
const commentById = (id: number) => t.repos.comments.findById(id) as Comment;

/** Asks for a link from the comment form of /posts/hello, with whatever else the form held. */
async function askLink(agent: Agent, fields: Record<string, string> = {}) {
  const token = await scriptToken(agent);
  return agent.post('/auth/email').type('form').send({ _csrf: token, return: '/posts/hello', email: 'Ada@Example.org', comment: '', ...fields });
}

/** A browser signed in by email as `email`; returns the agent and the answer to the button. */
async function signIn(email = 'Ada@Example.org', fields: Record<string, string> = {}, agent: Agent = request.agent(t.app)) {
  const asked = await askLink(agent, { email, ...fields });
  expect(asked.status).toBe(200);
  const res = await agent.post('/auth/email/verify').type('form').send({ token: lastLinkToken() });
  return { agent, res };
}

async function postComment(agent: Agent, fields: Record<string, string>) {
  const token = await scriptToken(agent);
  const res = await agent.post('/posts/hello/comments').type('form').send({ _csrf: token, comment_parent: '0', ...fields });
  const id = Number(/comment-(\d+)/.exec(res.headers.location ?? '')?.[1]);
  return { res, id };
}

describe('the email link', () => {
  it('goes out through the outbox, opens a page whose button signs in, and comes back to the form', async () => {
    const agent = request.agent(t.app);
    const asked = await askLink(agent, { author: 'Ada Lovelace' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('Check your email');
    const [row] = linkRows();
    expect(row).toMatchObject({ recipient: 'Ada@Example.org', status: 'pending' });
    const mail = outgoingMail(row!, { baseUrl: 'http://blog.example', from: 'b@blog.example', keys: t.ctx.keys, siteTitle: () => 'Blog' });
    const link = /http:\/\/blog\.example(\/auth\/email\/verify\?token=\S+)/.exec(mail.text)?.[1];
    expect(link).toBeDefined();

    // Opening the link (as a mail scanner would, twice) uses nothing up and signs nobody in.
    const page = await request(t.app).get(link!);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toMatch(/<form method="post" action="\/auth\/email\/verify">/);
    expect((await request(t.app).get(link!)).status).toBe(200);

    const token = new URL(link!, 'http://x').searchParams.get('token')!;
    const res = await agent.post('/auth/email/verify').type('form').send({ token });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/posts/hello#respond');
    const post = await agent.get('/posts/hello');
    expect(post.text).toContain(`${SIGNED_IN} <strong class="commenter-name">Ada Lovelace</strong>`);
    expect(post.text).toContain('formaction="/auth/logout"');
    expect(post.text).not.toContain('id="author"');
    expect(t.db.prepare('SELECT provider, subject, name, email FROM commenters').all()).toEqual([
      { provider: 'email', subject: 'ada@example.org', name: 'Ada Lovelace', email: 'Ada@Example.org' },
    ]);
    expect(t.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(1);
  });

  it('refuses a link after 15 minutes, clearly, and signs nobody in', async () => {
    const agent = request.agent(t.app);
    await askLink(agent);
    clock.advance(15 * MINUTE + 1000);
    const page = await request(t.app).get(`/auth/email/verify?token=${encodeURIComponent(lastLinkToken())}`);
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link has expired');
    const res = await agent.post('/auth/email/verify').type('form').send({ token: lastLinkToken() });
    expect(res.status).toBe(410);
    expect(res.text).toContain('Sign-in links work for 15 minutes');
    expect((await agent.get('/posts/hello')).text).not.toContain(SIGNED_IN);
    expect(t.db.prepare('SELECT count(*) FROM commenters').pluck().get()).toBe(0);
  });

  it('works once: a second use, from any browser, is refused', async () => {
    const { res } = await signIn();
    expect(res.status).toBe(303);
    const again = await request(t.app).post('/auth/email/verify').type('form').send({ token: lastLinkToken() });
    expect(again.status).toBe(410);
    expect(again.text).toContain('This link was already used');
    expect((await request(t.app).get(`/auth/email/verify?token=${encodeURIComponent(lastLinkToken())}`)).text).toContain('already used');
  });

  it('refuses a forged, changed or borrowed token', async () => {
    const agent = request.agent(t.app);
    await askLink(agent);
    const good = lastLinkToken();
    const [body, signature] = good.split('.') as [string, string];
    const otherBody = Buffer.from(JSON.stringify(['x', 'eve@example.org', String(clock()), '', '/'])).toString('base64url');
    const forged = [
      `${body}.${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`,
      `${otherBody}.${signature}`,
      confirmToken(t.ctx.keys, { email: 'ada@example.org', askedAt: clock() }),
      '', 'not-a-token', `${'a'.repeat(5000)}.${signature}`,
    ];
    for (const token of forged) {
      const res = await agent.post('/auth/email/verify').type('form').send({ token });
      expect(res.status, token.slice(0, 20)).toBe(400);
      expect(res.text).toContain('This link does not work');
    }
    expect(t.db.prepare('SELECT count(*) FROM commenters').pluck().get()).toBe(0);
  });

  it('refuses an address that is not one, giving the form back with the comment kept', async () => {
    const agent = request.agent(t.app);
    const res = await askLink(agent, { email: 'nope', comment: 'My typed words' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="email-error"');
    expect(res.text).toContain('<input type="hidden" name="comment" value="My typed words">');
    expect(linkRows()).toHaveLength(0);
    expect(textareaValue((await agent.get('/posts/hello')).text)).toBe('My typed words');
  });

  it('without a valid token, sends nothing and gives the form back with the comment riding along', async () => {
    const res = await request(t.app).post('/auth/email').type('form').send({ return: '/posts/hello', email: 'ada@example.org', comment: 'Typed <b>text</b>', author: 'Ada' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('To protect this form we need one more click from you.');
    expect(res.text).not.toContain('expired');
    expect(res.text).toContain('<input type="hidden" name="comment" value="Typed &lt;b&gt;text&lt;/b&gt;">');
    expect(res.text).toContain('value="ada@example.org"');
    expect(linkRows()).toHaveLength(0);
  });

  it('is limited per network and per recipient, counted before anything is sent', async () => {
    const agent = request.agent(t.app);
    for (let i = 0; i < 3; i++) expect((await askLink(agent)).status).toBe(200);
    const fourth = await askLink(agent);
    expect(fourth.status).toBe(429);
    expect(fourth.headers['retry-after']).toBeDefined();
    expect(linkRows()).toHaveLength(3);
    // Other addresses from the same network: two more this minute, then the network's limit.
    expect((await askLink(agent, { email: 'b@example.org' })).status).toBe(200);
    expect((await askLink(agent, { email: 'c@example.org' })).status).toBe(429);
    expect(linkRows()).toHaveLength(4);
  });
});

describe('the sign-in round trip', () => {
  it('keeps the typed comment and its reply target, and the session id changes', async () => {
    const parent = seedComment(t.repos, postId, { author_name: 'Grace' });
    const agent = request.agent(t.app);
    const before = await askLink(agent, { author: 'Ada', comment: 'Half a *thought*', comment_parent: String(parent), url: 'ada.example', subscribe_comments: '1' });
    const cookieBefore = sessionCookie(before) ?? '';
    expect(cookieBefore).not.toBe('');
    const res = await agent.post('/auth/email/verify').type('form').send({ token: lastLinkToken() });
    expect(res.headers.location).toBe(`/posts/hello?replyto=${parent}#respond`);
    const cookieAfter = sessionCookie(res);
    expect(cookieAfter).toBeDefined();
    expect(cookieAfter).not.toBe(cookieBefore);

    const page = await agent.get(res.headers.location!);
    expect(textareaValue(page.text)).toBe('Half a *thought*');
    // The new session has a form token at once: without JavaScript the first post needs no second click.
    expect(page.text).toMatch(/name="_csrf" value="[^"]+"/);
    expect(page.text).toContain('Replying to Grace');
    expect(page.text).toMatch(/id="subscribe_comments"[^>]*checked/);
    // Posted, the draft is gone.
    const { res: posted } = await postComment(agent, { comment: 'Half a *thought*', comment_parent: String(parent) });
    expect(posted.status).toBe(303);
    expect(textareaValue((await agent.get('/posts/hello')).text)).toBe('');
  });

  it('log-out ends the commenter sign-in only: an admin of the same browser stays logged in', async () => {
    const agent = await loginAs(t, admin.username);
    await signIn('ada@example.org', {}, agent);
    expect((await agent.get('/admin')).status).toBe(200);
    expect(t.db.prepare('SELECT count(*) FROM commenters').pluck().get()).toBe(1);
    const token = await pageToken(agent, '/admin');
    const out = await agent.post('/auth/logout').type('form').send({ _csrf: token, return: '/posts/hello' });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/posts/hello');
    expect((await agent.get('/admin')).status).toBe(200);
    expect((await agent.get('/auth/me')).text).toContain('You are not signed in');
  });

  it('log-out needs the token and keeps a comment being typed', async () => {
    const { agent } = await signIn();
    const refused = await agent.post('/auth/logout').type('form').send({ return: '/posts/hello' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('To protect this form we need one more click from you.');
    expect((await agent.get('/posts/hello')).text).toContain(SIGNED_IN);
    const token = await scriptToken(agent);
    const out = await agent.post('/auth/logout').type('form').send({ _csrf: token, return: '/posts/hello', comment: 'Keep me' });
    expect(out.headers.location).toBe('/posts/hello#respond');
    const page = await agent.get('/posts/hello');
    expect(page.text).not.toContain(SIGNED_IN);
    expect(textareaValue(page.text)).toBe('Keep me');
  });
});

describe('a signed-in commenter posting', () => {
  it('posts under the identity, held the first time, trusted once an earlier comment was approved', async () => {
    const { agent } = await signIn('ada@example.org', { author: 'Ada' });
    const first = await postComment(agent, { author: 'Mallory', email: 'm@example.org', comment: 'First words' });
    expect(first.res.headers.location).toContain(`?unapproved=${first.id}`);
    expect(commentById(first.id)).toMatchObject({ author_name: 'Ada', author_email: 'ada@example.org', user_id: null, status: 'pending', held_reason: 'First comment from this signed-in commenter' });
    expect(commentById(first.id).commenter_id).toBeGreaterThan(0);

    t.repos.comments.setStatus(first.id, 'approved');
    const second = await postComment(agent, { comment: 'Second words' });
    expect(commentById(second.id).status).toBe('approved');
    // Risk holds apply as to anyone.
    const risky = await postComment(agent, { comment: 'Call me on +44 20 7946 0958 any time' });
    expect(commentById(risky.id)).toMatchObject({ status: 'pending' });
    expect(commentById(risky.id).held_reason).toMatch(/personal data/i);
  });

  it('is not staff: readers’ reports hide their comment', async () => {
    t.repos.settings.save({ comment_moderation: 'none', report_hide_threshold: 1 });
    const { agent } = await signIn();
    const { id } = await postComment(agent, { comment: 'Reportable' });
    const reader = request.agent(t.app);
    const token = await scriptToken(reader);
    await reader.post(`/comments/${id}/report`).type('form').send({ _csrf: token, reason: 'rude' });
    expect(commentById(id).status).toBe('pending');
  });
});

describe('editing and deleting one’s own comment', () => {
  beforeEach(() => t.repos.settings.save({ comment_moderation: 'none' }));

  it('edits inside the window, marked as edited; refuses after it, keeping the typed text', async () => {
    const { agent } = await signIn();
    const { id } = await postComment(agent, { comment: 'Frist!' });
    const page = await agent.get('/posts/hello');
    expect(page.text).toContain(`href="/comments/${id}/edit"`);
    expect(page.text).toContain(`href="/comments/${id}/delete"`);

    const form = await agent.get(`/comments/${id}/edit`);
    expect(form.status).toBe(200);
    expect(textareaValue(form.text)).toBe('Frist!');
    const token = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    const saved = await agent.post(`/comments/${id}/edit`).type('form').send({ _csrf: token, comment: 'First!' });
    expect(saved.status).toBe(303);
    expect(commentById(id)).toMatchObject({ body_md: 'First!', edited_at: new Date(clock()).toISOString() });
    expect((await request(t.app).get('/posts/hello')).text).toMatch(/class="comment-edited"[^>]*>edited</);

    clock.advance(15 * MINUTE);
    expect((await agent.get('/posts/hello')).text).not.toContain(`/comments/${id}/edit`);
    const late = await agent.get(`/comments/${id}/edit`);
    expect(late.status).toBe(403);
    expect(late.text).toContain('Too late to change this comment');
    const lateSave = await agent.post(`/comments/${id}/edit`).type('form').send({ _csrf: token, comment: 'Sneaky' });
    expect(lateSave.status).toBe(403);
    expect(lateSave.text).toContain('Sneaky');
    expect(commentById(id).body_md).toBe('First!');
  });

  it('deletes inside the window only, and never someone else’s', async () => {
    const { agent } = await signIn();
    const { id: early } = await postComment(agent, { comment: 'Delete me' });
    const { id: late } = await postComment(agent, { comment: 'Keep me around' });
    const token = await scriptToken(agent);
    expect((await agent.get(`/comments/${early}/delete`)).status).toBe(200);
    expect((await agent.post(`/comments/${early}/delete`).type('form').send({ _csrf: token })).status).toBe(303);
    expect(t.repos.comments.findById(early)).toBeUndefined();

    const { agent: eve } = await signIn('eve@example.org');
    const eveToken = await scriptToken(eve);
    const notYours = await eve.post(`/comments/${late}/delete`).type('form').send({ _csrf: eveToken });
    expect(notYours.status).toBe(403);
    expect(notYours.text).toContain('Not your comment');

    clock.advance(16 * MINUTE);
    const tooLate = await agent.post(`/comments/${late}/delete`).type('form').send({ _csrf: token });
    expect(tooLate.status).toBe(403);
    expect(t.repos.comments.findById(late)).toBeDefined();
    // Not signed in at all: asked to sign in, nothing changed.
    expect((await request(t.app).post(`/comments/${late}/delete`)).status).toBe(403);
  });

  it('holds an approved comment edited into one a risk rule holds', async () => {
    const { agent } = await signIn();
    const { id } = await postComment(agent, { comment: 'Innocent' });
    const token = await scriptToken(agent);
    await agent.post(`/comments/${id}/edit`).type('form').send({ _csrf: token, comment: 'Now see https://a.example https://b.example https://c.example' });
    expect(commentById(id)).toMatchObject({ status: 'pending' });
    expect(commentById(id).held_reason).toMatch(/^Edited by its writer: Has 3 links/);
  });
});

describe('Your comments', () => {
  it('lists the commenter’s comments and erases everything after a confirmation', async () => {
    t.repos.settings.save({ comment_moderation: 'none' });
    const { agent } = await signIn('ada@example.org', { author: 'Ada' });
    const { id } = await postComment(agent, { comment: 'Mine, signed in' });
    // Written before signing in, under the same address.
    const before = seedComment(t.repos, postId, { author_email: 'ADA@example.org', author_name: 'Ada', body_md: 'Mine, anonymous' });
    const other = seedComment(t.repos, postId, { author_email: 'grace@example.org', body_md: 'Not mine' });

    const me = await agent.get('/auth/me');
    expect(me.status).toBe(200);
    expect(me.headers['cache-control']).toBe('no-store');
    expect(me.text).toContain('Mine, signed in');
    expect(me.text).toContain(`href="/comments/${id}"`);
    expect(me.text).not.toContain('Not mine');

    const confirm = await agent.get('/auth/me/erase');
    expect(confirm.text).toContain('Erase your data?');
    expect((await agent.post('/auth/me/erase').type('form').send({})).status).toBe(403);
    expect(t.repos.comments.findById(id)).toBeDefined();
    const token = /name="_csrf" value="([^"]+)"/.exec(confirm.text)![1]!;
    const erased = await agent.post('/auth/me/erase').type('form').send({ _csrf: token });
    expect(erased.status).toBe(200);
    expect(erased.text).toContain('Erased 2 comments');
    expect(t.repos.comments.findById(id)).toBeUndefined();
    expect(t.repos.comments.findById(before)).toBeUndefined();
    expect(t.repos.comments.findById(other)).toBeDefined();
    expect(t.db.prepare('SELECT count(*) FROM commenters').pluck().get()).toBe(0);
    expect((await agent.get('/posts/hello')).text).not.toContain(SIGNED_IN);
  });
});

describe('the render cache and a signed-in page', () => {
  it('never keeps or serves a page that names a signed-in commenter', async () => {
    const anonymous = await request(t.app).get('/posts/hello');
    expect(anonymous.headers['cache-control']).toContain('public');
    const { agent } = await signIn('ada@example.org', { author: 'Ada' });
    const mine = await agent.get('/posts/hello');
    expect(mine.text).toContain(SIGNED_IN);
    expect(mine.headers['cache-control']).toBe('private, no-store');
    for (let i = 0; i < 2; i++) {
      const again = await request(t.app).get('/posts/hello');
      expect(again.text).not.toContain(SIGNED_IN);
      expect(again.text).toContain('Email me a sign-in link');
    }
    expect((await agent.get('/posts/hello')).text).toContain(SIGNED_IN);
  });
});

describe('the email_sign_in setting', () => {
  it('on by default and with no provider configured, the one sign-in button', async () => {
    const page = await request(t.app).get('/posts/hello');
    expect(page.text.match(/class="button sign-in-button"/g)).toHaveLength(1);
    expect(page.text).toContain('formaction="/auth/email"');
  });

  it('off, hides the button and refuses the POST, keeping the typed comment', async () => {
    t.repos.settings.save({ email_sign_in: false });
    const page = await request(t.app).get('/posts/hello');
    expect(page.text).not.toContain('sign-in-button');
    expect(page.text).not.toContain('/auth/email');
    const agent = request.agent(t.app);
    const res = await askLink(agent, { comment: 'Still here' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Email sign-in is turned off');
    expect(res.text).toMatch(/<textarea id="comment-kept"[^>]*>Still here<\/textarea>/);
    expect(linkRows()).toHaveLength(0);
    // Nothing stored for a refused request: no session came of it.
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('is a checkbox on the settings page', async () => {
    const agent = await loginAs(t, admin.username);
    const settings = await agent.get('/admin/settings');
    expect(settings.text).toMatch(/<input id="email_sign_in" name="email_sign_in" type="checkbox" value="1" checked>/);
    expect(settings.text).toMatch(/<input id="comment_edit_minutes" name="comment_edit_minutes" type="number"[^>]* value="15"/);
  });
});

describe('hostile requests to the sign-in routes', () => {
  it('never answer 500', async () => {
    const { agent } = await signIn();
    const token = await scriptToken(agent);
    const bodies: Record<string, unknown>[] = [
      {}, { email: ['a@b.example', 'c@d.example'], return: ['//evil.example'], comment: { x: 1 } },
      { email: 'x'.repeat(100_000), return: '/posts/%E0%A4%A', comment: 'y' }, { token: ['a', 'b'] }, { token: { a: 1 } },
      { return: 'https://evil.example', comment: '' }, { return: '/posts/nothing-here', comment: 'z', comment_parent: '99999999999999999999' },
    ];
    const problems: string[] = [];
    for (const path of ['/auth/email', '/auth/email/verify', '/auth/logout', '/auth/me/erase', '/comments/abc/edit', '/comments/99999999/delete']) {
      for (const body of bodies) {
        for (const client of [agent, request(t.app)]) {
          const json = await client.post(path).send({ _csrf: token, ...body });
          const form = await client.post(path).type('form').send({ _csrf: token, ...body });
          for (const res of [json, form]) if (res.status >= 500) problems.push(`${path} ${JSON.stringify(body).slice(0, 60)}: ${res.status}`);
        }
      }
    }
    for (const path of ['/auth/me', '/auth/me/erase', '/auth/email/verify?token[a]=1', '/auth/email/verify?token=%E0%A4%A', '/auth/email/verify', '/comments/1e3/edit', '/comments/99999999999999999999/delete', '/posts/hello?signin=change&signin=x']) {
      for (const client of [agent, request(t.app)]) {
        const res = await client.get(path);
        if (res.status >= 500) problems.push(`GET ${path}: ${res.status}`);
      }
    }
    expect(problems).toEqual([]);
    // The open redirect a `return` could be: every Location stays on the site.
    const out = await agent.post('/auth/logout').type('form').send({ _csrf: token, return: '//evil.example' });
    expect(out.headers.location).toBe('/');
  }, 60_000);
});
