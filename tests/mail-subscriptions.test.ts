// Email end to end against a real SMTP server on loopback: double opt-in, notifications
// of comments, replies and new posts, one-click unsubscribe, an outage, a restart and
// the 10-minute gathering. Time moves only through the injected clock.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { ParsedMail } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildContext } from '../src/compose.js';
import { openDatabase } from '../src/db/open.js';
import { GATHER_MS } from '../src/mail/notifications.js';
import type { OutboxRow } from '../src/mail/outbox-repository.js';
import type { QueuedComment } from '../src/comments/comments-repository.js';
import type { User } from '../src/users/users-repository.js';
import { makePost, makeTestApp, makeTestClock, makeUser, scriptToken, type TestClock, type TestContext } from './helpers/index.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let smtp: TestSmtp;
let t: TestContext;
let clock: TestClock;
let author: User;
let postId: number;

beforeEach(async () => {
  smtp = await startSmtp();
  clock = makeTestClock(Date.parse('2026-06-01T12:00:00Z'));
  t = makeTestApp({ SMTP_URL: smtp.url, BASE_URL: 'http://blog.example', MAIL_FROM: 'Blog <blog@blog.example>' }, { clock });
  author = await makeUser(t.repos);
  postId = makePost(t, author, { title: 'Hello', published_at: new Date(clock() - HOUR) });
});
afterEach(async () => {
  await t.ctx.mail.stop();
  t.close();
  await smtp.close();
});

const outbox = () => t.db.prepare('SELECT * FROM outbox ORDER BY id').all() as OutboxRow[];
const subscriptions = () => t.db.prepare('SELECT email, post_id, status FROM subscriptions ORDER BY id').all() as { email: string; post_id: number | null; status: string }[];

async function comment(fields: Record<string, string>, agent = request.agent(t.app), slug = 'hello') {
  const token = await scriptToken(agent);
  return agent.post(`/posts/${slug}/comments`).type('form').send({ _csrf: token, author: 'Ann', email: 'ann@example.com', comment: 'A thought.', ...fields });
}

/** Sends what is due and returns the messages received by this tick. */
async function deliver(): Promise<ParsedMail[]> {
  const before = smtp.received.length;
  await t.ctx.mail.tick();
  return (await smtp.waitFor(before)).slice(before);
}

const linkIn = (mail: ParsedMail, pathStart: string): string => {
  const url = new RegExp(`http://blog\\.example(${pathStart.replace(/[?]/g, '\\?')}[^\\s"<>]*)`).exec(mail.text ?? '')?.[1];
  if (!url) throw new Error(`no ${pathStart} link in:\n${mail.text}`);
  return url;
};
const tokenOf = (url: string) => new URL(url, 'https://x').searchParams.get('token') ?? '';
/** A header's value as sent (mailparser folds the List-* headers into one object otherwise). */
const header = (mail: ParsedMail, name: string) => mail.headerLines.find((h) => h.key === name)?.line.slice(name.length + 1).trim() ?? '';

/** Asks by the comment form, follows the link from the message, presses Confirm. */
async function subscribeAndConfirm(email: string, fields: Record<string, string> = { subscribe_comments: '1' }) {
  t.repos.settings.save({ comment_moderation: 'none' });
  await comment({ email, author: email.split('@')[0]!, comment: `Hello from ${email.split('@')[0]}`, ...fields });
  const [confirmation] = (await deliver()).filter((m) => m.subject?.includes('confirm'));
  const link = linkIn(confirmation!, '/subscriptions/confirm');
  const done = await request(t.app).post('/subscriptions/confirm').type('form').send({ token: tokenOf(link) });
  expect(done.status).toBe(200);
}

