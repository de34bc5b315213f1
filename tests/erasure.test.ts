// Erasing a commenter: from the desk (admins only, confirmed first) and from the
// command line, checked in the rows that remain.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/commands.js';
import type { Comment } from '../src/comments/comments-repository.js';
import { makePost, makeTestApp, makeUser, type TestContext, seedComment, loginAs, postForm, pageToken } from './helpers/index.js';

let t: TestContext;
let ids: { first: number; bobReply: number; held: number; adaReply: number; carol: number };

beforeEach(async () => {
  t = makeTestApp();
  const alice = await makeUser(t.repos, 'admin', 'alice');
  await makeUser(t.repos, 'author', 'arthur');
  makePost(t, alice, { slug: 'talk', title: 'Talk' });
  const postId = t.repos.posts.findPublicBySlug('talk')!.id;
  const ada = { author_name: 'Ada Lovelace', author_email: 'ada@example.com', author_url: 'https://ada.example', ip_hash: 'iphash-ada', user_agent: 'AdaBrowser/1.0' };
  const first = seedComment(t.repos, postId, { ...ada, body_md: 'Ada wrote this first.' });
  const bobReply = seedComment(t.repos, postId, { parent_id: first, author_name: 'Bob', author_email: 'bob@example.com', body_md: 'Bob answers Ada.' });
  const held = seedComment(t.repos, postId, { ...ada, author_email: 'ADA@Example.COM', status: 'pending', held_reason: 'First comment', body_md: 'A held one.' });
  const adaReply = seedComment(t.repos, postId, { ...ada, parent_id: bobReply, body_md: 'Ada again.' });
  const carol = seedComment(t.repos, postId, { author_name: 'Carol', author_email: 'carol@example.com', body_md: 'Carol stays.' });
  ids = { first, bobReply, held, adaReply, carol };
  t.repos.reports.add(first, 'reader-key-0123456789', 'address-hash-of-a-reader', 'Ada is rude');
  t.repos.audit.record({ userId: alice.id, action: 'comment.approve', subject: `comment:${first}`, detail: 'on post:1 by Ada Lovelace' });
});
afterEach(() => t.close());

const row = (id: number) => t.db.prepare('SELECT * FROM comments WHERE id = ?').get(id) as Comment | undefined;

