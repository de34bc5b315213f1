import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makePost, makeTestApp, makeUser, type TestContext, inputValue, seedComment, signedInCookie, textareaValue, scriptToken } from './helpers/index.js';
import type { User } from '../src/users/users-repository.js';

let t: TestContext;
let author: User;
let postId: number;

beforeEach(async () => {
  t = makeTestApp();
  author = await makeUser(t.repos);
  postId = makePost(t, author, { title: 'Hello' });
});
afterEach(() => t.close());

const typed = { author: 'Ann Reader', email: 'Ann@Example.com', url: 'ann.example', comment: 'A *first* thought, 100% %d <%= x %>.' };
const allComments = () => t.db.prepare('SELECT * FROM comments ORDER BY id').all() as { id: number; status: string; held_reason: string; parent_id: number | null; author_url: string; email_key: string }[];
const sessionCount = () => t.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number };

async function post(agent = request.agent(t.app), fields: Record<string, unknown> = typed, slug = 'hello') {
  const token = await scriptToken(agent);
  const res = await agent.post(`/posts/${slug}/comments`).type('form').send({ _csrf: token, ...fields });
  return { agent, res };
}

describe('reading costs nothing', () => {
  it('sets no cookie and writes nothing for a reader without a session', async () => {
    seedComment(t.repos, postId);
    const changes = () => (t.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    const before = { sessions: sessionCount().n, changes: changes() };
    for (const path of ['/', '/posts/hello', '/posts/hello?replyto=1', '/posts/hello/feed', '/comments/feed']) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['set-cookie'], path).toBeUndefined();
    }
    expect(sessionCount().n).toBe(before.sessions);
    expect(changes()).toBe(before.changes);
    const page = await request(t.app).get('/posts/hello');
    expect(inputValue(page.text, '_csrf', page.text.indexOf('id="commentform"'))).toBe('');
  });

  it('hands out a token, and so a session, only when asked', async () => {
    const agent = request.agent(t.app);
    const res = await agent.get('/comments/token');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.token).toMatch(/\S{20,}/);
    expect(String(res.headers['set-cookie'])).toMatch(/colloquy\.sid=.*HttpOnly.*SameSite=Lax/);
    expect(sessionCount().n).toBe(1);
    // The page now carries a token in both forms, for that reader only.
    const page = await agent.get('/posts/hello');
    expect(inputValue(page.text, '_csrf', page.text.indexOf('id="commentform"'))).not.toBe('');
    expect(inputValue(page.text, '_csrf', page.text.indexOf('class="like-form"'))).not.toBe('');
  });
});

describe('the token endpoint', () => {
  it('limits new sessions per address, so a script cannot fill the sessions table', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 60; i++) statuses.add((await request(t.app).get('/comments/token')).status);
    expect([...statuses]).toEqual([200]);
    const refused = await request(t.app).get('/comments/token');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect(sessionCount().n).toBe(60);
  });
});

