// The desk's Reported queue: comments with reports no moderator has answered, their
// reasons, and "Keep (dismiss reports)", "Hide" and "Spam"; the dashboard's count.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, makePost, makeTestApp, makeUser, postForm, scriptToken, seedComment, type TestContext } from './helpers/index.js';
import { isReportHold } from '../src/comments/moderation.js';
import { buildMessage } from '../src/mail/messages.js';

let t: TestContext;
let postId: number;
let addresses = 0;
beforeEach(async () => {
  t = makeTestApp({ TRUST_PROXY: 'loopback' });
  postId = makePost(t, await makeUser(t.repos, 'admin', 'alice'), { title: 'Hello' });
  addresses = 0;
});
afterEach(() => t.close());

/** A fresh browser from its own address reporting comment `id`. */
async function reportAs(id: number, reason = '') {
  const agent = request.agent(t.app);
  const token = await scriptToken(agent);
  return agent.post(`/comments/${id}/report`).set('X-Forwarded-For', `203.0.113.${++addresses}`).type('form').send({ _csrf: token, reason });
}

const statusOf = (id: number) => t.repos.comments.findById(id)!.status;
const openReports = (id: number) => t.db.prepare('SELECT count(*) FROM reports WHERE comment_id = ? AND reviewed_at IS NULL').pluck().get(id);