/** Every row of every table, as text: where a trace of Ada would show. */
function everything(): string {
  const tables = t.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'posts_fts%'").pluck().all() as string[];
  return tables.map((name) => JSON.stringify(t.db.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
}

function expectAdaErased() {
  // Her leaf comments are gone; the one Bob answered is an empty placeholder.
  expect(row(ids.adaReply)).toBeUndefined();
  expect(row(ids.held)).toBeUndefined();
  expect(row(ids.first)).toMatchObject({
    status: 'trash', user_id: null, author_name: '', author_email: '', email_key: '', author_url: '',
    body_md: '', body_html: '', ip_hash: '', user_agent: '', parent_id: null,
  });
  expect(row(ids.bobReply)).toMatchObject({ parent_id: ids.first, author_name: 'Bob', body_md: 'Bob answers Ada.' });
  expect(row(ids.carol)).toMatchObject({ author_name: 'Carol' });
  expect(t.repos.reports.summaryFor([ids.first]).size).toBe(0);
  const all = everything().toLowerCase();
  for (const trace of ['ada@example.com', 'ada lovelace', 'ada.example', 'iphash-ada', 'adabrowser', 'ada wrote', 'ada is rude']) {
    expect(all, trace).not.toContain(trace);
  }
  const audit = t.db.prepare("SELECT user_id, subject, detail FROM audit_log WHERE action = 'commenter.erase'").all();
  expect(audit).toHaveLength(1);
  expect(audit[0]).toMatchObject({ detail: '3 comments erased, 1 kept as placeholders for replies' });
}

describe('erasing a commenter from the desk', () => {
  it('asks first, then erases everything under the email (any case), keeping the thread’s shape', async () => {
    const agent = await loginAs(t, 'alice');
    const queue = await agent.get('/admin/comments');
    expect(queue.text).toContain('Erase a commenter');
    expect(queue.text).toContain('action="/admin/comments/erase"');

    const ask = await postForm(agent, '/admin/comments/erase', { email: '  Ada@EXAMPLE.com ' });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain('Erase 3 comments?');
    expect(ask.text).toContain('name="confirm" value="1"');
    expect(row(ids.first)?.author_email).toBe('ada@example.com');

    const done = await postForm(agent, '/admin/comments/erase', { email: 'Ada@EXAMPLE.com', confirm: '1' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/admin/comments');
    const after = await agent.get('/admin/comments');
    expect(after.text).toContain('Erased 3 comments stored under that address');
    expectAdaErased();
    expect(t.db.prepare("SELECT user_id FROM audit_log WHERE action = 'commenter.erase'").pluck().get()).toBe(t.repos.users.findByUsername('alice')!.id);

    // The public thread: a removed comment holding Bob's reply, nothing of Ada's.
    const page = await request(t.app).get('/posts/talk');
    expect(page.text).toContain(`<li id="comment-${ids.first}" class="comment comment-removed depth-1">`);
    expect(page.text).toContain('Bob answers Ada.');
    expect(page.text).not.toContain('Ada wrote this first.');
    expect(page.text).not.toContain('Ada Lovelace');
  });

  it('says so when nothing is stored, and refuses what is not an email address with 422', async () => {
    const agent = await loginAs(t, 'alice');
    const none = await postForm(agent, '/admin/comments/erase', { email: 'nobody@example.com' });
    expect(none.status).toBe(200);
    expect(none.text).toContain('Nothing stored under that address');
    const bad = await postForm(agent, '/admin/comments/erase', { email: 'not an address', confirm: '1' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="email-error"');
    expect(bad.text).toContain('aria-invalid="true"');
    expect(bad.text).toContain('value="not an address"');
    // An empty address would match rows already wiped: never erased.
    expect((await postForm(agent, '/admin/comments/erase', { email: '', confirm: '1' })).status).toBe(422);
    expect(row(ids.first)?.author_name).toBe('Ada Lovelace');
  });

  it('is for administrators only, with a valid token, and asks a logged-out person to log in', async () => {
    const author = await loginAs(t, 'arthur');
    expect((await postForm(author, '/admin/comments/erase', { email: 'ada@example.com', confirm: '1' })).status).toBe(403);
    expect((await author.get('/admin/comments')).text).not.toContain('Erase a commenter');
    const admin = await loginAs(t, 'alice');
    await pageToken(admin, '/admin');
    expect((await admin.post('/admin/comments/erase').type('form').send({ email: 'ada@example.com', confirm: '1', _csrf: 'forged' })).status).toBe(403);
    const anonymous = await request(t.app).post('/admin/comments/erase').type('form').send({ email: 'ada@example.com', confirm: '1' });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.location).toMatch(/^\/admin\/login\?next=/);
    expect(row(ids.first)?.author_name).toBe('Ada Lovelace');
    expect(row(ids.adaReply)).toBeDefined();
  });
});

describe('colloquy erase-commenter', () => {
  async function colloquy(args: string[]) {
    const lines: string[] = [];
    const errors: string[] = [];
    const code = await runCli(args, {
      env: { DATABASE_PATH: t.config.databasePath }, out: (l) => lines.push(l), err: (l) => errors.push(l), write: () => {}, readPassword: async () => '',
    });
    return { code, stdout: lines.join('\n'), stderr: errors.join('\n') };
  }

  it('counts with --dry-run, then erases the same way as the desk', async () => {
    expect(await colloquy(['erase-commenter', 'ADA@example.com', '--dry-run'])).toMatchObject({
      code: 0, stdout: '3 comments would be erased. Run again without --dry-run to erase them.',
    });
    expect(row(ids.adaReply)).toBeDefined();
    const res = await colloquy(['erase-commenter', 'ADA@example.com']);
    expect(res).toMatchObject({ code: 0 });
    expect(res.stdout).toBe('Erased 3 comments stored under that address (1 kept as an empty “removed” placeholder because others replied).');
    expectAdaErased();
    expect(t.db.prepare("SELECT user_id FROM audit_log WHERE action = 'commenter.erase'").pluck().get()).toBeNull();
    expect((await colloquy(['erase-commenter', 'ada@example.com'])).stdout).toBe('Nothing was stored under that address.');
  });

  it('explains itself and refuses what is not an email address', async () => {
    expect((await colloquy(['erase-commenter', '--help'])).stdout).toMatch(/^Usage: colloquy erase-commenter EMAIL \[--dry-run\]/);
    expect(await colloquy(['erase-commenter', 'nobody'])).toMatchObject({ code: 2, stderr: '"nobody" is not an email address.' });
    expect((await colloquy(['erase-commenter'])).code).toBe(2);
    expect(row(ids.first)?.author_name).toBe('Ada Lovelace');
  });
});

describe('erasing a commenter who follows by email', () => {
  it('removes their subscriptions and every message to them, waiting or not, and leaves other readers’ alone', async () => {
    const postId = t.repos.posts.findPublicBySlug('talk')!.id;
    // Ada asks for both kinds and confirms; Carol asks and has not confirmed yet.
    t.services.subscriptions.request({ email: 'Ada@Example.com', postId, blog: true });
    t.repos.subscriptions.confirmAddress('ada@example.com', new Date(t.clock() + 1000).toISOString());
    t.services.subscriptions.request({ email: 'carol@example.com', postId, blog: true });
    // A new comment by Bob waits in the outbox for Ada.
    const bobAgain = seedComment(t.repos, postId, { author_name: 'Bob', author_email: 'bob@example.com', body_md: 'Bob once more.' });
    t.services.notifications.commentApproved(bobAgain);
    const toAda = "SELECT kind, status FROM outbox WHERE recipient = 'ada@example.com' COLLATE NOCASE ORDER BY id";
    expect(t.db.prepare(toAda).all()).toEqual([{ kind: 'confirm', status: 'pending' }, { kind: 'comments', status: 'pending' }]);
    expect(t.repos.subscriptions.forAddress('ada@example.com').map((s) => s.status)).toEqual(['confirmed', 'confirmed']);

    const result = t.services.erasure.eraseCommenter('ADA@example.com', null);

    expect(result).toEqual({ comments: 3, placeholders: 1, subscriptions: 2 });
    expect(t.repos.subscriptions.forAddress('ada@example.com')).toEqual([]);
    expect(t.db.prepare(toAda).all()).toEqual([]);
    expect(everything().toLowerCase()).not.toContain('ada@example.com');
    expect(t.repos.subscriptions.forAddress('carol@example.com')).toHaveLength(2);
    expect(t.db.prepare("SELECT count(*) FROM outbox WHERE recipient = 'carol@example.com'").pluck().get()).toBe(1);
    expect(t.db.prepare("SELECT detail FROM audit_log WHERE action = 'commenter.erase'").pluck().get())
      .toBe('3 comments erased, 1 kept as placeholders for replies, 2 email subscriptions removed');
  });

  it('the command line says what went, subscriptions too', async () => {
    t.services.subscriptions.request({ email: 'ada@example.com', blog: true });
    const lines: string[] = [];
    const code = await runCli(['erase-commenter', 'ada@example.com'], {
      env: { DATABASE_PATH: t.config.databasePath }, out: (l) => lines.push(l), err: () => {}, write: () => {}, readPassword: async () => '',
    });
    expect(code).toBe(0);
    expect(lines.join('\n')).toBe('Erased 3 comments stored under that address (1 kept as an empty “removed” placeholder because others replied), and 1 email subscription.');
    expect(t.repos.subscriptions.forAddress('ada@example.com')).toEqual([]);
    expect(t.db.prepare("SELECT count(*) FROM outbox WHERE recipient = 'ada@example.com'").pluck().get()).toBe(0);
  });
});
