import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, makeUser as makeAdmin, postForm, seedComment, scriptToken, makePost, makeTestApp, makeUser, type TestContext } from './helpers/index.js';
import { reportHold } from '../src/comments/moderation.js';
import { addressKey } from '../src/limits/address.js';

let t: TestContext;
let postId: number;
let addresses = 0;
beforeEach(async () => {
  // Behind a proxy on loopback, each test reader's address comes from X-Forwarded-For.
  t = makeTestApp({ TRUST_PROXY: 'loopback' });
  postId = makePost(t, await makeUser(t.repos), { title: 'Hello' });
  addresses = 0;
});
afterEach(() => t.close());

const reportRows = () => t.db.prepare('SELECT comment_id, reason FROM reports ORDER BY created_at').all();
const statusOf = (id: number) => t.repos.comments.findById(id)!.status;

/** A fresh browser (its own session and reader cookie) reporting comment `id`, from its own address unless one is given. */
async function reportAs(id: number | string, reason = '', address = `203.0.113.${++addresses}`) {
  const agent = request.agent(t.app);
  const token = await scriptToken(agent);
  const res = await agent.post(`/comments/${id}/report`).set('X-Forwarded-For', address).type('form').send({ _csrf: token, reason });
  return { agent, res };
}

describe('reporting a comment', () => {
  it('offers a Report button with a token-bearing form on each visible comment', async () => {
    const id = seedComment(t.repos, postId);
    const page = await request(t.app).get('/posts/hello');
    expect(page.text).toContain(`<form method="post" action="/comments/${id}/report" data-needs-token data-in-place="report">`);
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

  it('shows moderators the count and reasons; approving marks them reviewed', async () => {
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
    // Reviewed, not forgotten: the reports stay, marked, in the comment's history.
    expect(t.db.prepare('SELECT count(*) AS n FROM reports WHERE comment_id = ? AND reviewed_at IS NOT NULL').get(id)).toEqual({ n: 3 });
    // Reviewed: one more report does not hide it again.
    await reportAs(id, 'still rude');
    expect(t.repos.comments.findById(id)!.status).toBe('approved');
  });

  it('refuses a missing token with a one-click form that keeps the reason, and stores nothing', async () => {
    const id = seedComment(t.repos, postId);
    const res = await request(t.app).post(`/comments/${id}/report`).type('form').send({ reason: 'my reason' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('One more click to report Person');
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

describe('hiding needs distinct addresses', () => {
  it('hides nothing when one address reports with many browsers (the cookie cleared each time), yet counts each for moderators', async () => {
    const admin = await makeAdmin(t.repos, 'admin', 'alice');
    const id = seedComment(t.repos, postId);
    for (let i = 0; i < 5; i++) expect((await reportAs(id, `rude ${i}`, '198.51.100.7')).res.status).toBe(303);
    expect(statusOf(id)).toBe('approved');
    expect(reportRows()).toHaveLength(5);
    // Only the keyed hash of the address is kept.
    const stored = t.db.prepare('SELECT DISTINCT address_hash FROM reports').pluck().all();
    expect(stored).toEqual([addressKey(t.ctx.keys.hash, '198.51.100.7')]);
    expect(JSON.stringify(t.db.prepare('SELECT * FROM reports').all())).not.toContain('198.51.100.7');
    const queue = await (await loginAs(t, admin.username)).get('/admin/comments?status=approved');
    expect(queue.text).toContain('<strong>Reported by 5 readers</strong> <span class="report-detail">(from 1 address)</span>');
  });

  it('hides a comment once reports come from as many distinct addresses as the threshold', async () => {
    const id = seedComment(t.repos, postId);
    await reportAs(id, '', '198.51.100.1');
    await reportAs(id, '', '198.51.100.1');
    await reportAs(id, '', '198.51.100.2');
    expect(statusOf(id)).toBe('approved');
    await reportAs(id, '', '198.51.100.3');
    expect(t.repos.comments.findById(id)).toMatchObject({ status: 'pending', held_reason: 'Reported by 3 readers; hidden until reviewed' });
    expect((await request(t.app).get('/posts/hello')).text).not.toContain(`id="comment-${id}"`);
  });

  it('counts the addresses of one IPv6 /64 as one', async () => {
    const id = seedComment(t.repos, postId);
    for (const address of ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff:eeee:dddd:3']) await reportAs(id, '', address);
    expect(statusOf(id)).toBe('approved');
    await reportAs(id, '', '2001:db8:1:3::1');
    expect(statusOf(id)).toBe('approved');
    await reportAs(id, '', '203.0.113.200');
    expect(statusOf(id)).toBe('pending');
  });

  it('never hides a signed-in staff member\'s comment, and still lists its reports for moderators', async () => {
    const admin = await makeAdmin(t.repos, 'admin', 'alice');
    const id = seedComment(t.repos, postId, { user_id: admin.id, author_name: 'Alice' });
    for (const reason of ['one', 'two', 'three', 'four']) await reportAs(id, reason);
    expect(statusOf(id)).toBe('approved');
    expect((await request(t.app).get('/posts/hello')).text).toContain(`id="comment-${id}"`);
    const agent = await loginAs(t, admin.username);
    const queue = await agent.get('/admin/comments?status=approved');
    expect(queue.text).toContain('<strong>Reported by 4 readers</strong> <span class="report-detail">(from 4 addresses)</span>');
    expect(queue.text).toContain('<li>four</li>');
  });

  it('after approval, the addresses that reported it cannot hide it again, and moderators keep the whole history', async () => {
    const admin = await makeAdmin(t.repos, 'admin', 'alice');
    const id = seedComment(t.repos, postId);
    const first = ['198.51.100.1', '198.51.100.2', '2001:db8:9:9::1'];
    for (const address of first) await reportAs(id, `first from ${address}`, address);
    expect(statusOf(id)).toBe('pending');
    const agent = await loginAs(t, admin.username);
    expect((await postForm(agent, `/admin/comments/${id}/approve`, {}, '/admin/comments')).status).toBe(303);
    expect(statusOf(id)).toBe('approved');

    // The same people again, with fresh browsers (and a fresh address in the same /64).
    for (const address of ['198.51.100.1', '198.51.100.2', '2001:db8:9:9::2']) expect((await reportAs(id, 'again', address)).res.status).toBe(303);
    expect(statusOf(id)).toBe('approved');
    // Two new addresses and one old one are still not three that count.
    await reportAs(id, 'new one', '192.0.2.1');
    await reportAs(id, 'new two', '192.0.2.2');
    await reportAs(id, 'old', '198.51.100.1');
    expect(statusOf(id)).toBe('approved');

    const edit = await agent.get(`/admin/comments/${id}/edit`);
    expect(edit.text).toContain('<strong>Reported by 9 readers</strong> <span class="report-detail">(from 5 addresses; 3 already reviewed)</span>');
    for (const address of first) expect(edit.text).toContain(`<li class="report-reviewed">first from ${address} (reviewed)</li>`);
    expect(edit.text).toContain('<li>new two</li>');
    expect(reportRows()).toHaveLength(9);

    // A third new address makes three that count: readers can still raise a real problem.
    await reportAs(id, '', '192.0.2.3');
    expect(t.repos.comments.findById(id)).toMatchObject({ status: 'pending', held_reason: 'Reported by 3 readers; hidden until reviewed' });
  });

  it('"Approve and reply" reviews the reports as the Approve button does: one new address cannot hide it again', async () => {
    const admin = await makeAdmin(t.repos, 'admin', 'alice');
    const id = seedComment(t.repos, postId);
    for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) await reportAs(id, '', address);
    expect(statusOf(id)).toBe('pending');
    const agent = await loginAs(t, admin.username);
    expect((await postForm(agent, `/admin/comments/${id}/reply`, { comment: 'It stays.' }, `/admin/comments/${id}/edit`)).status).toBe(303);
    expect(statusOf(id)).toBe('approved');
    expect(t.db.prepare('SELECT count(*) FROM reports WHERE comment_id = ? AND reviewed_at IS NOT NULL').pluck().get(id)).toBe(3);
    await reportAs(id, '', '192.0.2.1');
    expect(statusOf(id)).toBe('approved');
  });
});

describe('reportHold', () => {
  it('holds at the threshold of distinct addresses, not before, and never a staff comment', () => {
    expect(reportHold({ addresses: 2, threshold: 3, byStaff: false })).toBeUndefined();
    expect(reportHold({ addresses: 3, threshold: 3, byStaff: false })).toBe('Reported by 3 readers; hidden until reviewed');
    expect(reportHold({ addresses: 1, threshold: 1, byStaff: false })).toBe('Reported by 1 reader; hidden until reviewed');
    expect(reportHold({ addresses: 50, threshold: 3, byStaff: true })).toBeUndefined();
  });
});