describe('the Reported tab', () => {
  it('lists comments with open reports, with a count among the tabs and on the dashboard, their reasons and three choices', async () => {
    const once = seedComment(t.repos, postId, { author_name: 'Once', body_md: 'Reported once' });
    const hidden = seedComment(t.repos, postId, { author_name: 'Thrice', body_md: 'Reported three times' });
    seedComment(t.repos, postId, { author_name: 'Quiet', body_md: 'Never reported' });
    await reportAs(once, 'off topic');
    for (const reason of ['rude', '', 'rude <b>again</b>']) await reportAs(hidden, reason);
    expect(statusOf(hidden)).toBe('pending');

    const agent = await loginAs(t, 'alice');
    const queue = await agent.get('/admin/comments?status=reported');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('<a href="/admin/comments?status=reported" aria-current="page">Reported <span class="count">(2)</span></a>');
    expect(queue.text).toContain('Thrice');
    expect(queue.text).toContain('Once');
    expect(queue.text).not.toContain('Quiet');
    expect(queue.text).toContain('<strong>Reported by 3 readers</strong> <span class="report-detail">(from 3 addresses)</span>');
    expect(queue.text).toContain('<li>rude &lt;b&gt;again&lt;/b&gt;</li>');
    expect(queue.text).toContain('<li>off topic</li>');
    // The hidden one says why it is held; the one still up is not held at all.
    expect(queue.text).toContain('<strong>Held because:</strong> Reported by 3 readers; hidden until reviewed');
    expect(queue.text.match(/Held because/g)).toHaveLength(1);
    for (const id of [once, hidden]) {
      expect(queue.text).toContain(`action="/admin/comments/${id}/dismiss"`);
      expect(queue.text).toContain(`action="/admin/comments/${id}/trash"`);
      expect(queue.text).toContain(`action="/admin/comments/${id}/spam"`);
    }
    expect(queue.text).toMatch(/>Keep \(dismiss reports\)<span class="visually-hidden"> comment by Once</);
    expect(queue.text).toMatch(/>Hide<span class="visually-hidden"> comment by Once</);
    expect(queue.text).toContain('<option value="dismiss">Keep (dismiss reports)</option>');
    // Other queues keep their own buttons and menu.
    const waiting = await agent.get('/admin/comments?status=pending');
    expect(waiting.text).not.toContain('<option value="dismiss">');
    expect(waiting.text).toContain('Reported <span class="count">(2)</span>');

    const dashboard = await agent.get('/admin');
    expect(dashboard.text).toContain('<a href="/admin/comments?status=reported"><strong>2</strong> reported</a>');
    // The desk's Comments badge counts both queues, on every desk page.
    expect(dashboard.text).toContain('<span class="badge" title="1 waiting, 2 reported">3<span class="visually-hidden"> (1 waiting, 2 reported)</span></span>');
  });

  it('"Keep (dismiss reports)" answers the reports, shows a hidden comment again, and is audited', async () => {
    const hidden = seedComment(t.repos, postId, { author_name: 'Thrice', body_md: 'Fine after all' });
    for (const reason of ['a', 'b', 'c']) await reportAs(hidden, reason);
    expect(statusOf(hidden)).toBe('pending');
    expect((await request(t.app).get('/posts/hello')).text).not.toContain(`id="comment-${hidden}"`);

    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, `/admin/comments/${hidden}/dismiss`, { back: '/admin/comments?status=reported' }, '/admin/comments?status=reported');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/comments?status=reported');
    expect(statusOf(hidden)).toBe('approved');
    expect(openReports(hidden)).toBe(0);
    // Reviewed, not erased: the history stays for the moderators.
    expect(t.repos.reports.summaryFor([hidden]).get(hidden)).toMatchObject({ count: 3, open: 0 });
    expect(t.repos.audit.list(5, 0)[0]).toMatchObject({ action: 'comment.dismiss', subject: `comment:${hidden}` });

    const after = await agent.get('/admin/comments?status=reported');
    expect(after.text).toContain('Comment by Thrice kept, its reports dismissed.');
    expect(after.text).toContain('Reported <span class="count">(0)</span>');
    expect(after.text).toContain('No open reports.');
    expect((await request(t.app).get('/posts/hello')).text).toContain(`id="comment-${hidden}"`);
    // The same readers cannot hide it again; it stays up.
    await reportAs(hidden, 'd');
    expect(statusOf(hidden)).toBe('approved');
  });

  it('keeps a comment a moderator held themselves held when its reports are dismissed', async () => {
    const id = seedComment(t.repos, postId);
    await reportAs(id, 'hmm');
    const agent = await loginAs(t, 'alice');
    await postForm(agent, `/admin/comments/${id}/unapprove`, {}, '/admin/comments');
    expect(statusOf(id)).toBe('pending');
    expect((await agent.get('/admin/comments?status=reported')).text).toContain(`id="comment-${id}"`);
    expect((await postForm(agent, `/admin/comments/${id}/dismiss`, {}, '/admin/comments')).status).toBe(303);
    expect(statusOf(id)).toBe('pending');
    expect(openReports(id)).toBe(0);
  });

  it('"Hide" moves the comment to the trash and "Spam" marks it; either way it leaves the tab', async () => {
    const a = seedComment(t.repos, postId, { body_md: 'one' });
    const b = seedComment(t.repos, postId, { body_md: 'two' });
    await reportAs(a, 'x');
    await reportAs(b, 'y');
    const agent = await loginAs(t, 'alice');
    await postForm(agent, `/admin/comments/${a}/trash`, {}, '/admin/comments');
    await postForm(agent, `/admin/comments/${b}/spam`, {}, '/admin/comments');
    expect([statusOf(a), statusOf(b)]).toEqual(['trash', 'spam']);
    expect((await agent.get('/admin/comments?status=reported')).text).toContain('Reported <span class="count">(0)</span>');
  });

  it('dismisses many from the bulk menu, and offers dismiss on the comment\'s own page while reports are open', async () => {
    const ids = [seedComment(t.repos, postId, { body_md: 'p' }), seedComment(t.repos, postId, { body_md: 'q' })];
    for (const id of ids) await reportAs(id, 'meh');
    const agent = await loginAs(t, 'alice');
    expect((await agent.get(`/admin/comments/${ids[0]}/edit`)).text).toContain(`action="/admin/comments/${ids[0]}/dismiss"`);
    const res = await postForm(agent, '/admin/comments/bulk', { action: 'dismiss', ids: ids.map(String), status: 'reported' }, '/admin/comments');
    expect(res.headers.location).toBe('/admin/comments?status=reported');
    expect(ids.map(openReports)).toEqual([0, 0]);
    expect(t.repos.audit.list(1, 0)[0]).toMatchObject({ action: 'comment.bulk-dismiss' });
    expect((await agent.get(`/admin/comments/${ids[0]}/edit`)).text).not.toContain(`/dismiss"`);
  });

  it('shows an author only the reports on their own posts', async () => {
    const bob = await makeUser(t.repos, 'author', 'bob');
    const bobsPost = makePost(t, bob, { title: 'Bob writes' });
    await reportAs(seedComment(t.repos, bobsPost, { author_name: 'OnBob' }), 'x');
    await reportAs(seedComment(t.repos, postId, { author_name: 'OnAlice' }), 'y');
    const agent = await loginAs(t, 'bob');
    const queue = await agent.get('/admin/comments?status=reported');
    expect(queue.text).toContain('Reported <span class="count">(1)</span>');
    expect(queue.text).toContain('OnBob');
    expect(queue.text).not.toContain('OnAlice');
  });
});

