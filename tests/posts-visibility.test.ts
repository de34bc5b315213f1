// Drafts and scheduled posts are invisible to the public by every way in: an old
// slug of a post that is no longer public answers 404 like any unknown page, never a
// redirect that names the post's new slug.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';
import type { PostDraft } from '../src/posts/posts-service.js';
import type { User } from '../src/users/users-repository.js';

let t: TestContext;
let author: User;

beforeEach(async () => {
  t = makeTestApp();
  author = await makeUser(t.repos);
});
afterEach(() => t.close());

/** A post first published as "old-name", then renamed to "secret-plan" with `change`. */
function renamed(change: Partial<PostDraft>): number {
  const base = { kind: 'post', author_id: author.id, title: 'Old name', slug: 'old-name', body_md: 'Text', excerpt: '', tags: [], status: 'published', published_at: new Date(Date.now() - 60_000), comments_open: true } as const;
  const id = makePost(t, author, base);
  t.services.posts.update(id, { ...base, slug: 'secret-plan', ...change });
  return id;
}

describe('old slugs of posts that are not public', () => {
  it('still redirect while the post is public', async () => {
    renamed({});
    const res = await request(t.app).get('/posts/old-name');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('/posts/secret-plan');
  });

  it.each([
    ['a draft', { status: 'draft' } as const],
    ['a scheduled post', { published_at: new Date(Date.now() + 86_400_000) }],
  ])('answer 404 for %s, on every route, naming nothing', async (_what, change) => {
    renamed(change);
    for (const [path, res] of [
      ['GET', await request(t.app).get('/posts/old-name')],
      ['GET feed', await request(t.app).get('/posts/old-name/feed')],
      ['POST comments', await request(t.app).post('/posts/old-name/comments').type('form').send({ comment: 'hi' })],
      ['POST like', await request(t.app).post('/posts/old-name/like').type('form').send({})],
    ] as const) {
      expect(res.status, path).toBe(404);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).not.toContain('secret-plan');
    }
  });
});

describe('tags carried only by posts that are not public', () => {
  it('answer 404, as the sitemap does not list them', async () => {
    makePost(t, author, { title: 'Launch', tags: ['Secret launch'], status: 'draft' });
    makePost(t, author, { title: 'Soon', tags: ['Next year'], published_at: new Date(Date.now() + 86_400_000) });
    expect((await request(t.app).get('/tags/secret-launch')).status).toBe(404);
    expect((await request(t.app).get('/tags/next-year')).status).toBe(404);
  });

  it('show once a public post carries them', async () => {
    makePost(t, author, { title: 'Launch', tags: ['Secret launch'] });
    const res = await request(t.app).get('/tags/secret-launch');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Launch');
  });
});
