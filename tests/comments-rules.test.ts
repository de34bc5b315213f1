import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCommentText, normaliseUrl, readCommentForm, validateComment, isEmail } from '../src/comments/comment-input.js';
import { decideStatus, blocklistHit, type ModerationFacts } from '../src/comments/moderation.js';
import { createRateLimiter, type RateLimiterOptions } from '../src/limits/rate-limiter.js';
import { makeTestApp, type TestContext } from './helpers/index.js';
import { findPersonalData } from '../src/risk/personal-data.js';

const form = (fields: Record<string, unknown>) => readCommentForm({ author: 'Ann', email: 'ann@example.com', comment: 'Hello', ...fields });
const never = () => false;

describe('comment input', () => {
  it('checks a comment text alone (as the queue’s edit form does): trimmed, 1 to 10,000 characters', () => {
    expect(checkCommentText('  hi\u0007 ')).toEqual({ ok: true, text: 'hi' });
    expect(checkCommentText('😀'.repeat(10_000)).ok).toBe(true);
    expect(checkCommentText('😀'.repeat(10_001))).toEqual({ ok: false, error: 'A comment can be at most 10,000 characters; this one has 10,001.' });
    expect(checkCommentText('   ')).toEqual({ ok: false, error: 'Please write a comment.' });
  });


  it('accepts a plain comment, trimming and defaulting', () => {
    const r = validateComment(form({ author: '  Ann  ', comment: '  Hi  ', comment_parent: '0' }), never);
    expect(r).toEqual({ ok: true, input: { author: 'Ann', email: 'ann@example.com', url: '', comment: 'Hi', parentId: null } });
  });

  it('names each bad field', () => {
    const r = validateComment(readCommentForm({ author: ' ', email: 'nope', url: 'javascript:alert(1)', comment: '   ', comment_parent: 'x' }), never);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(Object.keys(r.errors).sort()).toEqual(['author', 'comment', 'comment_parent', 'email', 'url']);
  });

  it('counts lengths in characters, not bytes', () => {
    expect(validateComment(form({ comment: '😀'.repeat(10_000) }), never).ok).toBe(true);
    expect(validateComment(form({ comment: '😀'.repeat(10_001) }), never).ok).toBe(false);
    expect(validateComment(form({ author: 'é'.repeat(100) }), never).ok).toBe(true);
    expect(validateComment(form({ author: 'é'.repeat(101) }), never).ok).toBe(false);
    expect(validateComment(form({ email: `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.com` }), never).ok).toBe(true);
    expect(validateComment(form({ email: `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.${'e'.repeat(10)}.com` }), never).ok).toBe(false);
  });

  it('follows the HTML type=email rule', () => {
    for (const ok of ['a@b', 'a.b+c@example.co.uk', "o'brien@example.ie"]) expect(isEmail(ok), ok).toBe(true);
    for (const bad of ['a', 'a@', '@b.com', 'a b@c.com', 'a@-b.com', 'a@b..com', 'a@b.com.']) expect(isEmail(bad), bad).toBe(false);
  });

  it('takes http(s) websites, adding https:// to a bare host', () => {
    expect(normaliseUrl('')).toBe('');
    expect(normaliseUrl('example.com')).toBe('https://example.com/');
    expect(normaliseUrl('http://example.com/a?b=1#c')).toBe('http://example.com/a?b=1#c');
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', 'ftp://example.com', 'not a url', 'localhost:abc', 'http://user:pw@example.com']) {
      expect(normaliseUrl(bad), bad).toBeUndefined();
    }
  });

  it('takes a reply parent only when it is an approved comment of the post', () => {
    expect(validateComment(form({ comment_parent: '5' }), (id) => id === 5)).toMatchObject({ ok: true, input: { parentId: 5 } });
    for (const bad of ['6', '-1', '1e3', '99999999999999999999', 'abc']) {
      expect(validateComment(form({ comment_parent: bad }), (id) => id === 5).ok, bad).toBe(false);
    }
  });

  it('reads any shape of body without throwing: arrays, objects, nothing', () => {
    expect(readCommentForm(undefined).author).toBe('');
    expect(readCommentForm({ author: ['A', 'B'], comment: { x: 1 } })).toMatchObject({ author: 'A', comment: '' });
  });

  it('drops control characters that would break a page or feed', () => {
    expect(validateComment(form({ author: 'A\u0000nn\u0007', comment: 'line\u0001one\nline two\t.' }), never))
      .toMatchObject({ ok: true, input: { author: 'Ann', comment: 'lineone\nline two\t.' } });
    expect(validateComment(form({ comment: '\u0001\u0002' }), never).ok).toBe(false);
  });

  it('uses the account for a signed-in author', () => {
    const r = validateComment(readCommentForm({ comment: 'Thanks!' }), never, { author: 'Admin', email: '' });
    expect(r).toMatchObject({ ok: true, input: { author: 'Admin', comment: 'Thanks!' } });
  });
});

