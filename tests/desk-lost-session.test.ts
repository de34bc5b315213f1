// No lost work: a save that meets an ended session is answered with the log-in form on
// the same page, holding the whole typed post, and logging in there saves it.
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { IDLE_LIMIT_MS } from '../src/users/signed-in.js';
import { loginAs, makePost, makeTestApp, makeTestClock, makeUser, pageToken, PASSWORD, postForm, type Agent, type TestContext } from './helpers/index.js';

let t: TestContext;
afterEach(() => t.close());

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&#34;': '"', '&#39;': "'" };

/** The hidden fields of the page's log-in form, as a browser would send them. */
function hiddenFields(html: string): Record<string, string> {
  const form = /<form method="post" action="\/admin\/login[^"]*"[\s\S]*?<\/form>/.exec(html)?.[0] ?? '';
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields[m[1]!] = m[2]!.replace(/&(?:amp|lt|gt|#34|#39);/g, (e) => ENTITIES[e]!);
  }
  return fields;
}

const typed = {
  title: 'Three hours of work',
  slug: '',
  body: 'Line one\n\nLine "two" & <three> — ünïcode ✓',
  excerpt: 'Short & sweet',
  tags: 'Garden, Rain',
  status: 'published',
  published_at: '',
  comments_open: '1',
  kind: 'post',
};

/** Logs out "in another tab": the browser's one cookie now holds no log-in. */
async function logOutElsewhere(agent: Agent) {
  expect((await postForm(agent, '/admin/logout', {})).status).toBe(303);
}

/** Alice edits post `id`, logs out in another tab, saves `fields`, and logs in as `username` on the page that answers. */
async function saveAfterLogOut(id: number, fields: Record<string, string>, username: string) {
  const agent = await loginAs(t, 'alice');
  const token = await pageToken(agent, `/admin/posts/${id}/edit`);
  await logOutElsewhere(agent);
  const res = await agent.post(`/admin/posts/${id}`).type('form').send({ ...fields, _csrf: token });
  const answer = await agent.post('/admin/login').type('form').send({ ...hiddenFields(res.text), username, password: PASSWORD });
  return Object.assign(answer, { agent });
}

