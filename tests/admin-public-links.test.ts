import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, makeUser, seedComment, makePost, makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

describe('links between the public pages and the desk', () => {
  it('shows the post’s and each comment’s edit links to who may manage them, and to nobody else', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    await makeUser(t.repos, 'author', 'bob');
    await makeUser(t.repos, 'admin', 'root');
    const postId = makePost(t, alice, { title: 'Linked' });
    const id = seedComment(t.repos, postId);
    const editPost = `<a class="post-edit-link" href="/admin/posts/${postId}/edit">Edit post</a>`;
    const editComment = `<a class="comment-edit-link" href="/admin/comments/${id}/edit">Edit</a>`;

    const anonymous = await request(t.app).get('/posts/linked');
    expect(anonymous.text).not.toContain('post-edit-link');
    expect(anonymous.text).not.toContain('comment-edit-link');

    for (const name of ['alice', 'root']) {
      const page = await (await loginAs(t, name)).get('/posts/linked');
      expect(page.text, name).toContain(editPost);
      expect(page.text, name).toContain(editComment);
      expect(page.headers['cache-control'], name).toBe('private, no-store');
    }
    const other = await (await loginAs(t, 'bob')).get('/posts/linked');
    expect(other.text).not.toContain('post-edit-link');
    expect(other.text).not.toContain('comment-edit-link');
  });

  it('links an approved comment in the queue to its place in the thread', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const postId = makePost(t, alice, { title: 'Linked' });
    const approved = seedComment(t.repos, postId);
    seedComment(t.repos, postId, { status: 'pending', body_md: 'Wait' });
    const agent = await loginAs(t, 'alice');
    expect((await agent.get('/admin/comments?status=approved')).text).toContain(`on <a href="/posts/linked#comment-${approved}">Linked</a>`);
    expect((await agent.get(`/admin/comments/${approved}/edit`)).text).toContain(`on <a href="/posts/linked#comment-${approved}">Linked</a>`);
    // A held comment is not on the public page yet: the link goes to the post.
    expect((await agent.get('/admin/comments?status=pending')).text).toContain('on <a href="/posts/linked">Linked</a>');
  });
});