describe('posting a comment', () => {
  it('answers a first submission without a session with 403 and the whole form kept, and one more click posts it', async () => {
    const agent = request.agent(t.app);
    const first = await agent.post('/posts/hello/comments').type('form').send({ ...typed, comment_parent: '0', remember: '1' });
    expect(first.status).toBe(403);
    expect(first.text).toContain('<form id="commentform"');
    expect(inputValue(first.text, 'author')).toBe('Ann Reader');
    expect(inputValue(first.text, 'email')).toBe('Ann@Example.com');
    expect(inputValue(first.text, 'url')).toBe('ann.example');
    expect(textareaValue(first.text)).toBe('A *first* thought, 100% %d &lt;%= x %&gt;.');
    expect(first.text).toMatch(/id="remember"[^>]*checked/);
    expect(allComments()).toHaveLength(0);
    const token = inputValue(first.text, '_csrf')!;
    expect(token).not.toBe('');
    const second = await agent.post('/posts/hello/comments').type('form').send({ ...typed, _csrf: token });
    expect(second.status).toBe(303);
    expect(allComments()).toHaveLength(1);
  });

  it('answers 403 for a stale token, keeping the text', async () => {
    const agent = request.agent(t.app);
    await scriptToken(agent);
    const res = await agent.post('/posts/hello/comments').type('form').send({ ...typed, _csrf: 'forged-token' });
    expect(res.status).toBe(403);
    expect(textareaValue(res.text)).toContain('A *first* thought');
    expect(allComments()).toHaveLength(0);
  });

  it('holds a first-time commenter and shows the comment to its author only', async () => {
    const { agent, res } = await post();
    const [stored] = allComments();
    expect(stored).toMatchObject({ status: 'pending', held_reason: 'First comment from this name and email address', author_url: 'https://ann.example/', email_key: 'ann@example.com' });
    expect(res.headers.location).toBe(`/posts/hello?unapproved=${stored!.id}#comment-${stored!.id}`);
    const own = await agent.get(res.headers.location!);
    expect(own.text).toContain(`<li id="comment-${stored!.id}" class="comment depth-1 comment-pending">`);
    expect(own.text).toContain('Your comment is awaiting moderation');
    expect(own.text).toContain('<h2 id="comments" class="comments-title">No Responses</h2>');
    const stranger = await request(t.app).get(res.headers.location!);
    expect(stranger.text).not.toContain(`comment-${stored!.id}"`);
    expect(stranger.text).not.toContain('awaiting moderation');
  });

  it('approves a commenter whose name and email already have an approved comment, both case-folded', async () => {
    seedComment(t.repos, postId, { author_name: ' ANN reader ', author_email: 'ann@example.COM' });
    const { agent, res } = await post();
    const stored = allComments().at(-1)!;
    expect(stored.status).toBe('approved');
    expect(res.headers.location).toBe(`/posts/hello#comment-${stored.id}`);
    const page = await agent.get('/posts/hello');
    expect(page.text).toContain('<h2 id="comments" class="comments-title">2 Responses</h2>');
    expect(page.text).toContain('<em>first</em> thought, 100% %d &lt;%= x %&gt;.');
    expect(page.text).toContain('<a class="url fn" href="https://ann.example/" rel="external nofollow ugc noopener">Ann Reader</a>');
    expect(page.text).not.toMatch(/ann@example\.com/i);
  });

  it('holds a comment that borrows an approved email under another name, as WordPress does', async () => {
    seedComment(t.repos, postId, { author_name: 'Ann Reader', author_email: 'ann@example.com' });
    seedComment(t.repos, postId, { author_name: 'Mallory', author_email: 'mallory@example.com', status: 'pending' });
    for (const author of ['Mallory', 'Ann Reader2']) {
      await post(undefined, { ...typed, author, comment: `Hello from ${author}` });
      expect(allComments().at(-1), author).toMatchObject({ status: 'pending', held_reason: 'First comment from this name and email address' });
    }
    // A name approved only under another email, or only held, earns nothing either.
    await post(undefined, { ...typed, author: 'Mallory', email: 'mallory@example.com', comment: 'Me again' });
    expect(allComments().at(-1)!.status).toBe('pending');
  });

  it('shows a held comment to its author with a neutral avatar, so it cannot confirm a guessed email', async () => {
    seedComment(t.repos, postId, { author_name: 'Ann Reader', author_email: 'ann@example.com' });
    const { agent, res } = await post(undefined, { ...typed, author: 'Mallory', email: 'ANN@example.com', comment: 'Is this Ann?' });
    const held = allComments().at(-1)!;
    expect(held.status).toBe('pending');
    const page = await agent.get(res.headers.location!);
    const avatars = [...page.text.matchAll(/<li id="comment-(\d+)"[\s\S]*?<img class="avatar" src="([^"]+)"/g)].map((m) => [Number(m[1]), m[2]]);
    expect(avatars).toHaveLength(2);
    const [approved, own] = avatars;
    expect(own).toEqual([held.id, '/static/avatar-neutral.svg']);
    expect(approved![1]).toMatch(/^\/comments\/avatars\/[0-9a-f]{24}\.svg$/);
    const neutral = await request(t.app).get('/static/avatar-neutral.svg');
    expect(neutral.status).toBe(200);
    expect(neutral.headers['content-type']).toMatch(/^image\/svg\+xml/);
    // Once approved, it shows the identicon every comment with that email shares.
    t.repos.comments.setStatus(held.id, 'approved');
    const after = await request(t.app).get('/posts/hello');
    expect(after.text).toContain(`<img class="avatar" src="${approved![1]}"`);
    expect(after.text.split(`<img class="avatar" src="${approved![1]}"`)).toHaveLength(3);
    expect(after.text).not.toContain('avatar-neutral');
  });

  it('answers 422 with each error beside its field, every value kept, nothing stored', async () => {
    const { res } = await post(undefined, { author: '  ', email: 'not-an-email', url: 'javascript:alert(1)', comment: 'Still here' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="form-errors"');
    for (const field of ['author', 'email', 'url']) {
      expect(res.text).toMatch(new RegExp(`<input id="${field}"[^>]*aria-invalid="true" aria-describedby="${field}-error"`));
      expect(res.text).toContain(`id="${field}-error"`);
    }
    expect(inputValue(res.text, 'email')).toBe('not-an-email');
    expect(inputValue(res.text, 'url')).toBe('javascript:alert(1)');
    expect(textareaValue(res.text)).toBe('Still here');
    expect(allComments()).toHaveLength(0);
  });

  it('marks an empty comment on the textarea', async () => {
    const { res } = await post(undefined, { ...typed, comment: ' \n ' });
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/<textarea id="comment"[^>]*aria-describedby="comment-error comment-help"[^>]*aria-invalid="true"/);
  });

  it('answers 404 for unknown, draft and scheduled posts before looking at the token', async () => {
    makePost(t, author, { title: 'Draft', status: 'draft' });
    makePost(t, author, { title: 'Later', published_at: new Date(Date.now() + 3_600_000) });
    for (const slug of ['nope', 'draft', 'later']) {
      expect((await request(t.app).post(`/posts/${slug}/comments`).type('form').send(typed)).status, slug).toBe(404);
      expect((await post(undefined, typed, slug)).res.status, slug).toBe(404);
      expect((await request(t.app).post(`/posts/${slug}/like`)).status, slug).toBe(404);
      expect((await request(t.app).get(`/posts/${slug}/feed`)).status, slug).toBe(404);
    }
    expect(allComments()).toHaveLength(0);
  });

  it('checks the token before the input', async () => {
    const res = await request(t.app).post('/posts/hello/comments').type('form').send({ author: '', comment: '' });
    expect(res.status).toBe(403);
  });

  it('answers 403 on a closed post, showing the typed text', async () => {
    makePost(t, author, { title: 'Closed', comments_open: false });
    const { res } = await post(undefined, typed, 'closed');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Comments are closed');
    expect(res.text).toContain('A *first* thought');
    expect(allComments()).toHaveLength(0);
    const page = await request(t.app).get('/posts/closed');
    expect(page.text).not.toContain('id="commentform"');
    expect(page.text).not.toContain('comment-reply-link');
  });

  it('answers 409 to the same text from the same commenter on the same post', async () => {
    const { agent } = await post();
    const { res } = await post(agent, { ...typed, email: 'ANN@example.com' });
    expect(res.status).toBe(409);
    expect(res.text).toContain('You already said that');
    expect(textareaValue(res.text)).toContain('A *first* thought');
    expect(allComments()).toHaveLength(1);
  });

  it('answers 429 with Retry-After past the per-address rate, text kept', async () => {
    t.repos.settings.save({ comment_rate_per_minute: 2 });
    const agent = request.agent(t.app);
    expect((await post(agent, { ...typed, comment: 'one' })).res.status).toBe(303);
    expect((await post(agent, { ...typed, comment: 'two' })).res.status).toBe(303);
    const { res } = await post(agent, { ...typed, comment: 'three' });
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.text).toMatch(/try again in \d+ seconds?/);
    expect(textareaValue(res.text)).toBe('three');
    expect(allComments()).toHaveLength(2);
  });

  it('answers 422 to a comment sent too soon after the form, and takes it once the time has passed', async () => {
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const page = await agent.get('/posts/hello');
    const stamp = inputValue(page.text, 'comment_stamp')!;
    const quick = await agent.post('/posts/hello/comments').type('form').send({ ...typed, _csrf: token, comment_stamp: stamp });
    expect(quick.status).toBe(422);
    expect(quick.text).toContain('too quickly');
    expect(textareaValue(quick.text)).toContain('A *first* thought');
    expect(inputValue(quick.text, 'comment_stamp')).toBe(stamp);
    const forged = await agent.post('/posts/hello/comments').type('form').send({ ...typed, _csrf: token, comment_stamp: `${Date.now() - 60_000}.${'0'.repeat(32)}` });
    expect(forged.status).toBe(422);
    const earlier = t.ctx.keys.stamp(Date.now() - 3000);
    const later = await agent.post('/posts/hello/comments').type('form').send({ ...typed, _csrf: token, comment_stamp: earlier });
    expect(later.status).toBe(303);
  });

  it('stores a filled honeypot as spam with the reason and answers as if held', async () => {
    const { agent, res } = await post(undefined, { ...typed, website_confirm: 'http://spam.example' });
    const [stored] = allComments();
    expect(stored).toMatchObject({ status: 'spam', held_reason: 'Filled in the hidden honeypot field' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/posts/hello?unapproved=${stored!.id}#comment-${stored!.id}`);
    expect((await agent.get(res.headers.location!)).text).not.toContain(`comment-${stored!.id}"`);
  });

  it('holds for links, blocklisted words and personal data even with moderation off, and approves otherwise', async () => {
    t.repos.settings.save({ comment_moderation: 'none', moderation_blocklist: 'casino' });
    const agent = request.agent(t.app);
    await post(agent, { ...typed, comment: 'a https://a.example b https://b.example c https://c.example' });
    await post(agent, { ...typed, comment: 'Best CASINO in town' });
    await post(agent, { ...typed, comment: 'Call me on +44 20 7946 0958' });
    await post(agent, { ...typed, comment: 'My card is 4556 7375 8689 9855, mail me at jo@example.org' });
    await post(agent, { ...typed, comment: 'Just a kind word.' });
    expect(allComments().map((c) => [c.status, c.held_reason])).toEqual([
      ['pending', 'Has 3 links (more than 2)'],
      ['pending', 'Contains the blocklisted “casino”'],
      ['pending', 'Contains personal data: a phone number'],
      ['pending', 'Contains personal data: a payment card number and an email address'],
      ['approved', ''],
    ]);
  });

  it('answers an old slug with 308 for a comment or a like and 301 for its feed, storing nothing there', async () => {
    t.services.posts.update(postId, { kind: 'post', author_id: author.id, title: 'Hello', slug: 'renamed', body_md: 'x', excerpt: '', tags: [], status: 'published', published_at: new Date(Date.now() - 60_000), comments_open: true });
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const comment = await agent.post('/posts/hello/comments').type('form').send({ _csrf: token, ...typed });
    expect(comment.status).toBe(308);
    expect(comment.headers.location).toBe('/posts/renamed/comments');
    const like = await agent.post('/posts/hello/like').type('form').send({ _csrf: token });
    expect(like.status).toBe(308);
    expect(like.headers.location).toBe('/posts/renamed/like');
    expect(allComments()).toEqual([]);
    expect(t.repos.likes.countForPost(postId)).toBe(0);
    const feed = await request(t.app).get('/posts/hello/feed');
    expect(feed.status).toBe(301);
    expect(feed.headers.location).toBe('/posts/renamed/feed');
    // A browser repeats a 308 with the same body: the comment and the like then land.
    const resent = await agent.post(comment.headers.location!).type('form').send({ _csrf: token, ...typed });
    expect(resent.status).toBe(303);
    expect(allComments()).toHaveLength(1);
    expect((await agent.post(like.headers.location!).type('form').send({ _csrf: token })).headers.location).toBe('/posts/renamed#likes');
    expect(t.repos.likes.countForPost(postId)).toBe(1);
  });
});

describe('input a browser or bot can send', () => {
  it('never answers 500 and stores nothing on odd bodies', async () => {
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const bodies = [
      `author=a&author=b&email=x%40y.z&comment=hi&comment=there&_csrf=${token}&comment_parent=1&comment_parent=2`,
      `_csrf=${token}`,
      `_csrf=${token}&comment_parent=abc&author=A&email=a%40b.c&comment=x`,
      `_csrf=${token}&comment_parent=99999999999999999999999&author=A&email=a%40b.c&comment=x`,
      `_csrf=${token}&comment_parent=-1&author=A&email=a%40b.c&comment=x`,
      `_csrf=${token}&author=${'x'.repeat(5000)}&email=a%40b.c&comment=x`,
      `_csrf=${token}&author[a]=1&email=a%40b.c&comment=x`,
      `_csrf=${token}&author=A&email=a%40b.c&comment=x&url=http%3A%2F%2F%5B%3A%3A1`,
    ];
    for (const body of bodies) {
      const res = await agent.post('/posts/hello/comments').type('form').send(body);
      expect(res.status, body.slice(0, 60)).toBe(422);
    }
    const arrayToken = await agent.post('/posts/hello/comments').type('form').send(`_csrf=${token}&_csrf=${token}&author=A&email=a%40b.c&comment=x`);
    expect(arrayToken.status).toBeLessThan(500);
    expect(allComments().length).toBeLessThanOrEqual(1);
  });

  it('accepts 10,000 four-byte characters and refuses a body over 2 MB with 413', async () => {
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const long = await agent.post('/posts/hello/comments').type('form').send({ ...typed, comment: '𝄞'.repeat(10_000), _csrf: token });
    expect(long.status).toBe(303);
    const huge = await agent.post('/posts/hello/comments').type('form').send({ ...typed, comment: 'x'.repeat(2_200_000), _csrf: token });
    expect(huge.status).toBe(413);
    expect(allComments()).toHaveLength(1);
  });

  it('ignores a bad ?replyto and shows the normal form', async () => {
    const pending = seedComment(t.repos, postId, { status: 'pending' });
    for (const q of ['abc', '0', '-3', '999999', String(pending), '1e2', '']) {
      const res = await request(t.app).get(`/posts/hello?replyto=${q}`);
      expect(res.status, q).toBe(200);
      expect(inputValue(res.text, 'comment_parent'), q).toBe('0');
    }
    expect((await request(t.app).get('/posts/hello?replyto=1&replyto=2')).status).toBe(200);
  });
});

describe('replies', () => {
  it('renders the form under the comment for ?replyto=ID, aimed at it, with a cancel link', async () => {
    const id = seedComment(t.repos, postId, { author_name: 'Bea' });
    const res = await request(t.app).get(`/posts/hello?replyto=${id}`);
    const li = res.text.indexOf(`<li id="comment-${id}"`);
    const respond = res.text.indexOf('<section id="respond"');
    expect(li).toBeGreaterThan(-1);
    expect(respond).toBeGreaterThan(li);
    expect(res.text.slice(li, respond)).not.toContain('</li>');
    expect(res.text.match(/id="respond"/g)).toHaveLength(1);
    expect(res.text).toContain('Replying to Bea');
    expect(res.text).toContain('<a id="cancel-comment-reply-link" href="/posts/hello#respond">Cancel reply</a>');
    expect(inputValue(res.text, 'comment_parent')).toBe(String(id));
    expect(res.text).toContain(`<a class="comment-reply-link" href="/posts/hello?replyto=${id}#respond"`);
  });

  it('stores a reply under its parent and refuses a parent that is not an approved comment of this post', async () => {
    seedComment(t.repos, postId, { author_email: 'ann@example.com' });
    const parent = seedComment(t.repos, postId);
    const other = seedComment(t.repos, makePost(t, author, { title: 'Other' }));
    const pending = seedComment(t.repos, postId, { status: 'pending' });
    const agent = request.agent(t.app);
    const ok = await post(agent, { ...typed, comment_parent: String(parent) });
    expect(ok.res.status).toBe(303);
    expect(allComments().at(-1)!.parent_id).toBe(parent);
    for (const bad of [other, pending, 424242]) {
      const { res } = await post(agent, { ...typed, comment: `reply to ${bad}`, comment_parent: String(bad) });
      expect(res.status).toBe(422);
      expect(res.text).toContain('id="comment_parent-error"');
      expect(textareaValue(res.text)).toBe(`reply to ${bad}`);
      // Sent again, it goes to the post itself.
      expect(inputValue(res.text, 'comment_parent')).toBe('0');
    }
  });

  it('caps the displayed depth at the setting, keeping the true parent and naming it', async () => {
    t.repos.settings.save({ thread_depth: 2 });
    const a = seedComment(t.repos, postId, { author_name: 'Ann' });
    const b = seedComment(t.repos, postId, { parent_id: a, author_name: 'Bob' });
    const c = seedComment(t.repos, postId, { parent_id: b, author_name: 'Cy' });
    const res = await request(t.app).get('/posts/hello');
    expect(res.text).toContain(`<li id="comment-${c}" class="comment depth-2">`);
    expect(res.text).toContain(`in reply to <a href="#comment-${b}">Bob</a>`);
    expect(t.repos.comments.findById(c)!.parent_id).toBe(b);
  });

  it('keeps a removed comment with visible replies as a placeholder, uncounted, with no author or text', async () => {
    const gone = seedComment(t.repos, postId, { author_name: 'Spammer', body_md: 'buy now', status: 'spam' });
    const reply = seedComment(t.repos, postId, { parent_id: gone, author_name: 'Reply' });
    seedComment(t.repos, postId, { author_name: 'Alone', status: 'trash' });
    const res = await request(t.app).get('/posts/hello');
    expect(res.text).toContain(`<li id="comment-${gone}" class="comment comment-removed depth-1">`);
    expect(res.text).toContain('This comment was removed.');
    expect(res.text).toContain(`<li id="comment-${reply}" class="comment depth-2">`);
    expect(res.text).not.toContain('Spammer');
    expect(res.text).not.toContain('buy now');
    expect(res.text).not.toContain('Alone');
    expect(res.text).toContain('1 Response');
  });
});

describe('remember me', () => {
  it('fills the form next time only when ticked, and forgets when unticked', async () => {
    seedComment(t.repos, postId, { author_email: 'ann@example.com' });
    const agent = request.agent(t.app);
    const { res } = await post(agent, { ...typed, remember: '1' });
    expect(String(res.headers['set-cookie'])).toMatch(/colloquy_commenter=[^;]+;.*HttpOnly.*SameSite=Lax/);
    const page = await agent.get('/posts/hello');
    expect(inputValue(page.text, 'author')).toBe('Ann Reader');
    expect(inputValue(page.text, 'email')).toBe('Ann@Example.com');
    expect(page.text).toMatch(/id="remember"[^>]*checked/);
    // A page holding someone's own details is never kept by a shared cache.
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect((await request(t.app).get('/posts/hello')).headers['cache-control']).toBe('public, max-age=0, s-maxage=1, stale-if-error=86400');
    const again = await post(agent, { ...typed, comment: 'Another' });
    expect(String(again.res.headers['set-cookie'])).toMatch(/colloquy_commenter=;/);
    expect(inputValue((await agent.get('/posts/hello')).text, 'author')).toBe('');
  });

  it('stores nothing without it', async () => {
    const { res } = await post();
    expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/colloquy_commenter=[^;]/);
    expect(inputValue((await request(t.app).get('/posts/hello')).text, 'author')).toBe('');
  });

  it('survives a garbled cookie', async () => {
    const res = await request(t.app).get('/posts/hello').set('Cookie', 'colloquy_commenter=%%%; other=1');
    expect(res.status).toBe(200);
  });
});

describe('signed-in authors', () => {
  it('posts a reply approved at once, marked as the author\'s', async () => {
    t.repos.settings.save({ comment_moderation: 'all' });
    const parent = seedComment(t.repos, postId);
    const cookie = signedInCookie(t.repos, 'test-secret-0123456789', author.id);
    const token = (await request(t.app).get('/comments/token').set('Cookie', cookie)).body.token as string;
    const res = await request(t.app).post('/posts/hello/comments').set('Cookie', cookie).type('form')
      .send({ _csrf: token, comment: 'Thanks for reading!', comment_parent: String(parent) });
    expect(res.status).toBe(303);
    const reply = allComments().at(-1)!;
    expect(reply).toMatchObject({ status: 'approved', parent_id: parent });
    const page = await request(t.app).get('/posts/hello');
    expect(page.text).toContain(`<li id="comment-${reply.id}" class="comment depth-2 bypostauthor">`);
    expect(page.text).toContain('<span class="comment-badge">Author</span>');
  });

  it('shares the rules through postAuthorReply', async () => {
    const service = t.services.comments;
    const parent = seedComment(t.repos, postId);
    const settings = t.repos.settings.load();
    expect(service.postAuthorReply({ id: postId }, author, parent, 'From the queue', settings)).toMatchObject({ kind: 'stored', status: 'approved' });
    expect(service.postAuthorReply({ id: postId }, author, parent, '   ', settings)).toMatchObject({ kind: 'invalid' });
  });
});

describe('sessions', () => {
  it('keeps a reader\'s session in the database, so a token still works after a restart', async () => {
    const { createApp } = await import('../src/app.js');
    const { buildContext } = await import('../src/compose.js');
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const cookie = String(agent.jar.getCookie('colloquy.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false })?.toValueString());
    const restarted = createApp(buildContext({ db: t.db, config: t.config }));
    try {
      seedComment(t.repos, postId, { author_email: 'ann@example.com' });
      const res = await request(restarted).post('/posts/hello/comments').set('Cookie', cookie).type('form').send({ ...typed, _csrf: token });
      expect(res.status).toBe(303);
    } finally {
      restarted.close();
    }
  });
});

describe('cookies behind https', () => {
  it('marks the remember-me and reader cookies Secure when BASE_URL is https', async () => {
    // Behind a TLS-terminating proxy, as such a site runs.
    const secure = makeTestApp({ BASE_URL: 'https://blog.example', TRUST_PROXY: '1' });
    try {
      const u = await makeUser(secure.repos);
      makePost(secure, u, { title: 'Hello' });
      const tokenRes = await request(secure.app).get('/comments/token').set('X-Forwarded-Proto', 'https');
      const sid = String(tokenRes.headers['set-cookie']).split(';')[0]!;
      expect(String(tokenRes.headers['set-cookie'])).toContain('Secure');
      const like = await request(secure.app).post('/posts/hello/like').set('X-Forwarded-Proto', 'https').set('Cookie', sid).type('form').send({ _csrf: tokenRes.body.token });
      expect(String(like.headers['set-cookie'])).toMatch(/colloquy_reader=[^;]+;.*Secure/);
      const comment = await request(secure.app).post('/posts/hello/comments').set('X-Forwarded-Proto', 'https').set('Cookie', sid).type('form').send({ ...typed, remember: '1', _csrf: tokenRes.body.token });
      expect(comment.status).toBe(303);
      expect(String(comment.headers['set-cookie'])).toMatch(/colloquy_commenter=[^;]+;.*Secure/);
    } finally {
      secure.close();
    }
  });
});

describe('hostile comment text', () => {
  it('answers 422 "nested too deeply" to 5,000 nested quotes, keeping the text and storing nothing', async () => {
    const deep = `${'> '.repeat(4_999)}x`;
    const { res } = await post(undefined, { ...typed, comment: deep });
    expect(res.status).toBe(422);
    expect(res.text).toContain('nested too deeply');
    expect(textareaValue(res.text)).toBe(deep.replaceAll('>', '&gt;'));
    expect(allComments()).toHaveLength(0);
  });

  it('takes "phone" and 10,000 spaces as an ordinary comment', async () => {
    const { res } = await post(undefined, { ...typed, comment: `phone${' '.repeat(9_990)}x` });
    expect(res.status).toBe(303);
    expect(allComments()).toHaveLength(1);
  });

  it('holds personal data written after 9,000 characters of padding', async () => {
    const { res } = await post(undefined, { ...typed, comment: `${'word '.repeat(1_800)}call me on 07700 900123` });
    expect(res.status).toBe(303);
    expect(allComments()[0]).toMatchObject({ status: 'pending', held_reason: 'Contains personal data: a phone number' });
  });
});
