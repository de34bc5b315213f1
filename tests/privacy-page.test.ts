import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePost, makeTestApp, makeUser, type TestContext, loginAs } from './helpers/index.js';

let t: TestContext;
beforeEach(() => {
  t = makeTestApp();
});
afterEach(() => t.close());

const FOOTER_LINK = /<footer class="site-footer">[\s\S]*<a href="\/privacy"[^>]*>Privacy<\/a>[\s\S]*<\/footer>/;

describe('the privacy page', () => {
  it('says what is kept, for how long (the real setting) and who sees it', async () => {
    const res = await request(t.app).get('/privacy');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1 class="post-title">Privacy</h1>');
    for (const said of ['name, email address and website', 'keyed hash of your network (IP) address', 'user agent', 'only the moderators see it',
      'colloquy.sid', 'colloquy_commenter', 'colloquy_reader', 'Neither is linked to your name or email address', 'Having your data erased',
      'With each comment, like and report', 'the network’s hash for 30 days']) {
      expect(res.text, said).toContain(said);
    }
    expect(res.text).toContain('<strong>30 days</strong>, then deleted automatically');
    t.repos.settings.save({ retention_days: 7 });
    expect((await request(t.app).get('/privacy')).text).toContain('<strong>7 days</strong>, then deleted automatically');
    t.repos.settings.save({ retention_days: 1 });
    expect((await request(t.app).get('/privacy')).text).toContain('<strong>1 day</strong>,');
  });

  it('says what following by email keeps and how to leave, and that erasure takes it too', async () => {
    const text = (await request(t.app).get('/privacy')).text;
    for (const said of ['When you follow by email', 'Your email address; what it follows', 'when you confirmed',
      'unsubscribe link', 'Stop everything from this blog', 'every email subscription with every message sent to it']) {
      expect(text, said).toContain(said);
    }
  });

  it('names where to ask for erasure: the privacy contact, or the blog’s owner', async () => {
    expect((await request(t.app).get('/privacy')).text).toContain('Ask the person who runs this blog');
    t.repos.settings.save({ privacy_contact: 'privacy@example.org' });
    expect((await request(t.app).get('/privacy')).text).toContain('Write to <a href="mailto:privacy@example.org">privacy@example.org</a>');
    t.repos.settings.save({ privacy_contact: 'https://example.org/contact?a=1&b=2' });
    expect((await request(t.app).get('/privacy')).text).toContain('<a href="https://example.org/contact?a=1&amp;b=2">');
  });

  it('tells an administrator, and only them, when no contact is set', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const admin = await loginAs(t, 'alice');
    expect((await admin.get('/privacy')).text).toContain('set a privacy contact in <a href="/admin/settings#privacy_contact">Settings</a>');
    expect((await request(t.app).get('/privacy')).text).not.toContain('set a privacy contact');
  });

  it('is linked from the footer of every page, public and admin, and from the 404 page', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    makePost(t, alice, { slug: 'hello' });
    for (const path of ['/', '/posts/hello', '/search?q=post', '/privacy', '/admin/login', '/no-such-page']) {
      const res = await request(t.app).get(path);
      expect(res.text, path).toMatch(FOOTER_LINK);
    }
    const admin = await loginAs(t, 'alice');
    for (const path of ['/admin', '/admin/comments', '/admin/settings']) expect((await admin.get(path)).text, path).toMatch(FOOTER_LINK);
    expect((await request(t.app).get('/privacy')).text).toContain('<a href="/privacy" aria-current="page">Privacy</a>');
  });
});
