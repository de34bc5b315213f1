// The audit log names what it lists: posts, comments, people and images by their
// titles and names, linked, with a reminder of the comment's words; gone things plainly.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { referencedIds, segmentsOf, type NamedThings } from '../src/audit/audit-references.js';
import { loginAs, makePost, makeTestApp, makeUser, postForm, seedComment, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

it('shows names and links instead of raw ids, and says plainly what is gone', async () => {
  const alice = await makeUser(t.repos, 'admin', 'alice');
  const bob = await makeUser(t.repos, 'author', 'bob');
  const postId = makePost(t, bob, { title: 'Tomatoes', slug: 'tomatoes' });
  const comment = seedComment(t.repos, postId, { author_name: 'Ada', body_md: 'Lovely plants, and the **soil** looks rich and dark after all that rain this spring.', status: 'pending' });
  const agent = await loginAs(t, 'alice');
  expect((await postForm(agent, `/admin/comments/${comment}/approve`, {}, '/admin/comments')).status).toBe(303);
  expect((await postForm(agent, `/admin/users/${bob.id}/profile`, { display_name: 'Bob Grower', bio: '', email: '' }, '/admin/users')).status).toBe(303);
  t.repos.audit.record({ userId: null, action: 'post.delete', subject: 'post:999999', detail: 'Old (old)' });

  const page = await agent.get('/admin/audit');
  expect(page.status).toBe(200);
  const rows = page.text.split('<tr>').slice(2);
  const row = (action: string) => rows.find((r) => r.includes(`<code>${action}</code>`)) ?? '';
  // The comment: who wrote it, on which post, and its first words, linked to the comment.
  expect(row('comment.approve')).toContain(`<a href="/admin/comments/${comment}/edit">comment by Ada on “Tomatoes”</a> <q class="audit-excerpt">Lovely plants, and the soil looks rich and dark after all that…</q>`);
  expect(row('comment.approve')).toContain(`on <a href="/admin/posts/${postId}/edit">post “Tomatoes”</a> by Ada`);
  expect(row('comment.approve')).toContain('<td data-label="Who"><a href="/admin/account">Alice (alice)</a></td>');
  // People by name, linked to their profile.
  expect(row('user.profile')).toContain(`<a href="/admin/users/${bob.id}/edit">Bob Grower (bob)</a>`);
  // Gone, said plainly; a command-line change has no one signed in.
  expect(row('post.delete')).toContain('post #999999 (deleted)');
  expect(row('post.delete')).toContain('command line or first start');
  expect(page.text).not.toMatch(/>(?:comment|post|user):\d+</);
});

it('finds every reference once, and leaves other text as it is', () => {
  expect(referencedIds(['comment:1 comment:2 comment:1', 'on post:7 by Ada', 'settings', 'user:3'])).toEqual({ post: [7], comment: [1, 2], user: [3], upload: [] });
  const named: NamedThings = { posts: new Map(), comments: new Map(), users: new Map(), uploads: new Map([[4, { original_name: 'dot.png', filename: 'abc.png' }]]) };
  expect(segmentsOf('upload:4 and notapost:5, post:6', named, 1)).toEqual([
    { text: 'image “dot.png”', href: '/uploads/abc.png' }, { text: ' and notapost:5, ' }, { text: 'post #6 (deleted)' },
  ]);
});
