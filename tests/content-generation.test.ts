// Migration 008: the content generation moves on every write a public page shows and
// on no other, and each post's stored count of approved comments stays exact.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open.js';
import { migrate, readMigrations } from '../src/db/migrate.js';
import { makePost, makeTestApp, makeUser, seedComment, type TestContext } from './helpers/index.js';
import type { User } from '../src/users/users-repository.js';

let t: TestContext;
let author: User;
let postId: number;

beforeEach(async () => {
  t = makeTestApp();
  author = await makeUser(t.repos);
  postId = makePost(t, author, { title: 'Hello', tags: ['Travel'] });
});
afterEach(() => t.close());

const generation = () => t.repos.contentGeneration.current();
const sql = (text: string, ...params: unknown[]) => t.db.prepare(text).run(...params);

/** How far `write` moves the generation. */
function bumps(write: () => void): number {
  const before = generation();
  write();
  return generation() - before;
}

describe('the content generation', () => {
  it.each<[string, () => void]>([
    ['a new post', () => makePost(t, author, { title: 'Another' })],
    ['an edited post', () => sql("UPDATE posts SET title = 'Hello again' WHERE id = ?", postId)],
    ['a deleted post', () => sql('DELETE FROM posts WHERE id = ?', postId)],
    ['a post’s tags replaced', () => t.db.transaction(() => t.repos.tags.setForPost(postId, [{ slug: 'books', name: 'Books' }]))()],
    ['a renamed tag', () => sql("UPDATE tags SET name = 'Journeys' WHERE slug = 'travel'")],
    ['a redirect from an old slug', () => sql("INSERT INTO post_redirects (old_slug, post_id) VALUES ('old', ?)", postId)],
    ['an approved comment arriving', () => seedComment(t.repos, postId)],
    ['a comment approved', () => t.repos.comments.setStatus(seedComment(t.repos, postId, { status: 'pending' }), 'approved')],
    ['a comment removed', () => t.repos.comments.setStatus(seedComment(t.repos, postId), 'trash')],
    ['a comment edited', () => t.repos.comments.setBody(seedComment(t.repos, postId), 'New', '<p>New</p>')],
    ['a comment deleted for good', () => t.repos.comments.deletePermanently(seedComment(t.repos, postId))],
    ['a like', () => t.repos.likes.add(postId, 'reader-key-0123456789', 'address-hash', 50)],
    ['a setting', () => t.repos.settings.save({ title: 'Renamed blog' })],
    ['an author’s display name', () => sql("UPDATE users SET display_name = 'Ada L.' WHERE id = ?", author.id)],
  ])('moves on %s', (_what, write) => {
    expect(bumps(write)).toBeGreaterThan(0);
  });

  it.each<[string, () => void]>([
    ['a session stored and ended', () => { t.repos.sessions.set('sid-1', '{}', Date.now() + 60_000); t.repos.sessions.destroy('sid-1'); }],
    ['an internal secret', () => t.repos.settings.setInternal('some_key', 'secret')],
    ['a held comment arriving', () => seedComment(t.repos, postId, { status: 'pending' })],
    ['a password changed', () => sql("UPDATE users SET password_hash = 'x' WHERE id = ?", author.id)],
  ])('stays for %s', (_what, write) => {
    expect(bumps(write)).toBe(0);
  });

  it('stays when addresses and user agents are blanked after the retention period, or a comment is reported', () => {
    const id = seedComment(t.repos, postId, { ip_hash: 'abc', user_agent: 'Firefox' });
    expect(bumps(() => sql("UPDATE comments SET ip_hash = '', user_agent = '' WHERE id = ?", id))).toBe(0);
    expect(bumps(() => sql("INSERT INTO reports (comment_id, reader_key, reason, created_at) VALUES (?, 'k', '', '2026-01-01T00:00:00.000Z')", id))).toBe(0);
  });

  it('is one row every process reads', () => {
    expect(t.db.prepare('SELECT count(*) FROM content_generation').pluck().get()).toBe(1);
  });

  it('names the next moment a scheduled post or page goes public', () => {
    const now = Date.now();
    expect(t.repos.contentGeneration.nextPublicationAfter(new Date(now).toISOString())).toBeUndefined();
    const later = new Date(now + 3_600_000);
    const sooner = new Date(now + 60_000);
    makePost(t, author, { title: 'Later', published_at: later });
    makePost(t, author, { title: 'Sooner page', kind: 'page', published_at: sooner });
    makePost(t, author, { title: 'Draft', status: 'draft', published_at: new Date(now + 1000) });
    expect(t.repos.contentGeneration.nextPublicationAfter(new Date(now).toISOString())).toBe(sooner.toISOString());
    expect(t.repos.contentGeneration.nextPublicationAfter(sooner.toISOString())).toBe(later.toISOString());
  });
});