describe('moderation', () => {
  const facts = (f: Partial<ModerationFacts>): ModerationFacts => ({
    mode: 'first_time', approvedBefore: true, signedIn: false, personalData: [], linkCount: 0, linkLimit: 2, text: 'hello', blocklist: '', trapFilled: false, ...f,
  });

  it('holds a first-time commenter and passes a known one', () => {
    expect(decideStatus(facts({ approvedBefore: false }))).toEqual({ status: 'pending', reason: 'First comment from this name and email address' });
    expect(decideStatus(facts({}))).toEqual({ status: 'approved', reason: '' });
  });

  it('follows the mode', () => {
    expect(decideStatus(facts({ mode: 'all' })).status).toBe('pending');
    expect(decideStatus(facts({ mode: 'none', approvedBefore: false })).status).toBe('approved');
  });

  it('holds for links and blocklisted words even with moderation off', () => {
    expect(decideStatus(facts({ mode: 'none', linkCount: 3 }))).toMatchObject({ status: 'pending', reason: 'Has 3 links (more than 2)' });
    expect(decideStatus(facts({ mode: 'none', linkCount: 2 })).status).toBe('approved');
    expect(decideStatus(facts({ mode: 'none', text: 'Buy CHEAP pills', blocklist: 'viagra\n  cheap pills \n' }))).toMatchObject({ status: 'pending', reason: 'Contains the blocklisted “cheap pills”' });
  });

  it('holds personal data whatever the mode, naming what was found', () => {
    expect(decideStatus(facts({ mode: 'none', personalData: findPersonalData('call 020 7946 0958 or mail ann@example.org') })))
      .toEqual({ status: 'pending', reason: 'Contains personal data: a phone number and an email address' });
  });

  it('trusts a signed-in author and sends a filled honeypot to spam', () => {
    expect(decideStatus(facts({ mode: 'all', signedIn: true, linkCount: 9 })).status).toBe('approved');
    expect(decideStatus(facts({ trapFilled: true, signedIn: true }))).toMatchObject({ status: 'spam', reason: 'Filled in the hidden honeypot field' });
  });

  it('ignores blank blocklist lines', () => {
    expect(blocklistHit('anything', '\n \n')).toBeUndefined();
  });
});

describe('rate limiter', () => {
  let t: TestContext;
  beforeEach(() => { t = makeTestApp(); });
  afterEach(() => t.close());
  const limiterOver = (options: Pick<RateLimiterOptions, 'limit' | 'windowMs'>) =>
    createRateLimiter({ store: t.repos.limits, bucket: 'test', clock: () => 0, ...options });

  it('allows the limit per window per key, then says when to retry', () => {
    const limiter = limiterOver({ limit: 2, windowMs: 60_000 });
    expect(limiter.hit('a', 0).allowed).toBe(true);
    expect(limiter.hit('a', 1000).allowed).toBe(true);
    expect(limiter.hit('a', 15_000)).toEqual({ allowed: false, retryAfter: 45 });
    expect(limiter.hit('b', 15_000).allowed).toBe(true);
    expect(limiter.hit('a', 60_000).allowed).toBe(true);
  });

  it('reads a changing limit', () => {
    let limit = 1;
    const limiter = limiterOver({ limit: () => limit, windowMs: 1000 });
    expect(limiter.hit('k', 0).allowed).toBe(true);
    expect(limiter.hit('k', 1).allowed).toBe(false);
    limit = 5;
    expect(limiter.hit('k', 2).allowed).toBe(true);
  });
});

describe('comment keys', () => {
  it('signs form stamps so a changed time or a foreign signature is not accepted', async () => {
    const { makeTestApp } = await import('./helpers/index.js');
    const t = makeTestApp();
    try {
      const keys = t.ctx.keys;
      const stamp = keys.stamp(1_000_000);
      expect(keys.stampTime(stamp)).toBe(1_000_000);
      expect(keys.stampTime(stamp.replace('1000000', '1000001'))).toBeUndefined();
      expect(keys.stampTime('')).toBeUndefined();
      expect(keys.stampTime('abc.def')).toBeUndefined();
      expect(keys.hash('avatar', 'a@b.c')).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      t.close();
    }
  });
});
