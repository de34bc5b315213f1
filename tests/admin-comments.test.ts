import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CommentStatus, NewComment } from '../src/comments/comments-repository.js';
import { actionsFor, parseAction } from '../src/comments/moderation-actions.js';
import { loginAs, postForm, pageToken, makeUser, makePost, makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

function comment(postId: number, overrides: Partial<NewComment> = {}): number {
  return t.repos.comments.insert({
    post_id: postId, parent_id: null, user_id: null, author_name: 'Reader', author_email: 'reader@example.com', author_url: 'https://reader.example',
    body_md: 'Nice.', body_html: '<p>Nice.</p>', status: 'pending', held_reason: 'first-time commenter', ip_hash: '', user_agent: '', ...overrides,
  });
}

const statusOf = (id: number): CommentStatus | undefined => t.repos.comments.findById(id)?.status;

describe('the moderation queue', () => {
  it('shows comments by status with counts, emails and why each was held', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const postId = makePost(t, alice, { title: 'Talked about' });
    comment(postId, { author_name: 'Carol', author_email: 'carol@example.com', held_reason: 'more than 2 links' });
    comment(postId, { author_name: 'Dave', status: 'approved', held_reason: '' });
    comment(postId, { author_name: 'Spammer', status: 'spam', held_reason: 'honeypot' });
    const agent = await loginAs(t, 'alice');
    const res = await agent.get('/admin/comments');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Waiting <span class="count">(1)</span>');
    expect(res.text).toContain('Approved <span class="count">(1)</span>');
    expect(res.text).toContain('Spam <span class="count">(1)</span>');
    expect(res.text).toContain('Carol');
    expect(res.text).toContain('carol@example.com');
    expect(res.text).toContain('more than 2 links');
    expect(res.text).toContain('href="/posts/talked-about"');
    expect(res.text).not.toContain('Dave');
    const spam = await agent.get('/admin/comments?status=spam');
    expect(spam.text).toContain('Spammer');
    expect(spam.text).toContain('honeypot');
    expect((await agent.get('/admin/comments?status=bogus&status=x')).status).toBe(200);
    const dash = await agent.get('/admin');
    expect(dash.text).toContain('Carol');
    expect(dash.text).toMatch(/<strong>1<\/strong> waiting/);
  });

  it('approves, unapproves, marks spam, trashes and deletes', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const postId = makePost(t, alice);
    const id = comment(postId);
    const agent = await loginAs(t, 'alice');
    const steps: [string, CommentStatus | undefined][] = [['approve', 'approved'], ['unapprove', 'pending'], ['spam', 'spam'], ['trash', 'trash'], ['approve', 'approved'], ['delete', undefined]];
    for (const [action, expected] of steps) {
      const res = await postForm(agent, `/admin/comments/${id}/${action}`, { back: '/admin/comments?status=spam' }, '/admin/comments');
      expect(res.status, action).toBe(303);
      expect(res.headers.location).toBe('/admin/comments?status=spam');
      expect(statusOf(id), action).toBe(expected);
    }
    const actions = t.repos.audit.list(20, 0).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['comment.approve', 'comment.unapprove', 'comment.spam', 'comment.trash', 'comment.delete']));
  });

  it('refuses unknown actions and ids, and offsite back links', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const id = comment(makePost(t, alice));
    const agent = await loginAs(t, 'alice');
    expect((await postForm(agent, `/admin/comments/${id}/publish`, {})).status).toBe(404);
    expect((await postForm(agent, '/admin/comments/999/approve', {})).status).toBe(404);
    expect((await postForm(agent, '/admin/comments/abc/approve', {})).status).toBe(404);
    const res = await postForm(agent, `/admin/comments/${id}/approve`, { back: '//evil.example/' });
    expect(res.headers.location).toBe('/admin/comments?status=pending');
    expect(statusOf(id)).toBe('approved');
  });

  it('acts on many at once', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const postId = makePost(t, alice);
    const ids = [comment(postId), comment(postId), comment(postId)];
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, '/admin/comments/bulk', { action: 'approve', ids: [String(ids[0]), String(ids[1])], status: 'pending' }, '/admin/comments');
    expect(res.status).toBe(303);
    expect(ids.map(statusOf)).toEqual(['approved', 'approved', 'pending']);
    const parent = ids[0]!;
    const child = comment(postId, { parent_id: parent });
    await postForm(agent, '/admin/comments/bulk', { action: 'delete', ids: [String(parent), String(child)] }, '/admin/comments');
    expect(statusOf(parent)).toBeUndefined();
    expect(statusOf(child)).toBeUndefined();
    const none = await postForm(agent, '/admin/comments/bulk', { action: 'approve' }, '/admin/comments');
    expect(none.status).toBe(303);
    expect((await agent.get(none.headers.location ?? '')).text).toContain('Select at least one comment');
  });

  it('edits a comment’s text, rendered as a comment', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const id = comment(makePost(t, alice));
    const agent = await loginAs(t, 'alice');
    const page = await agent.get(`/admin/comments/${id}/edit`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Nice.</textarea>');
    const res = await postForm(agent, `/admin/comments/${id}/edit`, { comment: 'Fixed *typo* <b>raw</b>' }, `/admin/comments/${id}/edit`);
    expect(res.status).toBe(303);
    const stored = t.repos.comments.findById(id)!;
    expect(stored.body_md).toBe('Fixed *typo* <b>raw</b>');
    expect(stored.body_html).toContain('<em>typo</em>');
    expect(stored.body_html).toContain('&lt;b&gt;raw&lt;/b&gt;');
    const empty = await postForm(agent, `/admin/comments/${id}/edit`, { comment: '   ' }, `/admin/comments/${id}/edit`);
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('id="comment-error"');
    expect(t.repos.comments.findById(id)!.body_md).toBe('Fixed *typo* <b>raw</b>');
  });

  it('replies from the queue: approved at once, as the author, approving the parent', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const postId = makePost(t, alice);
    const parent = comment(postId);
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, `/admin/comments/${parent}/reply`, { comment: 'Thanks for **reading**' }, `/admin/comments/${parent}/edit`);
    expect(res.status).toBe(303);
    const replyId = Number(/#comment-(\d+)$/.exec(res.headers.location ?? '')![1]);
    const reply = t.repos.comments.findById(replyId)!;
    expect(reply).toMatchObject({ parent_id: parent, post_id: postId, user_id: alice.id, author_name: 'Alice', status: 'approved' });
    expect(reply.body_html).toContain('<strong>reading</strong>');
    expect(statusOf(parent)).toBe('approved');
    // On the public page, under its parent and marked as the author's.
    const page = await agent.get(`/posts/${t.repos.posts.findById(postId)!.slug}`);
    expect(page.text).toMatch(new RegExp(`<li id="comment-${parent}"[\\s\\S]*<ol class="children">\\s*<li id="comment-${replyId}" class="comment depth-2 bypostauthor">`));
    const again = await postForm(agent, `/admin/comments/${parent}/reply`, { comment: 'Thanks for **reading**' }, `/admin/comments/${parent}/edit`);
    expect(again.status).toBe(409);
    expect(again.text).toContain('You already said that here.');
  });

  it('a refused reply changes nothing: the held parent stays held, the text is given back', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const postId = makePost(t, alice);
    const parent = comment(postId);
    const agent = await loginAs(t, 'alice');
    const bad = await postForm(agent, `/admin/comments/${parent}/reply`, { comment: 'x'.repeat(10_001) }, `/admin/comments/${parent}/edit`);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="reply-error"');
    expect(bad.text).toContain('A comment can be at most 10,000 characters');
    expect(bad.text).toContain('x'.repeat(10_001));
    expect(statusOf(parent)).toBe('pending');
    expect(t.repos.comments.countByStatus(null).approved).toBe(0);
    const trashed = comment(postId, { status: 'trash', body_md: 'Gone.' });
    const onTrash = await postForm(agent, `/admin/comments/${trashed}/reply`, { comment: 'Hello?' }, `/admin/comments/${trashed}/edit`);
    expect(onTrash.status).toBe(422);
    expect(onTrash.text).toContain('Approve this comment before replying to it.');
    expect(statusOf(trashed)).toBe('trash');
  });
});

