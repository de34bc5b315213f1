// Preview as readers will see it: staff who may edit a draft or scheduled post see it
// at its real address under a banner; everyone else gets 404, and nothing of the
// preview is ever kept for another reader.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, makePost, makeTestApp, makeUser, postForm, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

describe('preview', { timeout: 30_000 }, () => {
  it('shows staff a draft at its real address with the banner, and 404 to everyone else', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    await makeUser(t.repos, 'author', 'bob');
    await makeUser(t.repos, 'admin', 'root');
    makePost(t, alice, { title: 'Secret plans', body_md: 'Not *yet*.', status: 'draft', published_at: null, tags: ['Plans'] });

    const author = await loginAs(t, 'alice');
    const page = await author.get('/posts/secret-plans');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<div class="preview-banner" role="status">\s*<p><strong>Preview — not published\.<\/strong>/);
    expect(page.text).toContain('<h1 class="post-title">Secret plans</h1>');
    expect(page.text).toContain('<em>yet</em>');
    expect(page.text).toContain('by <span class="post-author">Alice</span>');
    expect(page.text).toContain('href="/tags/plans"');
    // Personal: never stored by a shared cache or the browser, never indexed.
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(page.headers['x-robots-tag']).toBe('noindex, nofollow');
    // No comment form: a draft takes no comments.
    expect(page.text).not.toContain('id="commentform"');

    expect((await (await loginAs(t, 'root')).get('/posts/secret-plans')).text).toContain('preview-banner');
    expect((await (await loginAs(t, 'bob')).get('/posts/secret-plans')).status).toBe(404);
    // A reader without cookies, before and after the preview was seen: the render cache holds nothing of it.
    for (let i = 0; i < 2; i++) {
      const anon = await request(t.app).get('/posts/secret-plans');
      expect(anon.status).toBe(404);
      expect(anon.text).not.toContain('Secret plans');
    }
  });

  it('previews a scheduled post with its time, and a published one is the ordinary page', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    makePost(t, alice, { title: 'Tomorrow', published_at: new Date(Date.now() + 86_400_000) });
    makePost(t, alice, { title: 'Today' });
    const agent = await loginAs(t, 'alice');
    const scheduled = await agent.get('/posts/tomorrow');
    expect(scheduled.status).toBe(200);
    expect(scheduled.text).toContain('Scheduled for');
    expect((await request(t.app).get('/posts/tomorrow')).status).toBe(404);
    const published = await agent.get('/posts/today');
    expect(published.text).not.toContain('preview-banner');
    expect(published.text).toContain('id="commentform"');
  });

  it('lists View for published and Preview for drafts and scheduled posts', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    makePost(t, alice, { title: 'Out', slug: 'out' });
    makePost(t, alice, { title: 'In the works', slug: 'in-the-works', status: 'draft', published_at: null });
    const list = (await (await loginAs(t, 'alice')).get('/admin/posts')).text;
    expect(list).toContain('<a href="/posts/out">View</a>');
    expect(list).toContain('<a href="/posts/in-the-works">Preview</a>');
  });

  it('the editor’s Preview button opens the unsaved text on the real page in a new tab, with no script', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    const id = makePost(t, alice, { title: 'Saved title', body_md: 'Saved.', status: 'draft', published_at: null });
    const agent = await loginAs(t, 'alice');
    const editor = (await agent.get(`/admin/posts/${id}/edit`)).text;
    expect(editor).toContain(`formaction="/admin/posts/${id}/preview" formtarget="_blank">Preview</button>`);
    const res = await postForm(agent, `/admin/posts/${id}/preview`, { title: 'Typed title', body: 'Typed **now**.', tags: 'One, Two', status: 'draft', kind: 'post' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.text).toContain('preview-banner');
    expect(res.text).toContain('not yet saved');
    expect(res.text).toContain('<h1 class="post-title">Typed title</h1>');
    expect(res.text).toContain('<strong>now</strong>');
    expect(res.text).toContain('href="/tags/two"');
    // The public layout, not the desk's.
    expect(res.text).not.toContain('admin.css');
    expect(t.repos.posts.findById(id)!.title).toBe('Saved title');
    await makeUser(t.repos, 'author', 'bob');
    expect((await postForm(await loginAs(t, 'bob'), `/admin/posts/${id}/preview`, { title: 'x' })).status).toBe(403);
  });
});