describe('"Held because"', () => {
  it('shows only while a comment is held, not once it is approved', async () => {
    const held = seedComment(t.repos, postId, { status: 'pending', held_reason: 'First comment from this name and email address', author_name: 'Held' });
    const approved = seedComment(t.repos, postId, { status: 'approved', held_reason: 'First comment from this name and email address', author_name: 'Approved' });
    const agent = await loginAs(t, 'alice');
    expect((await agent.get('/admin/comments?status=pending')).text).toContain('<strong>Held because:</strong> First comment');
    expect((await agent.get('/admin/comments?status=approved')).text).not.toContain('Held because');
    expect((await agent.get(`/admin/comments/${approved}/edit`)).text).not.toContain('Held because');
    expect((await agent.get(`/admin/comments/${held}/edit`)).text).toContain('Held because');
  });
});

it('knows a hold by reports from its words, and only while held', () => {
  expect(isReportHold('pending', 'Reported by 3 readers; hidden until reviewed')).toBe(true);
  expect(isReportHold('approved', 'Reported by 3 readers; hidden until reviewed')).toBe(false);
  expect(isReportHold('pending', 'First comment from this name and email address')).toBe(false);
});

describe('the post\'s author hears of reports', () => {
  const outboxRows = () => t.db.prepare('SELECT recipient, kind, payload FROM outbox ORDER BY id').all() as { recipient: string; kind: string; payload: string }[];

  it('once at the first report, again when reports hide it, never once per report, and not when the setting is off', async () => {
    const bob = t.repos.users.create({ username: 'bob', display_name: 'Bob', email: 'bob@blog.example', password_hash: 'x', role: 'author' });
    t.repos.users.create({ username: 'boss', display_name: 'Boss', email: 'boss@blog.example', password_hash: 'x', role: 'admin' });
    t.repos.users.create({ username: 'carl', display_name: 'Carl', email: 'carl@blog.example', password_hash: 'x', role: 'author' });
    const bobsPost = makePost(t, bob, { title: 'Bob writes' });
    const id = seedComment(t.repos, bobsPost, { author_name: 'Zed', body_md: 'Hot take' });

    await reportAs(id, 'off topic');
    const first = outboxRows();
    expect(first.map((r) => [r.recipient, r.kind]).sort()).toEqual([['bob@blog.example', 'reported'], ['boss@blog.example', 'reported']]);
    expect(JSON.parse(first[0]!.payload)).toEqual({
      kind: 'reported', items: [{ commentId: id, postTitle: 'Bob writes', author: 'Zed', reason: 'off topic', text: 'Hot take' }],
    });
    // A second report adds nothing; the third hides the comment, which is news again.
    await reportAs(id, 'rude');
    expect(outboxRows()).toHaveLength(2);
    await reportAs(id, 'rude too');
    expect(statusOf(id)).toBe('pending');
    expect(outboxRows().map((r) => r.kind)).toEqual(['reported', 'reported', 'held', 'held']);

    // Answered, then reported again: a first open report once more, unless the setting is off.
    const other = seedComment(t.repos, bobsPost, { body_md: 'Another' });
    t.repos.settings.save({ mail_held_comments: false });
    await reportAs(other, 'meh');
    expect(outboxRows()).toHaveLength(4);
  });

  it('says what was reported and where to answer it', () => {
    const built = buildMessage('reported', { kind: 'reported', items: [{ commentId: 7, postTitle: 'Hello', author: 'Zed', reason: '', text: 'Hot <take>' }] }, { title: 'Blog', baseUrl: 'http://blog.example' });
    expect(built.subject).toBe('[Blog] A comment was reported on “Hello”');
    expect(built.text).toContain("A reader reported Zed's comment on “Hello” (no reason given). It is still shown:");
    expect(built.text).toContain('http://blog.example/admin/comments?status=reported');
    expect(built.html).toContain('Hot &lt;take&gt;');
  });
});
