// The mail rules as plain values: backoff, signed links, the 10-minute window, what a
// message says; and the desk's subscribers and outbox pages, and erasure of an address.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCommentKeys } from '../src/comments/comment-keys.js';
import { buildContext } from '../src/compose.js';
import { MAX_ATTEMPTS, retryDelay } from '../src/mail/backoff.js';
import { TICK_MS } from '../src/mail/mail-worker.js';
import { buildMessage } from '../src/mail/messages.js';
import { DIGEST_MS, GATHER_MS, nextWindow } from '../src/mail/notifications.js';
import { CONFIRM_VALID_MS, confirmToken, readConfirmToken, readUnsubscribeToken, unsubscribeToken } from '../src/subscriptions/mail-tokens.js';
import { loginAs, makePost, makeTestApp, makeUser, postForm, type TestContext } from './helpers/index.js';

const keys = createCommentKeys('a-secret-for-tests');
const site = { title: 'My <Blog>', baseUrl: 'https://blog.example' };

describe('backoff', () => {
  it('retries after 30 s, doubling, at most 6 h apart, and gives up after the last attempt', () => {
    expect([1, 2, 3, 4].map(retryDelay)).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelay(MAX_ATTEMPTS - 1)).toBeLessThanOrEqual(6 * 3600_000);
    expect(retryDelay(MAX_ATTEMPTS)).toBeUndefined();
    // In the live server the worker looks every TICK_MS: the first retry comes within a minute.
    expect(retryDelay(1)! + TICK_MS).toBeLessThanOrEqual(60_000);
  });
});

describe('signed links', () => {
  it('a confirmation is good for a week, for this key and purpose only', () => {
    const token = confirmToken(keys, { email: 'ann@example.com', askedAt: 1000 });
    expect(readConfirmToken(keys, token, 1000 + CONFIRM_VALID_MS)).toEqual({ email: 'ann@example.com', askedAt: 1000 });
    expect(readConfirmToken(keys, token, 1001 + CONFIRM_VALID_MS)).toBeUndefined();
    expect(readConfirmToken(createCommentKeys('another-secret-here'), token, 1000)).toBeUndefined();
    // An unsubscribe token does not confirm, and a confirmation does not unsubscribe.
    const leave = unsubscribeToken(keys, { subscriptionId: 7, email: 'ann@example.com' });
    expect(readUnsubscribeToken(keys, leave)).toEqual({ subscriptionId: 7, email: 'ann@example.com' });
    expect(readConfirmToken(keys, leave, 1000)).toBeUndefined();
    expect(readUnsubscribeToken(keys, token)).toBeUndefined();
    for (const junk of ['', '.', 'x.y', `${token}0`, token.replace(/^./, 'A'), 'e30.' + '0'.repeat(32), 'a'.repeat(5000)]) {
      expect(readUnsubscribeToken(keys, junk)).toBeUndefined();
      expect(readConfirmToken(keys, junk, 1000)).toBeUndefined();
    }
  });
});

describe('the 10-minute window', () => {
  it('the next message waits for 10 minutes after the last one went (or will go)', () => {
    const now = Date.parse('2026-01-01T00:05:00Z');
    expect(nextWindow(undefined, now)).toBe(now);
    expect(nextWindow({ sent_at: '2026-01-01T00:00:00.000Z', next_attempt_at: '2026-01-01T00:00:00.000Z' }, now)).toBe(Date.parse('2026-01-01T00:00:00Z') + GATHER_MS);
    expect(nextWindow({ sent_at: null, next_attempt_at: '2026-01-01T00:08:00.000Z' }, now)).toBe(Date.parse('2026-01-01T00:18:00Z'));
    expect(nextWindow({ sent_at: '2025-12-31T00:00:00.000Z', next_attempt_at: '2025-12-31T00:00:00.000Z' }, now)).toBe(now);
    // The daily digest is the same rule with a day's window.
    expect(nextWindow({ sent_at: '2026-01-01T00:00:00.000Z', next_attempt_at: '2026-01-01T00:00:00.000Z' }, now, DIGEST_MS)).toBe(Date.parse('2026-01-02T00:00:00Z'));
  });
});

