// Commenter identities: one per provider and subject, refreshed at each sign-in, never staff.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commenterName, pictureUrl } from '../src/commenters/commenters-service.js';
import { signInView } from '../src/commenters/sign-in-form.js';
import { migrate, readMigrations } from '../src/db/migrate.js';
import { openDatabase } from '../src/db/open.js';
import request from 'supertest';
import { makePost, makeTestApp, makeUser, type TestContext } from './helpers/test-app.js';
import { seedComment } from './helpers/comments.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

describe('commenters.signIn', () => {
  it('makes one identity per provider and subject and refreshes it', () => {
    const first = t.services.commenters.signIn({ provider: 'example', subject: 'abc', name: 'Ada', email: 'ada@example.org', pictureUrl: null });
    const again = t.services.commenters.signIn({ provider: 'example', subject: 'abc', name: 'Ada L.', email: null, pictureUrl: 'https://img.example.org/a.png' });
    const other = t.services.commenters.signIn({ provider: 'other', subject: 'abc', name: 'Ada', email: null, pictureUrl: null });
    expect(again.id).toBe(first.id);
    expect(other.id).not.toBe(first.id);
    expect(t.services.commenters.byId(first.id)).toMatchObject({ name: 'Ada L.', email: null, picture_url: 'https://img.example.org/a.png' });
    // Never a users row.
    expect(t.db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
  });

  it('refuses an identity without a provider or subject, and drops what is not an address or a picture', () => {
    expect(() => t.services.commenters.signIn({ provider: 'x', subject: ' ', name: 'A', email: null, pictureUrl: null })).toThrow(/who you are/);
    const c = t.services.commenters.signIn({ provider: 'x', subject: 's', name: '\u0000', email: 'not an address', pictureUrl: 'javascript:alert(1)' });
    expect(c).toMatchObject({ name: 'Reader', email: null, picture_url: null });
  });

  it('cleans names and keeps only http(s) pictures', () => {
    expect(commenterName('  Ada\nLovelace ', null)).toBe('Ada Lovelace');
    expect(commenterName('', 'grace@example.org')).toBe('grace');
    expect(commenterName('x'.repeat(300), null)).toHaveLength(100);
    expect(pictureUrl('data:image/png;base64,AAAA')).toBeNull();
    expect(pictureUrl('https://a.example/p.png')).toBe('https://a.example/p.png');
  });
});

describe('the form\'s sign-in part', () => {
  const base = { slug: 'hello', commenter: null, staff: false, changing: false, emailSignIn: true, providers: [], remoteAvatars: false, replyToId: undefined };
  const ada = { id: 1, provider: 'email', subject: 'ada@example.org', name: 'Ada', email: 'ada@example.org', picture_url: 'https://p.example/a.png', created_at: '', last_seen_at: '' };

  it('offers the email link alone when no provider is configured, and nothing to staff', () => {
    expect(signInView(base)?.choices).toEqual({ email: true, providers: [] });
    expect(signInView({ ...base, emailSignIn: false })?.choices).toBeNull();
    expect(signInView({ ...base, staff: true })).toBeNull();
  });

  it('names the signed-in commenter, with Change keeping the reply target', () => {
    const view = signInView({ ...base, commenter: ada, replyToId: 7 })!;
    expect(view.commenter).toEqual({ name: 'Ada', pictureUrl: null });
    expect(view.choices).toBeNull();
    expect(view.changeHref).toBe('/posts/hello?replyto=7&signin=change#respond');
    expect(signInView({ ...base, commenter: ada, changing: true, remoteAvatars: true })).toMatchObject({
      commenter: { pictureUrl: 'https://p.example/a.png' }, choices: { email: true },
    });
  });
});

describe('a signed-in commenter\'s picture', () => {
  it('is shown beside their approved comments only when remote avatars are allowed', async () => {
    const author = await makeUser(t.repos);
    const postId = makePost(t, author, { title: 'Hello' });
    const ada = t.services.commenters.signIn({ provider: 'example', subject: 'ada', name: 'Ada', email: null, pictureUrl: 'https://img.example.org/ada.png' });
    seedComment(t.repos, postId, { author_name: 'Ada', author_email: '', commenter_id: ada.id });
    expect((await request(t.app).get('/posts/hello')).text).not.toContain('https://img.example.org/ada.png');
    t.repos.settings.save({ remote_avatars: true });
    expect((await request(t.app).get('/posts/hello')).text).toContain('<img class="avatar" src="https://img.example.org/ada.png"');
  });
});

describe('the privacy page', () => {
  it('says what signing in keeps, and the picture only when remote avatars are allowed', async () => {
    const page = await request(t.app).get('/privacy');
    expect(page.text).toContain('When you sign in to comment');
    expect(page.text).toContain('never the provider’s access or refresh tokens');
    expect(page.text).not.toContain('your picture at the provider');
    t.repos.settings.save({ remote_avatars: true });
    expect((await request(t.app).get('/privacy')).text).toContain('your picture at the provider');
  });
});

describe('migration 013', () => {
  it('upgrades a database that already has comments: they stay, by nobody signed in, unedited', () => {
    const file = path.join(t.dir, 'old.db');
    const db = openDatabase(file);
    try {
      const all = readMigrations();
      migrate(db, all.filter((m) => m.version < 13));
      db.exec(`INSERT INTO users (username, display_name, password_hash, role, created_at, updated_at) VALUES ('a', 'A', 'x', 'admin', 't', 't');
        INSERT INTO posts (author_id, title, slug, body_md, body_html, status, published_at, created_at, updated_at) VALUES (1, 'P', 'p', '', '', 'published', 't', 't', 't');
        INSERT INTO comments (post_id, author_name, author_email, email_key, body_md, body_html, status, created_at, updated_at) VALUES (1, 'Old', 'o@example.org', 'o@example.org', 'Hi', '<p>Hi</p>', 'approved', 't', 't');`);
      expect(migrate(db, all)).toContain('013-commenters.sql');
      expect(db.prepare('SELECT author_name, commenter_id, edited_at FROM comments').all()).toEqual([{ author_name: 'Old', commenter_id: null, edited_at: null }]);
      expect(db.pragma('foreign_key_check')).toEqual([]);
    } finally {
      db.close();
      fs.rmSync(file, { force: true });
    }
  });
});
