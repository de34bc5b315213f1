import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateOf, validatePostForm, readPostForm } from '../src/admin/post-form.js';
import { loginAs, postForm, pageToken, type Agent, makeUser, makePost, makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

const post = (fields: Record<string, string | string[]>) => ({ title: 'Hello world', body: 'Some *text*.', status: 'published', comments_open: '1', ...fields });

async function create(agent: Agent, fields: Record<string, string | string[]>) {
  return postForm(agent, '/admin/posts', post(fields), '/admin/posts/new');
}

describe('writing posts', () => {
  it('starts a new post with comments open and every field labelled', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await agent.get('/admin/posts/new');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/id="comments_open" name="comments_open" type="checkbox" value="1" checked/);
    for (const field of ['title', 'slug', 'body', 'excerpt', 'status', 'published_at', 'kind', 'tags']) {
      expect(res.text, field).toContain(`<label for="${field}">`);
    }
  });

  it('starts a new page with comments off and no Like button, a post with both; a page without likes shows and takes none', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const newPost = (await agent.get('/admin/posts/new')).text;
    expect(newPost).toMatch(/id="likes_open" name="likes_open" type="checkbox" value="1" checked/);
    const newPage = (await agent.get('/admin/posts/new?kind=page')).text;
    expect(newPage).toContain('<h1>New page</h1>');
    expect(newPage).toMatch(/id="comments_open" name="comments_open" type="checkbox" value="1">/);
    expect(newPage).toMatch(/id="likes_open" name="likes_open" type="checkbox" value="1">/);

    // Saved as the form starts (both boxes unticked): no Like button, no comment form.
    const res = await postForm(agent, '/admin/posts', { kind: 'page', title: 'About', body: 'Who we are.', status: 'published' }, '/admin/posts/new?kind=page');
    expect(res.status).toBe(303);
    expect(t.repos.posts.findBySlug('about')).toMatchObject({ kind: 'page', comments_open: 0, likes_open: 0 });
    const page = await request(t.app).get('/posts/about');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('class="like-form"');
    expect(page.text).not.toContain('class="likes"');
    expect(page.text).toContain('Comments are closed.');
    const reader = request.agent(t.app);
    const token = /name="_csrf" value="([^"]*)"/.exec((await reader.get('/posts/about')).text)?.[1] ?? '';
    const like = await reader.post('/posts/about/like').type('form').send({ _csrf: token });
    expect(like.status).toBe(403);
    expect(like.text).toContain('has no Like button');
    expect(t.repos.likes.countForPost(t.repos.posts.findBySlug('about')!.id)).toBe(0);

    // A post keeps its Like button when the box is ticked, and loses it when it is not.
    await create(agent, { title: 'Liked', likes_open: '1' });
    expect((await request(t.app).get('/posts/liked')).text).toContain('class="like-form"');
    const liked = t.repos.posts.findBySlug('liked')!;
    await postForm(agent, `/admin/posts/${liked.id}`, post({ title: 'Liked', slug: 'liked' }), `/admin/posts/${liked.id}/edit`);
    expect(t.repos.posts.findById(liked.id)!.likes_open).toBe(0);
    expect((await request(t.app).get('/posts/liked')).text).not.toContain('class="like-form"');
  });

  it('gives the author their text back on a stale token, saving nothing', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const typed = post({ title: 'A long essay', body: 'Three hours of *writing*.', _csrf: 'stale' });
    const created = await agent.post('/admin/posts').type('form').send(typed);
    expect(created.status).toBe(403);
    expect(created.text).toContain('nothing was saved');
    expect(created.text).toContain('value="A long essay"');
    expect(created.text).toContain('Three hours of *writing*.');
    const token = /name="_csrf" value="([^"]+)"/.exec(created.text)![1]!;
    expect(token).not.toBe('stale');
    expect(t.repos.posts.findBySlug('a-long-essay')).toBeUndefined();
    // One more click saves it with the fresh token.
    expect((await agent.post('/admin/posts').type('form').send({ ...typed, _csrf: token })).status).toBe(303);
    expect(t.repos.posts.findBySlug('a-long-essay')).toBeDefined();

    const id = makePost(t, alice, { title: 'Kept', body_md: 'Original.' });
    const updated = await agent.post(`/admin/posts/${id}`).type('form').send(post({ title: 'Kept', body: 'Edited text.', _csrf: '' }));
    expect(updated.status).toBe(403);
    expect(updated.text).toContain('Edited text.');
    expect(t.repos.posts.findById(id)!.body_md).toBe('Original.');
  });

  it('creates a published post: 303 to its edit page, public, with tags and audit', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await create(agent, { title: 'Hello World!', tags: 'Travel, Food ,travel', excerpt: 'Short.' });
    expect(res.status).toBe(303);
    const id = Number(/^\/admin\/posts\/(\d+)\/edit$/.exec(res.headers.location ?? "")![1]);
    const stored = t.repos.posts.findById(id)!;
    expect(stored).toMatchObject({ title: 'Hello World!', slug: 'hello-world', status: 'published', author_id: alice.id, comments_open: 1, excerpt: 'Short.' });
    expect([...t.repos.tags.forPosts([id]).get(id)!].map((tag) => tag.slug)).toEqual(['food', 'travel']);
    const page = await request(t.app).get('/posts/hello-world');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<em>text</em>');
    const edit = await agent.get(res.headers.location ?? "");
    expect(edit.text).toContain('Post published.');
    expect(t.repos.audit.list(10, 0).map((e) => e.action)).toContain('post.create');
  });

  it('makes clashing slugs unique and keeps a typed one', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    await create(agent, { title: 'Same' });
    await create(agent, { title: 'Same' });
    await create(agent, { title: 'Other', slug: 'My Own Slug' });
    expect(t.repos.posts.findBySlug('same')).toBeDefined();
    expect(t.repos.posts.findBySlug('same-2')).toBeDefined();
    expect(t.repos.posts.findBySlug('my-own-slug')).toBeDefined();
  });

  it('closes comments when the checkbox is absent', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const { comments_open: _open, ...rest } = post({});
    const res = await postForm(agent, '/admin/posts', rest, '/admin/posts/new');
    const id = Number((res.headers.location ?? "").split('/')[3]);
    expect(t.repos.posts.findById(id)!.comments_open).toBe(0);
  });

  it('saves drafts and schedules, both invisible to readers', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    await create(agent, { title: 'Draft one', status: 'draft' });
    await create(agent, { title: 'Later one', status: 'scheduled', published_at: '2999-01-02T09:30' });
    await create(agent, { title: 'Future published', status: 'published', published_at: '2999-01-02T09:30' });
    expect(t.repos.posts.findBySlug('draft-one')!.status).toBe('draft');
    const later = t.repos.posts.findBySlug('later-one')!;
    expect(later.status).toBe('published');
    expect(later.published_at).toBe('2999-01-02T09:30:00.000Z');
    expect(stateOf(t.repos.posts.findBySlug('future-published')!, new Date())).toBe('scheduled');
    for (const slug of ['draft-one', 'later-one', 'future-published']) expect((await request(t.app).get(`/posts/${slug}`)).status).toBe(404);
    const list = await agent.get('/admin/posts?status=scheduled');
    expect(list.text).toContain('Later one');
    expect(list.text).not.toContain('Draft one');
    expect(list.text).toContain('Scheduled <span class="count">(2)</span>');
  });

  it('reads published_at in the site time zone', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    t.repos.settings.save({ timezone: 'Europe/Berlin' });
    const agent = await loginAs(t, 'alice');
    await create(agent, { title: 'Berlin', published_at: '2020-07-01T12:00' });
    expect(t.repos.posts.findBySlug('berlin')!.published_at).toBe('2020-07-01T10:00:00.000Z');
  });

  it('answers bad input with 422, errors by field, and everything typed kept', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await create(agent, { title: '   ', body: 'My <long> text & more', tags: 'a, b', excerpt: 'Ex', status: 'scheduled', published_at: '2001-01-01T00:00', slug: '!!!' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('aria-invalid="true" aria-describedby="title-error"');
    expect(res.text).toContain('id="title-error"');
    expect(res.text).toContain('aria-describedby="slug-hint slug-error"');
    expect(res.text).toContain('id="published_at-error"');
    expect(res.text).toContain('That time has passed');
    expect(res.text).toContain('My &lt;long&gt; text &amp; more</textarea>');
    expect(res.text).toContain('value="a, b"');
    expect(res.text).toContain('value="2001-01-01T00:00"');
    expect(res.text).toContain('<option value="scheduled" selected>');
    expect(t.repos.posts.countForAdmin({ state: 'all', authorId: null, kind: null, search: '' })).toBe(0);
  });

  it('never answers 500 to odd shapes', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const token = await pageToken(agent, '/admin/posts/new');
    const res = await agent.post('/admin/posts').type('form').send(`title=a&title=b&status=x&status=y&kind=zzz&published_at=2020-02-30T10:00&_csrf=${token}`);
    expect(res.status).toBe(422);
    const answers: [string, number][] = [
      ['/admin/posts/abc/edit', 404],
      ['/admin/posts/99999999999999999999/edit', 404],
      ['/admin/posts/0/edit', 404],
      ['/admin/posts?page=abc', 404],
      // A repeated filter reads as its first value; an unknown one lists everything.
      ['/admin/posts?status=a&status=b', 200],
    ];
    for (const [path, status] of answers) expect((await agent.get(path)).status, path).toBe(status);
    expect((await agent.post('/admin/posts/abc').type('form').send({ _csrf: token })).status).toBe(404);
  });

  it('previews without saving, on the real post page and live', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, '/admin/posts/new/preview', post({ title: 'Preview me', body: '# Big\n\n<script>alert(1)</script>\n\n**bold**' }), '/admin/posts/new');
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="preview-banner"');
    expect(res.text).toContain('<h1 class="post-title">Preview me</h1>');
    expect(res.text).toContain('<h1>Big</h1>');
    expect(res.text).toContain('<strong>bold</strong>');
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(t.repos.posts.findBySlug('preview-me')).toBeUndefined();
    const live = await postForm(agent, '/admin/preview', { body: '*hi* <img src=x onerror=alert(1)>' });
    expect(live.status).toBe(200);
    expect(live.text).toContain('<em>hi</em>');
    expect(live.text).not.toContain('onerror');
  });

  it('edits a post, and a changed slug leaves a 301 from the old one', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const id = makePost(t, alice, { title: 'First title', tags: ['one'] });
    const agent = await loginAs(t, 'alice');
    const edit = await agent.get(`/admin/posts/${id}/edit`);
    expect(edit.text).toContain('value="first-title"');
    expect(edit.text).toContain('value="one"');
    const res = await postForm(agent, `/admin/posts/${id}`, post({ title: 'New title', slug: 'new-title' }), `/admin/posts/${id}/edit`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/admin/posts/${id}/edit`);
    expect(t.repos.posts.findById(id)!.slug).toBe('new-title');
    const old = await request(t.app).get('/posts/first-title');
    expect(old.status).toBe(301);
    expect(old.headers.location).toBe('/posts/new-title');
  });

  it('moves to the Trash after a confirmation page', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const id = makePost(t, alice, { title: 'Doomed' });
    t.repos.comments.insert({ post_id: id, parent_id: null, user_id: null, author_name: 'R', author_email: 'r@example.com', author_url: '', body_md: 'x', body_html: '<p>x</p>', status: 'approved', held_reason: '', ip_hash: '', user_agent: '' });
    const agent = await loginAs(t, 'alice');
    expect((await agent.get(`/admin/posts/${id}/edit`)).text).toContain(`href="/admin/posts/${id}/delete"`);
    const confirm = await agent.get(`/admin/posts/${id}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Delete “Doomed”?');
    expect(confirm.text).toContain('1 comment');
    expect(t.repos.posts.findById(id)).toBeDefined();
    expect(confirm.text).toContain('restore it from the Trash for 30 days');
    const res = await postForm(agent, `/admin/posts/${id}/delete`, {}, `/admin/posts/${id}/delete`);
    expect(res.status).toBe(303);
    expect(t.repos.posts.findById(id)!.trashed_at).not.toBeNull();
    expect((await request(t.app).get('/posts/doomed')).status).toBe(410);
  });

  it('lists with status filters and search', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    makePost(t, alice, { title: 'Apples and pears', body_md: 'fruit' });
    makePost(t, alice, { title: 'Bananas', status: 'draft', published_at: null, body_md: 'more fruit 100%' });
    const agent = await loginAs(t, 'alice');
    const all = await agent.get('/admin/posts');
    expect(all.text).toContain('Apples and pears');
    expect(all.text).toContain('Bananas');
    const drafts = await agent.get('/admin/posts?status=draft');
    expect(drafts.text).not.toContain('Apples and pears');
    const found = await agent.get('/admin/posts?q=pear');
    expect(found.text).toContain('Apples and pears');
    expect(found.text).not.toContain('Bananas');
    const percent = await agent.get('/admin/posts?q=100%25');
    expect(percent.text).toContain('Bananas');
    expect(percent.text).not.toContain('Apples and pears');
  });
});