describe('authors moderate only their own posts’ comments', () => {
  it('403 on another author’s comments, and the queue shows only their own', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    const bob = await makeUser(t.repos, 'author', 'bob');
    const onAlice = comment(makePost(t, alice, { title: 'Alice post' }), { author_name: 'On Alice' });
    const onBob = comment(makePost(t, bob, { title: 'Bob post' }), { author_name: 'On Bob' });
    const agent = await loginAs(t, 'bob');
    for (const action of ['approve', 'spam', 'trash', 'delete', 'unapprove']) {
      expect((await postForm(agent, `/admin/comments/${onAlice}/${action}`, {})).status, action).toBe(403);
    }
    expect((await postForm(agent, `/admin/comments/${onAlice}/edit`, { comment: 'mine now' })).status).toBe(403);
    expect((await postForm(agent, `/admin/comments/${onAlice}/reply`, { comment: 'hi' })).status).toBe(403);
    expect((await agent.get(`/admin/comments/${onAlice}/edit`)).status).toBe(403);
    expect((await postForm(agent, '/admin/comments/bulk', { action: 'approve', ids: [String(onAlice), String(onBob)] })).status).toBe(403);
    expect(statusOf(onAlice)).toBe('pending');
    expect(statusOf(onBob)).toBe('pending');
    const queue = await agent.get('/admin/comments');
    expect(queue.text).toContain('On Bob');
    expect(queue.text).not.toContain('On Alice');
    expect((await postForm(agent, `/admin/comments/${onBob}/approve`, {})).status).toBe(303);
    expect(statusOf(onBob)).toBe('approved');
  });
});