describe('double opt-in', () => {
  it('sends one confirmation; its link opens a page whose button confirms, a GET never does', async () => {
    const res = await comment({ subscribe_comments: '1', subscribe_blog: '1' });
    expect(res.status).toBe(303);
    expect(subscriptions()).toEqual([
      { email: 'ann@example.com', post_id: postId, status: 'pending' },
      { email: 'ann@example.com', post_id: null, status: 'pending' },
    ]);
    const [mail, ...others] = await deliver();
    expect(others).toEqual([]);
    expect(mail!.to).toMatchObject({ text: 'ann@example.com' });
    expect(mail!.from?.value[0]).toMatchObject({ name: 'Blog', address: 'blog@blog.example' });
    expect(mail!.subject).toBe('[Colloquy] Please confirm your email subscription');
    expect(mail!.html).toContain('/subscriptions/confirm?token=');

    const link = linkIn(mail!, '/subscriptions/confirm');
    const page = await request(t.app).get(link);
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('New comments on “Hello”');
    expect(page.text).toContain('New posts on this blog');
    expect(page.text).toMatch(/<form method="post" action="\/subscriptions\/confirm">[\s\S]*<button type="submit" class="primary">Confirm<\/button>/);
    // Opening the link (as a mail scanner does) confirmed nothing.
    expect(subscriptions().map((s) => s.status)).toEqual(['pending', 'pending']);

    // No session and no _csrf: the signed token authorises the button.
    const done = await request(t.app).post('/subscriptions/confirm').type('form').send({ token: tokenOf(link) });
    expect(done.status).toBe(200);
    expect(done.text).toContain('2 subscriptions confirmed');
    expect(subscriptions().map((s) => s.status)).toEqual(['confirmed', 'confirmed']);
  });

  it('asking again within an hour sends no second message; after the hour it does', async () => {
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const follow = () => agent.post('/subscribe').type('form').send({ _csrf: token, email: 'bo@example.com' });
    expect((await follow()).status).toBe(200);
    expect(await deliver()).toHaveLength(1);
    clock.advance(59 * MINUTE);
    expect((await follow()).text).toContain('Check your email');
    expect(await deliver()).toHaveLength(0);
    clock.advance(2 * MINUTE);
    await follow();
    expect(await deliver()).toHaveLength(1);
  });

  it('a confirmation link expires after a week', async () => {
    await comment({ subscribe_blog: '1' });
    const link = linkIn((await deliver())[0]!, '/subscriptions/confirm');
    clock.advance(7 * 24 * HOUR + MINUTE);
    const page = await request(t.app).get(link);
    expect(page.status).toBe(400);
    expect(page.text).toContain('has expired');
    const late = await request(t.app).post('/subscriptions/confirm').type('form').send({ token: tokenOf(link) });
    expect(late.status).toBe(400);
    expect(subscriptions()[0]!.status).toBe('pending');
  });

  it('confirming an address is not approval: the commenter is still held the first time', async () => {
    await comment({ subscribe_comments: '1' });
    const link = linkIn((await deliver())[0]!, '/subscriptions/confirm');
    await request(t.app).post('/subscriptions/confirm').type('form').send({ token: tokenOf(link) });
    await comment({ comment: 'Another thought.' });
    const statuses = t.db.prepare('SELECT status FROM comments ORDER BY id').pluck().all();
    expect(statuses).toEqual(['pending', 'pending']);
  });

  it('the footer form: no token gives the form back with one; a bad address is refused with the address kept', async () => {
    const agent = request.agent(t.app);
    const stale = await agent.post('/subscribe').type('form').send({ email: 'cy@example.com' });
    expect(stale.status).toBe(403);
    expect(stale.text).toContain('<h1>One more click to follow</h1>');
    expect(stale.text).toContain('To protect this form we need one more click from you.');
    expect(stale.text).not.toContain('expired');
    expect(stale.text).toContain('value="cy@example.com"');
    const token = /name="_csrf" value="([^"]+)"/.exec(stale.text)?.[1];
    expect(token).toBeTruthy();
    const bad = await agent.post('/subscribe').type('form').send({ _csrf: token, email: 'not an address' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('value="not an address"');
    expect(outbox()).toEqual([]);
    const good = await agent.post('/subscribe').type('form').send({ _csrf: token, email: 'cy@example.com' });
    expect(good.status).toBe(200);
    expect(subscriptions()).toEqual([{ email: 'cy@example.com', post_id: null, status: 'pending' }]);
  });
});