describe('pages', () => {
  it('are written like posts, in the navigation, not on the home page', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    expect((await agent.get('/admin/posts/new?kind=page')).text).toContain('<option value="page" selected>');
    await create(agent, { title: 'About me', kind: 'page', body: 'Who I am.' });
    await create(agent, { title: 'A normal post' });
    const home = await request(t.app).get('/');
    expect(home.text).toContain('href="/posts/about-me"');
    expect(home.text).toContain('A normal post');
    expect(home.text).not.toContain('class="post-title"><a href="/posts/about-me"');
    expect(t.repos.posts.listPublic({ kind: 'all' }, 10, 0).map((p) => p.title)).toEqual(['A normal post']);
  });
});

describe('authors', () => {
  it('may not touch another author’s post', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    await makeUser(t.repos, 'author', 'bob');
    const id = makePost(t, alice, { title: 'Alice’s' });
    const bob = await loginAs(t, 'bob');
    expect((await bob.get(`/admin/posts/${id}/edit`)).status).toBe(403);
    expect((await bob.get(`/admin/posts/${id}/delete`)).status).toBe(403);
    expect((await postForm(bob, `/admin/posts/${id}`, post({ title: 'Bob was here' }))).status).toBe(403);
    expect((await postForm(bob, `/admin/posts/${id}/delete`, {})).status).toBe(403);
    expect(t.repos.posts.findById(id)!.title).toBe('Alice’s');
    expect((await bob.get('/admin/posts')).text).not.toContain('Alice’s');
  });

  it('an administrator edits anyone’s post and the author stays', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    await makeUser(t.repos, 'admin', 'root');
    const id = makePost(t, alice, { title: 'Alice’s' });
    const root = await loginAs(t, 'root');
    expect((await root.get('/admin/posts')).text).toContain('Alice’s');
    expect((await postForm(root, `/admin/posts/${id}`, post({ title: 'Fixed typo' }))).status).toBe(303);
    expect(t.repos.posts.findById(id)).toMatchObject({ title: 'Fixed typo', author_id: alice.id });
  });
});