describe('messages', () => {
  it('a notification has text and HTML, the names in the subject, escaped, and the RFC 8058 headers', () => {
    const m = buildMessage('comments', {
      kind: 'comments', postTitle: 'Tea & <cake>', postSlug: 'tea',
      items: [{ commentId: 4, author: 'Bo <b>', html: '<p>Hi <em>there</em></p>', text: 'Hi *there*', replyToYou: false }],
    }, site, 'https://blog.example/subscriptions/unsubscribe?token=t');
    expect(m.subject).toBe('[My <Blog>] A new comment on “Tea & <cake>”');
    expect(m.text).toContain('Bo <b> wrote:\n\nHi *there*\n\nhttps://blog.example/comments/4');
    expect(m.text).toContain('Stop these emails: https://blog.example/subscriptions/unsubscribe?token=t');
    expect(m.html).toContain('<blockquote><p>Hi <em>there</em></p></blockquote>');
    expect(m.html).toContain('Bo &lt;b&gt; wrote');
    expect(m.html).toContain('Tea &amp; &lt;cake&gt;');
    expect(m.html).toContain('<a href="https://blog.example/subscriptions/unsubscribe?token=t">Unsubscribe</a>');
    expect(m.headers).toEqual({ 'List-Unsubscribe': '<https://blog.example/subscriptions/unsubscribe?token=t>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
  });

  it('a confirmation has no unsubscribe headers and a link to the page with the button', () => {
    const m = buildMessage('confirm', { kind: 'confirm', token: 'a.b' }, site);
    expect(m.headers).toEqual({});
    expect(m.text).toContain('https://blog.example/subscriptions/confirm?token=a.b');
  });
});

describe('with no SMTP server', () => {
  it('writes the message to mail/ and logs a line that names no address', async () => {
    const t = makeTestApp();
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { lines.push(String(chunk)); done(); } }));
    const ctx = buildContext({ db: t.db, config: t.config, logger });
    try {
      ctx.services.subscriptions.request({ email: 'secret.person@example.com', blog: true });
      expect(await ctx.mail.tick()).toEqual({ sent: 1, retrying: 0, failed: 0 });
      expect(lines.join('')).toContain('no SMTP_URL: message written to a file');
      expect(lines.join('')).not.toMatch(/secret|example\.com/);
    } finally {
      await ctx.mail.stop();
      t.close();
    }
  });
});

describe('the desk and erasure', () => {
  let t: TestContext;
  beforeEach(() => {
    t = makeTestApp();
  });
  afterEach(() => t.close());

  it('lists counts, finds by email, removes; the outbox shows failed messages with a retry', async () => {
    const admin = await makeUser(t.repos, 'admin', 'boss');
    const postId = makePost(t, admin, { title: 'Tea' });
    t.services.subscriptions.request({ email: 'ann@example.com', postId, blog: true });
    t.services.subscriptions.request({ email: 'bo@example.com', blog: true });
    const agent = await loginAs(t, 'boss');
    const page = await agent.get('/admin/subscribers?q=ann');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/New posts on the blog<\/td><td data-label="Confirmed">0<\/td><td data-label="Pending">2/);
    expect(page.text).toContain('Comments on “Tea”');
    expect(page.text).toContain('ann@example.com');
    expect(page.text).not.toContain('bo@example.com');
    const id = t.db.prepare("SELECT id FROM subscriptions WHERE email = 'ann@example.com' AND post_id IS NULL").pluck().get() as number;
    const res = await postForm(agent, `/admin/subscribers/${id}/delete`, { q: 'ann' }, '/admin/subscribers?q=ann');
    expect(res.status).toBe(303);
    expect(t.db.prepare('SELECT count(*) FROM subscriptions').pluck().get()).toBe(2);

    const failedId = t.db.prepare("SELECT id FROM outbox WHERE recipient = 'bo@example.com'").pluck().get() as number;
    t.repos.outbox.markFailed(failedId, 'Connection refused');
    const outbox = await agent.get('/admin/outbox');
    expect(outbox.text).toContain('1 pending, 0 sent, 1 failed');
    expect(outbox.text).toContain('Connection refused');
    const retried = await postForm(agent, `/admin/outbox/${failedId}/retry`, {}, '/admin/outbox');
    expect(retried.status).toBe(303);
    expect(t.repos.outbox.findById(failedId)).toMatchObject({ status: 'pending', attempts: 0 });
    expect((await postForm(agent, `/admin/outbox/${failedId}/retry`, {}, '/admin/outbox')).status).toBe(404);
  });

  it('a worker with nothing to do writes nothing', async () => {
    const changes = () => t.db.prepare('SELECT total_changes()').pluck().get();
    const before = changes();
    expect(await t.ctx.mail.tick()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(changes()).toBe(before);
  });

  it('erasing an address removes its subscriptions and its messages not sent yet', async () => {
    const admin = await makeUser(t.repos);
    const postId = makePost(t, admin);
    t.services.subscriptions.request({ email: 'Ann@Example.com', postId, blog: true });
    t.services.subscriptions.request({ email: 'bo@example.com', blog: true });
    expect(t.services.subscriptions.eraseAddress('ann@example.com')).toBe(2);
    expect(t.db.prepare('SELECT email FROM subscriptions').pluck().all()).toEqual(['bo@example.com']);
    expect(t.db.prepare('SELECT recipient FROM outbox').pluck().all()).toEqual(['bo@example.com']);
    // Sent messages hold the address too.
    t.repos.outbox.markSent(t.db.prepare('SELECT id FROM outbox').pluck().get() as number, new Date().toISOString());
    t.services.subscriptions.eraseAddress('BO@example.com');
    expect(t.db.prepare('SELECT count(*) FROM outbox').pluck().get()).toBe(0);
  });
});