// Each test logs in two or three times through scrypt: slow on a busy machine, not a timed test.
describe('a save after the session ended', { timeout: 30_000 }, () => {
  it('answers with the log-in form holding the whole post, and logging in saves it', async () => {
    t = makeTestApp();
    const alice = await makeUser(t.repos, 'author', 'alice');
    const id = makePost(t, alice, { title: 'Before', body_md: 'Old text.' });
    const agent = await loginAs(t, 'alice');
    const token = await pageToken(agent, `/admin/posts/${id}/edit`);
    await logOutElsewhere(agent);

    const res = await agent.post(`/admin/posts/${id}`).type('form').send({ ...typed, _csrf: token });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Your log-in had ended, so your post is not saved yet');
    expect(res.text).toContain('Kept on this page: <strong>Three hours of work</strong>');
    expect(res.headers['cache-control']).toBe('no-store');
    const fields = hiddenFields(res.text);
    expect(fields).toMatchObject({ ...typed, resume: `/admin/posts/${id}` });
    expect(fields._csrf).not.toBe(token);
    // Nothing is saved before the log-in.
    expect(t.repos.posts.findById(id)!.body_md).toBe('Old text.');

    // A wrong password keeps the post on the page too.
    const wrong = await agent.post('/admin/login').type('form').send({ ...fields, username: 'alice', password: 'wrong' });
    expect(wrong.status).toBe(401);
    expect(hiddenFields(wrong.text)).toMatchObject(typed);

    const saved = await agent.post('/admin/login').type('form').send({ ...hiddenFields(wrong.text), username: 'alice', password: PASSWORD });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(`/admin/posts/${id}/edit`);
    const stored = t.repos.posts.findById(id)!;
    expect(stored).toMatchObject({ title: typed.title, body_md: typed.body, excerpt: typed.excerpt, status: 'published', comments_open: 1 });
    const page = await agent.get(`/admin/posts/${id}/edit`);
    expect(page.text).toContain('You are logged in again. Post published.');
    const audit = t.db.prepare("SELECT action FROM audit_log WHERE subject = ? OR action = 'user.login' ORDER BY id").pluck().all(`post:${id}`);
    expect(audit.slice(-2)).toEqual(['user.login', 'post.update']);
  });

  it('keeps a new post through an idle log-out and creates it, with its autosaved copies', async () => {
    const clock = makeTestClock();
    t = makeTestApp({}, { clock });
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const editor = await agent.get('/admin/posts/new');
    const token = /name="_csrf" value="([^"]+)"/.exec(editor.text)![1]!;
    const draftKey = /name="draft_key" value="([^"]+)"/.exec(editor.text)![1]!;
    const autosaved = await agent.post('/admin/posts/new/autosave').type('form').set('X-CSRF-Token', token).send({ ...typed, draft_key: draftKey, status: 'draft' });
    expect(autosaved.status).toBe(200);

    clock.advance(IDLE_LIMIT_MS + 1000);
    const res = await agent.post('/admin/posts').type('form').send({ ...typed, draft_key: draftKey, _csrf: token });
    expect(res.status).toBe(401);
    expect(t.db.prepare('SELECT count(*) FROM posts').pluck().get()).toBe(0);
    const saved = await agent.post('/admin/login').type('form').send({ ...hiddenFields(res.text), username: 'alice', password: PASSWORD });
    expect(saved.status).toBe(303);
    const id = Number(/^\/admin\/posts\/(\d+)\/edit$/.exec(saved.headers.location ?? '')![1]);
    expect(t.repos.posts.findById(id)).toMatchObject({ title: typed.title, body_md: typed.body });
    // The copies typed before it was saved are the post's now, not an unsaved new post's.
    expect(t.repos.revisions.list({ postId: id })).toHaveLength(1);
    expect(t.repos.revisions.latestUnsaved(t.repos.users.findByUsername('alice')!.id)).toBeUndefined();
    expect((await request(t.app).get('/posts/three-hours-of-work')).status).toBe(200);
  });

  it('a log-in as someone who may not change the post gives the text back in the editor, saving nothing', async () => {
    t = makeTestApp();
    const alice = await makeUser(t.repos, 'author', 'alice');
    await makeUser(t.repos, 'author', 'bob');
    const id = makePost(t, alice, { title: 'Alice’s', body_md: 'Hers.' });
    const answer = await saveAfterLogOut(id, typed, 'bob');
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('not one you may change');
    expect(answer.text).toContain('value="Three hours of work"');
    expect(answer.text).toContain('Line &#34;two&#34; &amp; &lt;three&gt;');
    expect(t.repos.posts.findById(id)!.body_md).toBe('Hers.');
  });

  it('invalid input after the log-in is the editor with errors and every field kept', async () => {
    t = makeTestApp();
    const alice = await makeUser(t.repos, 'author', 'alice');
    const id = makePost(t, alice, { title: 'Before' });
    const answer = await saveAfterLogOut(id, { ...typed, title: '' }, 'alice');
    expect(answer.status).toBe(422);
    expect(answer.text).toContain('You are logged in again.');
    expect(answer.text).toContain('Give it a title.');
    expect(answer.text).toContain('Line &#34;two&#34;');
    expect(t.repos.posts.findById(id)!.title).toBe('Before');
    // The editor shown holds a token of the new session: fixing the title saves at once.
    const token = /name="_csrf" value="([^"]+)"/.exec(answer.text)![1]!;
    const fixed = await answer.agent.post(`/admin/posts/${id}`).type('form').send({ ...typed, title: 'Fixed', _csrf: token });
    expect(fixed.status).toBe(303);
    expect(t.repos.posts.findById(id)!.title).toBe('Fixed');
  });

  it('an ordinary log-in and a POST that is not a save still go as before', async () => {
    t = makeTestApp();
    await makeUser(t.repos, 'author', 'alice');
    const res = await request(t.app).post('/admin/posts/1/delete').type('form').send({ title: 'x' });
    expect(res.status).toBe(302);
    // A resume field naming anything but a save is ignored.
    const agent = request.agent(t.app);
    const loginToken = await pageToken(agent, '/admin/login');
    const login = await agent.post('/admin/login').type('form').send({ username: 'alice', password: PASSWORD, resume: '/admin/settings', title: 'x', _csrf: loginToken });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/admin');
  });
});