describe('post form rules', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('turns scheduled into published with a future time, and blank publish into now', () => {
    const scheduled = validatePostForm(readPostForm({ title: 'x', status: 'scheduled', published_at: '2026-02-01T10:00' }), 1, 'UTC', now);
    expect(scheduled.ok && scheduled.draft.status).toBe('published');
    expect(scheduled.ok && scheduled.draft.published_at?.toISOString()).toBe('2026-02-01T10:00:00.000Z');
    const now_ = validatePostForm(readPostForm({ title: 'x', status: 'published' }), 1, 'UTC', now);
    expect(now_.ok && now_.draft.published_at).toBe(null);
    const missing = validatePostForm(readPostForm({ title: 'x', status: 'scheduled' }), 1, 'UTC', now);
    expect(!missing.ok && missing.errors.published_at).toContain('Choose when');
  });
});

describe('personal data in a post', () => {
  it('keeps a post asked to be published as a draft, names each finding, and publishes anyway on confirmation', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await create(agent, { title: 'Contact', body: 'Mail jane@example.com or call +44 20 7946 0958.' });
    expect(res.status).toBe(303);
    const stored = t.repos.posts.findBySlug('contact')!;
    expect(stored.status).toBe('draft');
    expect((await request(t.app).get('/posts/contact')).status).toBe(404);
    const edit = await agent.get(res.headers.location ?? '');
    expect(edit.text).toContain('Saved as a draft, not published');
    // Each finding named and shown whole, with its line, to the post's own author: masked, it could not be found.
    const notice = /<section class="notice important personal-data"[\s\S]*?<\/section>/.exec(edit.text)?.[0] ?? '';
    expect(notice).toContain('an email address: <code>jane@example.com</code> <span class="hint">(line 1 of the text)</span>');
    expect(notice).toContain('a phone number: <code>+44 20 7946 0958</code>');
    expect(edit.text).toContain('name="confirm_personal_data" value="1">Publish anyway');
    const anyway = await postForm(agent, `/admin/posts/${stored.id}`, post({ title: 'Contact', body: 'Mail jane@example.com or call +44 20 7946 0958.', status: 'draft', confirm_personal_data: '1' }), res.headers.location ?? '');
    expect(anyway.status).toBe(303);
    expect(t.repos.posts.findById(stored.id)!.status).toBe('published');
    expect((await request(t.app).get('/posts/contact')).status).toBe(200);
  });

  it('shows an author the findings of their own long post whole, by line', async () => {
    const bob = await makeUser(t.repos, 'author', 'bob');
    const agent = await loginAs(t, 'bob');
    const body = `${'A quiet paragraph about the garden.\n\n'.repeat(40)}Ring the surgery on 020 7946 0123 to book.\n`;
    const res = await create(agent, { title: 'Clinic news', body });
    const notice = /<section class="notice important personal-data"[\s\S]*?<\/section>/.exec((await agent.get(res.headers.location ?? '')).text)?.[0] ?? '';
    expect(notice).toContain('a phone number: <code>020 7946 0123</code> <span class="hint">(line 81 of the text)</span>');
  });

  it('lets plain text through and leaves drafts alone', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    await create(agent, { title: 'Numbers', body: 'On 2024-01-15 we had 1,234,567 visitors; version 1.2.3.' });
    expect(t.repos.posts.findBySlug('numbers')!.status).toBe('published');
  });
});

describe('hostile post text', () => {
  it('answers 422 in the editor to a body nested too deeply, with the text kept and nothing saved', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const deep = `${'- '.repeat(5_000)}x`;
    const res = await create(agent, { body: deep });
    expect(res.status).toBe(422);
    expect(res.text).toContain('id="body-error"');
    expect(res.text).toContain('nested too deeply');
    expect(res.text).toContain(`${deep}</textarea>`);
    expect(t.db.prepare('SELECT count(*) AS n FROM posts').get()).toEqual({ n: 0 });
  });

  it('previews deep nesting as plain text, never a 500', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, '/admin/posts/new/preview', post({ body: `${'> '.repeat(5_000)}x` }), '/admin/posts/new');
    expect(res.status).toBe(200);
    expect(res.text).toContain('class="preview-banner"');
  });
});
