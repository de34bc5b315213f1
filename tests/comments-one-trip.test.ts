// Readers without JavaScript: the one more click a form needs without a valid token
// also checks the fields, says why without blame and names what it is about. Readers
// with it: likes and reports answered as JSON for the page script, in place.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inputValue, makePost, makeTestApp, makeUser, scriptToken, seedComment, textareaValue, type TestContext } from './helpers/index.js';
import { ONE_MORE_CLICK } from '../src/wording.js';

let t: TestContext;
beforeEach(async () => {
  t = makeTestApp();
  makePost(t, await makeUser(t.repos), { title: 'Hello', body_md: 'A long walk by the *river*, with the dog.' });
});
afterEach(() => t.close());

const typed = { author: 'Nora', email: 'nora@example.com', comment: 'Lovely walk.' };
const commentCount = () => t.db.prepare('SELECT count(*) FROM comments').pluck().get();

describe('a comment without a valid token', () => {
  it('marks a bad website address on the first round-trip, keeps every typed value, and the second submit posts it', async () => {
    const agent = request.agent(t.app);
    const first = await agent.post('/posts/hello/comments').type('form').send({ ...typed, url: 'not a web address' });
    expect(first.status).toBe(403);
    expect(first.text).toContain(`<h1>${ONE_MORE_CLICK.comment.title}</h1>`);
    expect(first.text).toContain(ONE_MORE_CLICK.comment.fix);
    expect(first.text).toContain('<p class="field-error" id="url-error">The website must be an http or https address, like example.com.</p>');
    expect(first.text).toMatch(/<input id="url" name="url"[^>]* aria-invalid="true" aria-describedby="url-error">/);
    expect(inputValue(first.text, 'url')).toBe('not a web address');
    expect(inputValue(first.text, 'author')).toBe('Nora');
    expect(textareaValue(first.text)).toBe('Lovely walk.');
    expect(commentCount()).toBe(0);

    // Fixed in the same form, with the token it carries: posted.
    const token = inputValue(first.text, '_csrf')!;
    expect(token).not.toBe('');
    const second = await agent.post('/posts/hello/comments').type('form').send({ ...typed, url: 'nora.example', _csrf: token });
    expect(second.status).toBe(303);
    expect(second.headers.location).toMatch(/^\/posts\/hello\?unapproved=\d+#comment-\d+$/);
    expect(t.db.prepare('SELECT author_url FROM comments').pluck().get()).toBe('https://nora.example/');
  });

  it('with nothing to fix, says so without blame and asks only for the click', async () => {
    const res = await request(t.app).post('/posts/hello/comments').type('form').send(typed);
    expect(res.status).toBe(403);
    expect(res.text).toContain(ONE_MORE_CLICK.comment.ready);
    expect(res.text).toContain('To protect this form we need one more click from you.');
    expect(res.text).not.toContain('class="field-error"');
    expect(res.text).not.toMatch(/expired|your fault|not posted/i);
  });

  it('marks every field at once: name, email and comment', async () => {
    const res = await request(t.app).post('/posts/hello/comments').type('form').send({ author: '', email: 'nope', comment: '' });
    expect(res.status).toBe(403);
    for (const field of ['author', 'email', 'comment']) expect(res.text).toContain(`id="${field}-error"`);
    expect(inputValue(res.text, 'email')).toBe('nope');
  });
});

describe('one more click for a like or a report names what it is about', () => {
  it('a like: the post\'s title and the start of its text', async () => {
    const res = await request(t.app).post('/posts/hello/like').type('form').send({});
    expect(res.status).toBe(403);
    expect(res.text).toContain('<h1>One more click to like “Hello”</h1>');
    expect(res.text).toContain('To protect this form we need one more click from you.');
    expect(res.text).toContain('<figcaption>The post: <a href="/posts/hello">Hello</a></figcaption>');
    expect(res.text).toContain('A long walk by the river, with the dog.');
  });

  it('a report: the commenter\'s name, the post and a short excerpt of the comment', async () => {
    const postId = t.db.prepare("SELECT id FROM posts WHERE slug = 'hello'").pluck().get() as number;
    const long = `${'word '.repeat(40)}end`;
    const id = seedComment(t.repos, postId, { author_name: 'Zed', body_md: `**Loud** ${long}` });
    const res = await request(t.app).post(`/comments/${id}/report`).type('form').send({ reason: 'rude' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('<h1>One more click to report Zed’s comment</h1>');
    expect(res.text).toContain(`Zed’s comment on <a href="/posts/hello#comment-${id}">Hello</a>`);
    expect(res.text).toContain(`<blockquote><p>Loud ${'word '.repeat(28)}word…</p></blockquote>`);
    expect(inputValue(res.text, 'reason')).toBe('rude');
  });
});

describe('likes and reports in place, for the page script', () => {
  it('a like answers JSON with the new count, once per browser, and the shared page shows it at once', async () => {
    // An anonymous reader's page, kept by the render cache.
    expect((await request(t.app).get('/posts/hello')).text).toContain('Be the first to like this');
    expect((await request(t.app).get('/posts/hello')).text).toContain('Be the first to like this');
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const res = await agent.post('/posts/hello/like').set('Accept', 'application/json').type('form').send({ _csrf: token });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ ok: true, liked: true, likes: '1 blogger likes this' });
    const again = await agent.post('/posts/hello/like').set('Accept', 'application/json').type('form').send({ _csrf: token });
    expect(again.body).toEqual({ ok: true, liked: true, likes: '1 blogger likes this' });
    expect((await request(t.app).get('/posts/hello')).text).toContain('1 blogger likes this');
    // A browser's own form submission still gets the page back at #likes.
    const plain = await request.agent(t.app);
    const plainToken = await scriptToken(plain);
    const redirect = await plain.post('/posts/hello/like').type('form').send({ _csrf: plainToken });
    expect([redirect.status, redirect.headers.location]).toEqual([303, '/posts/hello#likes']);
  });

  it('a report answers JSON thanks, saying nothing of whether it hid the comment', async () => {
    t.repos.settings.save({ report_hide_threshold: 1 });
    const postId = t.db.prepare("SELECT id FROM posts WHERE slug = 'hello'").pluck().get() as number;
    const id = seedComment(t.repos, postId);
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const res = await agent.post(`/comments/${id}/report`).set('Accept', 'application/json').type('form').send({ _csrf: token, reason: 'spam' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, message: 'Thank you for your report. A moderator will look at the comment.' });
    expect(t.repos.comments.findById(id)!.status).toBe('pending');
  });

  it('a stale token or a limit answers JSON too: the script sends the form itself, or shows the message', async () => {
    const stale = await request(t.app).post('/posts/hello/like').set('Accept', 'application/json').type('form').send({});
    expect(stale.status).toBe(403);
    expect(stale.body).toEqual({ ok: false, retry: 'form', message: ONE_MORE_CLICK.like('Hello').message });
    t.repos.settings.save({ likes_per_address: 1 });
    const first = request.agent(t.app);
    const firstToken = await scriptToken(first);
    expect((await first.post('/posts/hello/like').set('Accept', 'application/json').type('form').send({ _csrf: firstToken })).status).toBe(200);
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const capped = await agent.post('/posts/hello/like').set('Accept', 'application/json').type('form').send({ _csrf: token });
    expect(capped.status).toBe(403);
    expect(capped.body).toMatchObject({ ok: false, likes: '1 blogger likes this' });
    expect(capped.body.message).toContain('the most one network can give a post');
    expect(capped.body.retry).toBeUndefined();
  });

  it('too many reports from one network: a JSON message to show, with Retry-After, not a form to send again', async () => {
    const postId = t.db.prepare("SELECT id FROM posts WHERE slug = 'hello'").pluck().get() as number;
    const ids = Array.from({ length: 11 }, (_, i) => seedComment(t.repos, postId, { body_md: `c${i}` }));
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const answers = [];
    for (const id of ids) answers.push(await agent.post(`/comments/${id}/report`).set('Accept', 'application/json').type('form').send({ _csrf: token }));
    expect(answers.slice(0, 10).every((a) => a.status === 200)).toBe(true);
    const refused = answers[10]!;
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    expect(refused.body).toMatchObject({ ok: false });
    expect(refused.body.message).toContain('Too many reports have come from your network');
    expect(refused.body.retry).toBeUndefined();
  });
});