describe('notifications', () => {
  it('a reply reaches the subscribed commenter with its permalink and one-click unsubscribe, never the replier', async () => {
    await subscribeAndConfirm('ann@example.com');
    const annComment = t.db.prepare("SELECT id FROM comments WHERE author_email = 'ann@example.com'").pluck().get() as number;
    // Her own comments never notify her, though she follows the post.
    await comment({ author: 'ann', email: 'ANN@example.com', comment: 'And another thing.' });
    expect(outbox().filter((m) => m.kind === 'comments')).toEqual([]);
    expect(await deliver()).toEqual([]);

    const posted = await comment({ author: 'Bo', email: 'bo@example.com', comment: 'I **disagree** <script>alert(1)</script>', comment_parent: String(annComment), subscribe_comments: '1' });
    expect(posted.status).toBe(303);
    const mails = await deliver();
    const reply = mails.find((m) => m.subject?.includes('replied'));
    expect(reply?.subject).toBe('[Colloquy] Bo replied to you on “Hello”');
    expect(reply!.to).toMatchObject({ text: 'ann@example.com' });
    const replyId = t.db.prepare("SELECT id FROM comments WHERE author_email = 'bo@example.com'").pluck().get() as number;
    expect(reply!.text).toContain(`http://blog.example/comments/${replyId}`);
    expect(reply!.html).toContain('<strong>disagree</strong>');
    expect(reply!.html).not.toContain('<script>');
    expect(header(reply!, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    expect(header(reply!, 'list-unsubscribe')).toMatch(/^<http:\/\/blog\.example\/subscriptions\/unsubscribe\?token=[\w%.-]+>$/);
    expect(reply!.text).toContain('Stop these emails: http://blog.example/subscriptions/unsubscribe?token=');
    // Bo is only asked to confirm.
    expect(mails.filter((m) => m !== reply).map((m) => m.subject)).toEqual(['[Colloquy] Please confirm your email subscription']);
  });

  it('a held comment tells subscribers only once a moderator approves it, and only once', async () => {
    await subscribeAndConfirm('ann@example.com');
    t.repos.settings.save({ comment_moderation: 'first_time' });
    await comment({ author: 'Bo', email: 'bo@example.com', comment: 'Held at first.' });
    expect(await deliver()).toEqual([]);
    const held = t.db.prepare("SELECT * FROM comments WHERE author_email = 'bo@example.com'").get() as QueuedComment;
    t.services.moderation.act(held, 'approve', author.id);
    expect((await deliver()).map((m) => m.subject)).toEqual(['[Colloquy] A new comment on “Hello”']);
    t.services.moderation.act(held, 'unapprove', author.id);
    t.services.moderation.act(held, 'approve', author.id);
    clock.advance(GATHER_MS);
    expect(await deliver()).toEqual([]);
  });

  it('a new post, scheduled, is emailed to blog subscribers when its time comes', async () => {
    await subscribeAndConfirm('ann@example.com', { subscribe_blog: '1' });
    makePost(t, author, { title: 'Later', slug: 'later', published_at: new Date(clock() + HOUR) });
    expect(await deliver()).toEqual([]);
    clock.advance(HOUR);
    const [mail, ...rest] = await deliver();
    expect(rest).toEqual([]);
    expect(mail!.subject).toBe('[Colloquy] New post: Later');
    expect(mail!.text).toContain('http://blog.example/posts/later');
    // Signed with the author's display name.
    expect(mail!.text).toContain(`Later\nby ${author.display_name}\n`);
    expect(header(mail!, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    // Announced once, whatever happens to the post later.
    clock.advance(HOUR);
    expect(await deliver()).toEqual([]);
  });

  it('gathers what comes within 10 minutes into one message', async () => {
    await subscribeAndConfirm('ann@example.com');
    await comment({ author: 'Bo', email: 'bo@example.com', comment: 'First.' });
    expect((await deliver()).map((m) => m.subject)).toEqual(['[Colloquy] A new comment on “Hello”']);
    clock.advance(MINUTE);
    await comment({ author: 'Cy', email: 'cy@example.com', comment: 'Second.' });
    clock.advance(MINUTE);
    await comment({ author: 'Di', email: 'di@example.com', comment: 'Third.' });
    expect(await deliver()).toEqual([]);
    clock.advance(GATHER_MS - 2 * MINUTE);
    const [gathered, ...rest] = await deliver();
    expect(rest).toEqual([]);
    expect(gathered!.subject).toBe('[Colloquy] 2 new comments on “Hello”');
    expect(gathered!.text).toContain('Second.');
    expect(gathered!.text).toContain('Third.');
  });

  it('a held comment tells the post author and the admins why, with a link to the queue', async () => {
    const admin = t.repos.users.create({ username: 'boss', display_name: 'Boss', email: 'boss@blog.example', password_hash: 'x', role: 'admin' });
    expect(admin.email).toBe('boss@blog.example');
    await comment({ comment: 'First time here.' });
    const [mail] = await deliver();
    expect(mail!.to).toMatchObject({ text: 'boss@blog.example' });
    expect(mail!.subject).toBe('[Colloquy] A comment held for moderation on “Hello”');
    expect(mail!.text).toContain('First comment from this name and email address');
    expect(mail!.text).toContain('http://blog.example/admin/comments?status=pending');
    t.repos.settings.save({ mail_held_comments: false });
    await comment({ comment: 'Second time.' });
    expect(await deliver()).toEqual([]);
  });
});

describe('settings and edge cases', () => {
  it('"only replies" narrows the comment emails to replies to the subscriber\'s own comments', async () => {
    await subscribeAndConfirm('ann@example.com');
    t.repos.settings.save({ mail_comment_notices: 'replies' });
    await comment({ author: 'Bo', email: 'bo@example.com', comment: 'Not to Ann.' });
    expect(await deliver()).toEqual([]);
    const annComment = t.db.prepare("SELECT id FROM comments WHERE author_email = 'ann@example.com'").pluck().get() as number;
    clock.advance(GATHER_MS);
    await comment({ author: 'Cy', email: 'cy@example.com', comment: 'To Ann.', comment_parent: String(annComment) });
    expect((await deliver()).map((m) => m.subject)).toEqual(['[Colloquy] Cy replied to you on “Hello”']);
  });

  it('a comment hidden by readers\' reports tells the admins too', async () => {
    t.repos.users.create({ username: 'boss', display_name: 'Boss', email: 'boss@blog.example', password_hash: 'x', role: 'admin' });
    t.repos.settings.save({ comment_moderation: 'none', report_hide_threshold: 1, mail_held_comments: false });
    await comment({ comment: 'Something rude.' });
    t.repos.settings.save({ mail_held_comments: true });
    const id = t.db.prepare('SELECT id FROM comments').pluck().get() as number;
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    expect((await agent.post(`/comments/${id}/report`).type('form').send({ _csrf: token, reason: 'rude' })).status).toBe(303);
    const [mail] = await deliver();
    expect(mail!.subject).toBe('[Colloquy] A comment held for moderation on “Hello”');
    expect(mail!.text).toContain('Something rude.');
  });

  it('held-comment emails as a daily digest: the first at once, then one a day for every post', async () => {
    t.repos.users.create({ username: 'boss', display_name: 'Boss', email: 'boss@blog.example', password_hash: 'x', role: 'admin' });
    makePost(t, author, { title: 'Other', slug: 'other', published_at: new Date(clock() - HOUR) });
    t.repos.settings.save({ mail_held_digest: 'daily' });
    await comment({ comment: 'One.' });
    expect((await deliver()).map((m) => m.subject)).toEqual(['[Colloquy] A comment held for moderation on “Hello”']);
    clock.advance(HOUR);
    await comment({ author: 'Bo', email: 'bo@example.com', comment: 'Two.' });
    await comment({ author: 'Cy', email: 'cy@example.com', comment: 'Three.' }, undefined, 'other');
    clock.advance(22 * HOUR);
    expect(await deliver()).toEqual([]);
    clock.advance(HOUR);
    const [digest, ...rest] = await deliver();
    expect(rest).toEqual([]);
    expect(digest!.subject).toBe('[Colloquy] 2 comments held for moderation');
    expect(digest!.text).toContain('Bo wrote on “Hello”');
    expect(digest!.text).toContain('Cy wrote on “Other”');
  });

  it('a signed-in author with no address on file asks for nothing and gets nothing', () => {
    expect(t.services.subscriptions.request({ email: '', blog: true })).toEqual({ confirmationQueued: false });
    expect(subscriptions()).toEqual([]);
    expect(outbox()).toEqual([]);
  });
});

describe('unsubscribe', () => {
  async function notification() {
    await subscribeAndConfirm('ann@example.com', { subscribe_comments: '1', subscribe_blog: '1' });
    await comment({ author: 'Bo', email: 'bo@example.com', comment: 'News.' });
    const [mail] = await deliver();
    return linkIn(mail!, '/subscriptions/unsubscribe');
  }

  it('the landing page changes nothing; the one-click POST stops the subscription without a session', async () => {
    const link = await notification();
    const page = await request(t.app).get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Unsubscribe</button>');
    expect(page.text).toContain('Stop everything from this blog');
    expect(subscriptions()).toHaveLength(2);

    const res = await request(t.app).post(link).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(subscriptions()).toEqual([{ email: 'ann@example.com', post_id: null, status: 'confirmed' }]);
    // Further comments reach nobody.
    clock.advance(GATHER_MS);
    await comment({ author: 'Cy', email: 'cy@example.com', comment: 'More.' });
    expect(await deliver()).toEqual([]);
  });

  it('"stop everything" removes every subscription of the address and its waiting messages', async () => {
    const link = await notification();
    await comment({ author: 'Cy', email: 'cy@example.com', comment: 'Waiting.' });
    expect(outbox().filter((m) => m.status === 'pending')).toHaveLength(1);
    const res = await request(t.app).post('/subscriptions/unsubscribe').type('form').send({ token: tokenOf(link), everything: '1' });
    expect(res.text).toContain('Nothing more from this blog');
    expect(subscriptions()).toEqual([]);
    expect(outbox().filter((m) => m.status === 'pending')).toEqual([]);
  });

  it('a forged token changes nothing', async () => {
    await notification();
    const res = await request(t.app).post('/subscriptions/unsubscribe?token=e30.0123456789abcdef0123456789abcdef').type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(400);
    expect(subscriptions()).toHaveLength(2);
  });
});

describe('odd requests', () => {
  it('answers anything a browser or bot can send to the email routes without a 500', async () => {
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const answers = [
      await request(t.app).get('/subscriptions/confirm'),
      await request(t.app).get('/subscriptions/confirm?token=a&token=b'),
      await request(t.app).get('/subscriptions/unsubscribe?token[x]=1'),
      await request(t.app).get(`/subscriptions/unsubscribe?token=${'a.'.repeat(3000)}`),
      await request(t.app).post('/subscriptions/confirm').send('token=%00%ff'),
      await request(t.app).post('/subscriptions/unsubscribe').set('Content-Type', 'multipart/form-data; boundary=x').send('--x--'),
      await request(t.app).post('/subscriptions/unsubscribe').type('json').send('{"token":{"a":1}}'),
      await agent.post('/subscribe').type('form').send(`_csrf=${token}&email=a@b.c&email=d@e.f`),
      await agent.post('/subscribe').type('form').send(`_csrf=${token}&email=${'a'.repeat(300)}@example.com`),
    ];
    expect(answers.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 200, 422]);
  });
});

describe('delivery', () => {
  it('an SMTP server that is down: the request is unaffected, retries back off, nothing is lost', async () => {
    smtp.up = false;
    const res = await comment({ subscribe_blog: '1' });
    expect(res.status).toBe(303);
    await t.ctx.mail.tick();
    let [row] = outbox();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.last_error).toMatch(/421|not available/i);
    // The first retry comes within a minute.
    expect(Date.parse(row!.next_attempt_at) - clock()).toBeLessThanOrEqual(MINUTE);
    clock.advance(30_000);
    await t.ctx.mail.tick();
    [row] = outbox();
    expect(row).toMatchObject({ status: 'pending', attempts: 2 });
    expect(Date.parse(row!.next_attempt_at) - clock()).toBe(60_000);
    smtp.up = true;
    clock.advance(60_000);
    const [mail] = await deliver();
    expect(mail!.messageId).toBe(row!.message_id);
    expect(outbox()[0]).toMatchObject({ status: 'sent', attempts: 3, last_error: '' });
    expect(await deliver()).toEqual([]);
  });

  it('gives up after the last attempt, keeping the error, and the desk can retry it', async () => {
    smtp.up = false;
    await comment({ subscribe_blog: '1' });
    for (let i = 0; i < 12; i++) {
      await t.ctx.mail.tick();
      clock.advance(7 * HOUR);
    }
    expect(outbox()[0]).toMatchObject({ status: 'failed', attempts: 10 });
    expect(outbox()[0]!.last_error).not.toBe('');
    smtp.up = true;
    expect(t.repos.outbox.retry(outbox()[0]!.id)).toBe(true);
    expect(await deliver()).toHaveLength(1);
  });

  it('a restart loses nothing: pending messages go out from the next process', async () => {
    await comment({ subscribe_blog: '1' });
    await comment({ email: 'bo@example.com', comment: 'Another.', subscribe_comments: '1' });
    expect(outbox().map((m) => m.status)).toEqual(['pending', 'pending']);
    const ids = outbox().map((m) => m.message_id);
    // The process ends before its worker ran; a new one opens the same file.
    t.db.close();
    const db = openDatabase(t.config.databasePath);
    const again = buildContext({ db, config: t.config, clock });
    await again.mail.tick();
    const received = await smtp.waitFor(2);
    expect(received.map((m) => m.messageId).sort()).toEqual(ids.sort());
    await again.mail.stop();
    t.db = db;
  });

  it('two serving processes never send the same message: each claims a row before sending it', async () => {
    for (const who of ['a', 'b', 'c', 'd']) await comment({ email: `${who}@example.com`, comment: `From ${who}.`, subscribe_blog: '1' });
    const ids = outbox().map((m) => m.message_id);
    expect(ids).toHaveLength(4);
    // A second process (another WEB_CONCURRENCY worker) on the same file, ticking at the same moment.
    const db = openDatabase(t.config.databasePath);
    const other = buildContext({ db, config: t.config, clock });
    try {
      const [mine, theirs] = await Promise.all([t.ctx.mail.tick(), other.mail.tick()]);
      expect(mine.sent + theirs.sent).toBe(4);
      const received = await smtp.waitFor(4);
      expect(received.map((m) => m.messageId).sort()).toEqual([...ids].sort());
      expect(outbox().map((m) => [m.status, m.attempts, m.claimed_by])).toEqual(Array(4).fill(['sent', 1, null]));
    } finally {
      await other.mail.stop();
      db.close();
    }
  });

  it('a message claimed by a process that crashed goes out once its claim runs out', async () => {
    await comment({ subscribe_blog: '1' });
    const [row] = outbox();
    t.db.prepare('UPDATE outbox SET claimed_by = ?, claimed_until = ? WHERE id = ?').run('4242:gone', new Date(clock() + 5 * MINUTE).toISOString(), row!.id);
    expect(await t.ctx.mail.tick()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    clock.advance(5 * MINUTE + 1);
    expect(await t.ctx.mail.tick()).toMatchObject({ sent: 1 });
    expect((await smtp.waitFor(1))[0]!.messageId).toBe(row!.message_id);
  });

  it('with no SMTP_URL, messages are written as .eml files in mail/ beside the database', async () => {
    const local = makeTestApp({}, { clock });
    try {
      local.services.subscriptions.request({ email: 'ann@example.com', blog: true });
      expect(await local.ctx.mail.tick()).toMatchObject({ sent: 1 });
      const files = fs.readdirSync(path.join(local.dir, 'mail'));
      expect(files).toHaveLength(1);
      expect(files[0]).not.toContain('ann');
      const eml = fs.readFileSync(path.join(local.dir, 'mail', files[0]!), 'utf8');
      expect(eml).toContain('Subject: [Colloquy] Please confirm your email subscription');
      expect(eml).toContain('To: ann@example.com');
    } finally {
      await local.ctx.mail.stop();
      local.close();
    }
  });
});
