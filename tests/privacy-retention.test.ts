import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/logger.js';
import { RETENTION_EVERY_MS, forgetExpiredAddresses, retentionCutoff, startRetentionJob } from '../src/privacy/retention.js';
import { makePost, makeTestApp, makeUser, type TestContext, seedComment, loginAs, postForm } from './helpers/index.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 5, 1, 12);

let t: TestContext;
let postId: number;
beforeEach(async () => {
  t = makeTestApp();
  postId = makePost(t, await makeUser(t.repos, 'admin', 'alice'));
});
afterEach(() => t.close());

/** A comment written `daysAgo` days before NOW, with an address hash and a user agent. */
function commentFrom(daysAgo: number): number {
  const id = seedComment(t.repos, postId, { ip_hash: `hash-${daysAgo}`, user_agent: 'Mozilla/5.0 (X11; Linux)' });
  t.db.prepare('UPDATE comments SET created_at = ?, updated_at = ? WHERE id = ?').run(new Date(NOW - daysAgo * DAY).toISOString(), 'kept', id);
  return id;
}

const stored = (id: number) => t.db.prepare('SELECT ip_hash, user_agent, author_name, body_md, updated_at FROM comments WHERE id = ?').get(id);

describe('retention of addresses and user agents', () => {
  it('forgets them on comments older than the setting (30 days by default), and nothing else', () => {
    const old = commentFrom(31);
    const recent = commentFrom(29);
    expect(t.repos.settings.load().retention_days).toBe(30);
    expect(forgetExpiredAddresses(t.repos, NOW)).toBe(1);
    expect(stored(old)).toMatchObject({ ip_hash: '', user_agent: '', updated_at: 'kept' });
    expect(stored(old)).toHaveProperty('author_name', expect.stringMatching(/^Person/));
    expect(stored(recent)).toMatchObject({ ip_hash: 'hash-29', user_agent: 'Mozilla/5.0 (X11; Linux)' });
    // Run again: nothing left to do.
    expect(forgetExpiredAddresses(t.repos, NOW)).toBe(0);
  });

  it('forgets the address hash of old likes and reports too, keeping the like or report itself', () => {
    const comment = commentFrom(1);
    const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY).toISOString();
    t.repos.likes.add(postId, 'reader-old', 'like-hash-old', 50, at(31));
    t.repos.likes.add(postId, 'reader-new', 'like-hash-new', 50, at(29));
    t.repos.reports.add(comment, 'reader-old', 'report-hash-old', 'Rude', at(31));
    t.repos.reports.add(comment, 'reader-new', 'report-hash-new', '', at(29));
    expect(forgetExpiredAddresses(t.repos, NOW)).toBe(2);
    const hashes = (table: string) => t.db.prepare(`SELECT reader_key, address_hash FROM ${table} ORDER BY reader_key`).all();
    expect(hashes('likes')).toEqual([{ reader_key: 'reader-new', address_hash: 'like-hash-new' }, { reader_key: 'reader-old', address_hash: '' }]);
    expect(hashes('reports')).toEqual([{ reader_key: 'reader-new', address_hash: 'report-hash-new' }, { reader_key: 'reader-old', address_hash: '' }]);
    expect(t.repos.likes.countForPost(postId)).toBe(2);
    expect(t.repos.reports.summaryFor([comment]).get(comment)).toMatchObject({ count: 2, reasons: [{ text: 'Rude', reviewed: false }] });
  });

  it('follows a changed setting at the next run, without a restart', () => {
    const id = commentFrom(8);
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const job = startRetentionJob(t.repos, () => NOW, createLogger('silent'));
    try {
      expect(stored(id)).toMatchObject({ ip_hash: 'hash-8' });
      t.repos.settings.save({ retention_days: 7 });
      vi.advanceTimersByTime(RETENTION_EVERY_MS - 1);
      expect(stored(id)).toMatchObject({ ip_hash: 'hash-8' });
      vi.advanceTimersByTime(1);
      expect(stored(id)).toMatchObject({ ip_hash: '', user_agent: '' });
    } finally {
      job.stop();
      vi.useRealTimers();
    }
  });

  it('runs once when started, with the injected clock', () => {
    const id = commentFrom(40);
    const job = startRetentionJob(t.repos, () => NOW, createLogger('silent'));
    job.stop();
    expect(stored(id)).toMatchObject({ ip_hash: '', user_agent: '' });
  });

  it('reads only the rows it clears, through the partial index', () => {
    const plan = t.db.prepare(`EXPLAIN QUERY PLAN UPDATE comments SET ip_hash = '', user_agent = '' WHERE created_at < ? AND (ip_hash != '' OR user_agent != '')`).all('x') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toContain('comments_with_address');
    expect(retentionCutoff(NOW, 30)).toBe(new Date(NOW - 30 * DAY).toISOString());
  });

  it('is a setting on the settings page, 1 to 365 days', async () => {
    const agent = await loginAs(t, 'alice');
    const page = await agent.get('/admin/settings');
    expect(page.text).toContain('name="retention_days"');
    expect(page.text).toMatch(/id="retention_days"[^>]*value="30"/);
    const bad = await postForm(agent, '/admin/settings', { retention_days: '0' }, '/admin/settings');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="retention_days-error"');
    expect(bad.text).toContain('Retention must be a whole number from 1 to 365.');
    const ok = await postForm(agent, '/admin/settings', { retention_days: '14', privacy_contact: 'privacy@example.org' }, '/admin/settings');
    expect(ok.status).toBe(303);
    expect(t.repos.settings.load()).toMatchObject({ retention_days: 14, privacy_contact: 'privacy@example.org' });
    const contact = await postForm(agent, '/admin/settings', { privacy_contact: 'javascript:alert(1)' }, '/admin/settings');
    expect(contact.status).toBe(422);
    expect(t.repos.settings.load().privacy_contact).toBe('privacy@example.org');
  });
});
