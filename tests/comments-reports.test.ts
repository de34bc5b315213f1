import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, makeUser as makeAdmin, postForm, seedComment, scriptToken, makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';
import { reportHold } from '../src/comments/moderation.js';

let t: TestContext;
let postId: number;
beforeEach(async () => {
  t = makeTestApp();
  postId = makePost(t, await makeUser(t.repos), { title: 'Hello' });
});
afterEach(() => t.close());

const reportRows = () => t.db.prepare('SELECT comment_id, reason FROM reports ORDER BY created_at').all();

/** A fresh browser (its own session and reader cookie) reporting comment `id`. */
async function reportAs(id: number | string, reason = '') {
  const agent = request.agent(t.app);
  const token = await scriptToken(agent);
  const res = await agent.post(`/comments/${id}/report`).type('form').send({ _csrf: token, reason });
  return { agent, res };
}

describe('reporting a comment', () => {
  it('offers a Report button with a token-bearing form on each visible comment', async () => {
    const id = seedComment(t.repos, postId);
    const page = await request(t.app).get('/posts/hello');
    expect(page.text).toContain(`<form method="post" action="/comments/${id}/report" data-needs-token>`);
    expect(page.text).toContain(`<label for="report-reason-${id}">Why?`);
  });

  it('counts once per browser, keeps the reason, and thanks the reader', async () => {
    const id = seedComment(t.repos, postId);
    const { agent, res } = await reportAs(id, '  rude\u0007 ');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/posts/hello?reported=${id}#comments`);
    expect(String(res.headers['set-cookie'])).toMatch(/colloquy_reader=/);
    const token = await scriptToken(agent);
    expect((await agent.post(`/comments/${id}/report`).type('form').send({ _csrf: token, reason: 'again' })).status).toBe(303);
    expect(reportRows()).toEqual([{ comment_id: id, reason: 'rude' }]);
    expect((await agent.get(res.headers.location!)).text).toContain('Thank you for your report.');
    // Another browser following the same link is not thanked for what it did not do.
    expect((await request(t.app).get(res.headers.location!)).text).not.toContain('Thank you for your report.');
    expect(t.repos.comments.findById(id)!.status).toBe('approved');
  });

  it('hides the comment once the threshold is reached, with the reason for the moderators', async () => {
    const id = seedComment(t.repos, postId, { body_md: 'Reported text' });
    for (const reason of ['spam', '', 'offensive']) await reportAs(id, reason);
    expect(t.repos.comments.findById(id)).toMatchObject({ status: 'pending', held_reason: 'Reported by 3 readers; hidden until reviewed' });
    const page = await request(t.app).get('/posts/hello');
    expect(page.text).not.toContain(`id="comment-${id}"`);
    expect(page.text).toContain('No Responses');
    // A hidden comment cannot be reported any more.
    expect((await reportAs(id, 'late')).res.status).toBe(404);
  });

  it('follows the report_hide_threshold setting', async () => {
    t.repos.settings.save({ report_hide_threshold: 1 });
    const id = seedComment(t.repos, postId);
    await reportAs(id);
    expect(t.repos.comments.findById(id)!.status).toBe('pending');
  });

  it('shows moderators the count and reasons; approving clears them', async () => {
    const admin = await makeAdmin(t.repos, 'admin', 'alice');
    const id = seedComment(t.repos, postId);
    for (const reason of ['spam <b>link</b>', '', 'rude']) await reportAs(id, reason);
    const agent = await loginAs(t, admin.username);
    const queue = await agent.get('/admin/comments?status=pending');
    expect(queue.text).toContain('<strong>Held because:</strong> Reported by 3 readers; hidden until reviewed');
    expect(queue.text).toContain('<strong>Reported by 3 readers</strong>');
    expect(queue.text).toContain('<li>spam &lt;b&gt;link&lt;/b&gt;</li>');
    expect(queue.text).toContain('<li>rude</li>');
    expect((await agent.get(`/admin/comments/${id}/edit`)).text).toContain('<strong>Reported by 3 readers</strong>');
    expect((await postForm(agent, `/admin/comments/${id}/approve`, {}, '/admin/comments')).status).toBe(303);
    expect(t.repos.comments.findById(id)!.status).toBe('approved');
    expect(reportRows()).toEqual([]);
    // Reviewed: one more report does not hide it again.
    await reportAs(id, 'still rude');
    expect(t.repos.comments.findById(id)!.status).toBe('approved');
  });

  it('refuses a missing token with a one-click form that keeps the reason, and stores nothing', async () => {
    const id = seedComment(t.repos, postId);
    const res = await request(t.app).post(`/comments/${id}/report`).type('form').send({ reason: 'my reason' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('Please confirm your report');
    expect(res.text).toContain('value="my reason"');
    expect(res.text).toMatch(/name="_csrf" value="[^"]+"/);
    expect(reportRows()).toEqual([]);
  });

  it('answers 404 for unknown, held, or unpublished comments and odd ids, never 500', async () => {
    const held = seedComment(t.repos, postId, { status: 'pending' });
    const draft = makePost(t, await makeUser(t.repos, 'author', 'drafty'), { title: 'Draft', status: 'draft' });
    const onDraft = seedComment(t.repos, draft);
    for (const id of [String(held), String(onDraft), '999999', 'abc', '1e3', '99999999999999999999']) {
      expect((await reportAs(id)).res.status, id).toBe(404);
    }
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const id = seedComment(t.repos, postId);
    const odd = await agent.post(`/comments/${id}/report`).type('form').send(`_csrf=${token}&reason=a&reason=b&reason[x]=1`);
    expect(odd.status).toBe(303);
    const other = seedComment(t.repos, postId, { body_md: 'other' });
    expect((await reportAs(other, 'x'.repeat(5000))).res.status).toBe(303);
    expect(t.db.prepare('SELECT comment_id, reason FROM reports ORDER BY comment_id').all()).toEqual([{ comment_id: id, reason: 'a' }, { comment_id: other, reason: 'x'.repeat(500) }]);

  });

  it('limits reports per address', async () => {
    const ids = Array.from({ length: 11 }, (_, i) => seedComment(t.repos, postId, { body_md: `c${i}` }));
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const statuses = [];
    for (const id of ids) statuses.push((await agent.post(`/comments/${id}/report`).type('form').send({ _csrf: token })).status);
    expect(statuses.slice(0, 10).every((s) => s === 303)).toBe(true);
    expect(statuses[10]).toBe(429);
    expect(reportRows()).toHaveLength(10);
  });
});

describe('reportHold', () => {
  it('holds at the threshold, not before', () => {
    expect(reportHold(2, 3)).toBeUndefined();
    expect(reportHold(3, 3)).toBe('Reported by 3 readers; hidden until reviewed');
    expect(reportHold(1, 1)).toBe('Reported by 1 reader; hidden until reviewed');
  });
});