describe('moderation rules', () => {
  it('knows its actions', () => {
    expect(parseAction('approve')).toBe('approve');
    expect(parseAction('toString')).toBeUndefined();
    expect(parseAction(['approve'])).toBeUndefined();
    expect(actionsFor('pending')).toContain('approve');
    expect(actionsFor('trash')).toContain('delete');
  });
});

it('the queue page has a bulk form every checkbox belongs to', async () => {
  const alice = await makeUser(t.repos, 'admin', 'alice');
  const id = comment(makePost(t, alice));
  const agent = await loginAs(t, 'alice');
  const token = await pageToken(agent, '/admin/comments');
  expect(token).toBeTruthy();
  const page = await agent.get('/admin/comments');
  expect(page.text).toContain('<form method="post" action="/admin/comments/bulk" id="bulk"');
  expect(page.text).toContain(`<input type="checkbox" name="ids" value="${id}" form="bulk"`);
});

describe('the moderation service', () => {
  it('marks readers’ reports reviewed when it approves, for one comment and for many alike, with one audit row each time', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const postId = makePost(t, alice);
    const [one, two, three] = [comment(postId), comment(postId, { body_md: 'Two.' }), comment(postId, { body_md: 'Three.' })];
    for (const id of [one, two, three]) t.repos.reports.add(id, `reader-key-${id}-0123456789`, `address-${id}`, 'rude');
    const queued = t.repos.comments.findManyWithPost([one, two, three]);
    const byId = (id: number) => queued.find((c) => c.id === id)!;
    const openReports = () => [one, two, three].map((id) => t.repos.reports.summaryFor([id]).get(id)?.open);

    t.services.moderation.act(byId(one), 'approve', alice.id);
    expect(openReports()).toEqual([0, 1, 1]);
    expect(t.services.moderation.actOnMany([byId(two), byId(three)], 'approve', alice.id)).toBe(2);
    expect(openReports()).toEqual([0, 0, 0]);
    // Reviewed, not forgotten: each report stays in its comment's history.
    expect(t.repos.reports.summaryFor([one]).get(one)).toMatchObject({ count: 1, reasons: [{ text: 'rude', reviewed: true }] });
    expect([one, two, three].map(statusOf)).toEqual(['approved', 'approved', 'approved']);

    // Spam leaves the reports open: nobody reviewed them as fine.
    t.repos.reports.add(one, 'another-reader-0123456789', 'address-other', 'spam');
    t.services.moderation.act(byId(one), 'spam', alice.id);
    expect(t.repos.reports.summaryFor([one]).get(one)).toMatchObject({ count: 2, open: 1 });

    expect(t.repos.audit.list(10, 0).map((e) => [e.action, e.subject, e.detail]).reverse()).toEqual([
      ['comment.approve', `comment:${one}`, `on post:${postId} by Reader`],
      ['comment.bulk-approve', `comment:${two} comment:${three}`, '2 comments'],
      ['comment.spam', `comment:${one}`, `on post:${postId} by Reader`],
    ]);
  });
});
