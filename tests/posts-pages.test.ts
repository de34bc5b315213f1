import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePost, makeTestApp, makeUser, type TestContext } from './helpers/test-app.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

describe('post page', () => {
  it('shows a published post with its hooks', async () => {
    const author = await makeUser(t.repos);
    const id = makePost(t.repos, author, { title: 'Hello world', body_md: 'First **post**.' });
    const res = await request(t.app).get('/posts/hello-world');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`<article id="post-${id}" class="post">`);
    expect(res.text).toContain('<h1 class="post-title">Hello world</h1>');
    expect(res.text).toContain('<strong>post</strong>');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('hides drafts and scheduled posts', async () => {
    const author = await makeUser(t.repos);
    makePost(t.repos, author, { title: 'Draft', status: 'draft' });
    makePost(t.repos, author, { title: 'Later', published_at: new Date(Date.now() + 3_600_000) });
    expect((await request(t.app).get('/posts/draft')).status).toBe(404);
    expect((await request(t.app).get('/posts/later')).status).toBe(404);
    const home = await request(t.app).get('/');
    expect(home.text).not.toContain('Draft');
    expect(home.text).not.toContain('Later');
  });

  it('answers 404 for bad page numbers', async () => {
    for (const page of ['-1', 'abc', '0', '99999999999999999999', '2']) {
      const res = await request(t.app).get(`/?page=${page}`);
      expect(res.status, page).toBe(404);
    }
  });
});