describe('the stored comment count', () => {
  const stored = (id = postId) => t.db.prepare('SELECT comment_count FROM posts WHERE id = ?').pluck().get(id);
  const counted = (id = postId) => t.db.prepare("SELECT count(*) FROM comments WHERE post_id = ? AND status = 'approved'").pluck().get(id);

  it('counts approved comments only, through every change of status, move and deletion', () => {
    const other = makePost(t, author, { title: 'Other' });
    const a = seedComment(t.repos, postId);
    const b = seedComment(t.repos, postId, { status: 'pending' });
    seedComment(t.repos, postId, { status: 'spam' });
    expect(stored()).toBe(1);
    t.repos.comments.setStatus(b, 'approved');
    expect(stored()).toBe(2);
    t.repos.comments.setStatus(a, 'trash');
    expect(stored()).toBe(1);
    t.repos.comments.setStatusMany([a, b], 'approved');
    expect(stored()).toBe(2);
    sql('UPDATE comments SET post_id = ? WHERE id = ?', other, b);
    expect([stored(), stored(other)]).toEqual([1, 1]);
    t.repos.comments.hold(a, 'reports');
    t.repos.comments.deletePermanently(b);
    expect([stored(), stored(other)]).toEqual([0, 0]);
    for (const id of [postId, other]) expect(stored(id)).toBe(counted(id));
  });

  it('is filled in for the comments a database already holds', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-counts-'));
    const db = openDatabase(path.join(dir, 'old.db'));
    try {
      const all = readMigrations();
      migrate(db, all.filter((m) => m.version < 8));
      const at = '2020-01-01T00:00:00.000Z';
      db.prepare(`INSERT INTO users (id, username, display_name, password_hash, role, created_at, updated_at) VALUES (1, 'old', 'Old', 'x', 'author', '${at}', '${at}')`).run();
      db.prepare(`INSERT INTO posts (id, author_id, title, slug, body_md, body_html, status, published_at, created_at, updated_at)
        VALUES (1, 1, 'Old', 'old', '', '', 'published', '${at}', '${at}', '${at}')`).run();
      const comment = db.prepare(`INSERT INTO comments (post_id, author_name, author_email, email_key, body_md, body_html, status, created_at, updated_at)
        VALUES (1, 'A', 'a@example.com', 'a@example.com', 'x', 'x', ?, '${at}', '${at}')`);
      for (const status of ['approved', 'approved', 'pending', 'trash']) comment.run(status);
      expect(migrate(db, all)).toContain('008-content-generation.sql');
      expect(db.prepare('SELECT comment_count FROM posts WHERE id = 1').pluck().get()).toBe(2);
    } finally {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is what listings and the post page show', () => {
    seedComment(t.repos, postId);
    seedComment(t.repos, postId);
    expect(t.repos.posts.listPublic({ kind: 'all' }, 10, 0)[0]?.comment_count).toBe(2);
    expect(t.repos.posts.findPublicBySlug('hello')?.comment_count).toBe(2);
  });
});
