// Trash for posts: deleting moves a post to the Trash (its address answers 410 and it
// leaves every public listing), restorable for 30 days, then purged by a job; deleting
// for good only from the Trash; every step in the audit log.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { startTrashPurgeJob } from '../src/posts/trash-purge.js';
import { exportWxr } from '../src/wxr/export-wxr.js';
import { loginAs, makePost, makeTestApp, makeTestClock, makeUser, postForm, seedComment, type TestClock, type TestContext } from './helpers/index.js';

const DAY = 24 * 60 * 60 * 1000;
let t: TestContext;
let clock: TestClock;
beforeEach(() => {
  clock = makeTestClock();
  t = makeTestApp({}, { clock });
});
afterEach(() => t.close());

const auditOf = (id: number) => t.db.prepare('SELECT action, user_id FROM audit_log WHERE subject = ? ORDER BY id').all(`post:${id}`);

describe('the Trash', { timeout: 30_000 }, () => {
  it('trash → 410 everywhere public → restore → 200, each step audited', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    const id = makePost(t, alice, { title: 'Gardening notes', slug: 'gardening', body_md: 'Tomatoes and basil.', tags: ['Garden'] });
    seedComment(t.repos, id, { body_md: 'Lovely basil.' });
    const agent = await loginAs(t, 'alice');
    expect((await request(t.app).get('/posts/gardening')).status).toBe(200);

    const trashed = await postForm(agent, `/admin/posts/${id}/delete`, {});
    expect(trashed.status).toBe(303);
    expect(trashed.headers.location).toBe('/admin/posts');
    const gone = await request(t.app).get('/posts/gardening');
    expect(gone.status).toBe(410);
    expect(gone.text).toContain('deleted');
    expect((await request(t.app).get('/posts/gardening/feed')).status).toBe(410);
    expect((await request(t.app).post('/posts/gardening/comments').type('form').send({ author: 'R', email: 'r@example.com', comment: 'Hi' })).status).toBe(410);
    for (const path of ['/', '/feed', '/comments/feed', '/sitemap.xml', '/search?q=basil']) {
      const res = await request(t.app).get(path);
      expect(res.text, path).not.toContain('Gardening notes');
      expect(res.text, path).not.toContain('Tomatoes');
      expect(res.text, path).not.toContain('Lovely basil');
    }
    expect((await request(t.app).get('/tags/garden')).status).toBe(404);
    // An export says so in WordPress's words, so no import brings it back to life.
    const chunks: string[] = [];
    exportWxr(t.repos, 'https://blog.example', (chunk) => chunks.push(chunk));
    expect(chunks.join('')).toMatch(/<title><!\[CDATA\[Gardening notes\]\]><\/title>[\s\S]*?<wp:status><!\[CDATA\[trash\]\]><\/wp:status>/);
    // The staff see a trashed post in the Trash only, with its count.
    const list = await agent.get('/admin/posts');
    expect(list.text).toContain('Moved “Gardening notes” to the Trash. You can restore it there for 30 days.');
    expect(list.text).not.toContain('>Gardening notes</a>');
    expect(list.text).toContain('Trash <span class="count">(1)</span>');
    const trash = await agent.get('/admin/posts?status=trash');
    expect(trash.text).toContain('>Gardening notes</a>');
    expect(trash.text).toContain(`action="/admin/posts/${id}/restore"`);
    expect(trash.text).toContain(`action="/admin/posts/${id}/delete-permanently"`);

    const restored = await postForm(agent, `/admin/posts/${id}/restore`, {});
    expect(restored.status).toBe(303);
    expect((await request(t.app).get('/posts/gardening')).status).toBe(200);
    expect((await request(t.app).get('/')).text).toContain('Gardening notes');
    expect(auditOf(id)).toEqual([{ action: 'post.trash', user_id: alice.id }, { action: 'post.restore', user_id: alice.id }]);
  });

  it('a trashed draft stays unknown (404), and the Trash count is per author', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    const bob = await makeUser(t.repos, 'author', 'bob');
    const draft = makePost(t, alice, { title: 'Never out', status: 'draft', published_at: null });
    makePost(t, bob, { title: 'Bob’s' });
    t.services.posts.trash(t.repos.posts.findById(draft)!, alice.id);
    expect((await request(t.app).get('/posts/never-out')).status).toBe(404);
    const bobs = await loginAs(t, 'bob');
    expect((await bobs.get('/admin/posts')).text).toContain('Trash <span class="count">(0)</span>');
    expect((await bobs.get('/admin')).text).toContain('<a href="/admin/posts?status=trash"><strong>0</strong> in the Trash</a>');
    expect((await (await loginAs(t, 'alice')).get('/admin')).text).toContain('<a href="/admin/posts?status=trash"><strong>1</strong> in the Trash</a>');
    expect((await postForm(bobs, `/admin/posts/${draft}/restore`, {})).status).toBe(403);
    expect(t.repos.posts.findById(draft)!.trashed_at).not.toBeNull();
  });

  it('deletes for good only from the Trash', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const id = makePost(t, alice, { title: 'Live one' });
    const agent = await loginAs(t, 'alice');
    const refused = await postForm(agent, `/admin/posts/${id}/delete-permanently`, {});
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Only a post in the Trash can be deleted for good');
    expect(t.repos.posts.findById(id)).toBeDefined();
    // The edit page offers the Trash, never deleting for good.
    const editor = (await agent.get(`/admin/posts/${id}/edit`)).text;
    expect(editor).toContain('Move to Trash…');
    expect(editor).not.toContain('delete-permanently');

    await postForm(agent, `/admin/posts/${id}/delete`, {});
    const deleted = await postForm(agent, `/admin/posts/${id}/delete-permanently`, {});
    expect(deleted.status).toBe(303);
    expect(t.repos.posts.findById(id)).toBeUndefined();
    expect((await request(t.app).get('/posts/live-one')).status).toBe(404);
    expect(auditOf(id).map((r) => (r as { action: string }).action)).toEqual(['post.trash', 'post.delete']);
  });

  it('the job purges what has been in the Trash 30 days, with an audit row, and not a day sooner', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    const old = makePost(t, alice, { title: 'Old' });
    const recent = makePost(t, alice, { title: 'Recent' });
    const kept = makePost(t, alice, { title: 'Kept' });
    seedComment(t.repos, old, { body_md: 'On the old one.' });
    t.services.posts.trash(t.repos.posts.findById(old)!, alice.id);
    clock.advance(2 * DAY);
    t.services.posts.trash(t.repos.posts.findById(recent)!, alice.id);

    clock.advance(28 * DAY - 1000);
    expect(t.services.posts.purgeTrash(clock())).toBe(0);
    clock.advance(2000);
    const job = startTrashPurgeJob(t.services.posts, clock, createLogger('error'));
    job.stop();
    expect(t.repos.posts.findById(old)).toBeUndefined();
    expect(t.db.prepare('SELECT count(*) FROM comments WHERE post_id = ?').pluck().get(old)).toBe(0);
    expect(t.repos.posts.findById(recent)!.trashed_at).not.toBeNull();
    expect(t.repos.posts.findById(kept)!.trashed_at).toBeNull();
    expect(auditOf(old)).toEqual([{ action: 'post.trash', user_id: alice.id }, { action: 'post.purge', user_id: null }]);
    clock.advance(2 * DAY);
    expect(t.services.posts.purgeTrash(clock())).toBe(1);
    expect(t.repos.posts.findById(recent)).toBeUndefined();
  });
});
