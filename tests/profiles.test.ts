// Profiles: the Account page (display name, bio, email), an administrator editing
// anyone's, and the display name reaching every byline, staff reply and feed at once.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { validateProfile } from '../src/users/user-rules.js';
import { loginAs, makePost, makeTestApp, makeUser, postForm, seedComment, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

const reader = () => request(t.app);

describe('the Account page', () => {
  it('saves a new display name, bio and email, and every public page, feed and staff reply shows the name at once', async () => {
    const alice = await makeUser(t.repos, 'admin', 'admin');
    const postId = makePost(t, alice, { title: 'Tomatoes', slug: 'tomatoes' });
    const reply = seedComment(t.repos, postId, { user_id: alice.id, author_name: 'Admin', body_md: 'Thanks, all.' });
    const other = seedComment(t.repos, postId, { author_name: 'Ada', body_md: 'Lovely.' });
    // Read as a stranger first, so the render cache holds the old pages.
    for (const path of ['/', '/posts/tomatoes', '/feed']) expect((await reader().get(path)).text).toContain('Admin');

    const agent = await loginAs(t, 'admin');
    const page = await agent.get('/admin/account');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>Your account</h1>');
    expect(page.text).toMatch(/<input id="display_name" name="display_name"[^>]*value="Admin"/);
    expect(page.text).toContain('Change your password');

    const saved = await postForm(agent, '/admin/account', { display_name: '  Mary Gardener ', bio: 'Grows tomatoes\r\non a balcony.', email: 'mary@example.org' }, '/admin/account');
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/admin/account');
    expect(t.repos.users.findById(alice.id)).toMatchObject({ display_name: 'Mary Gardener', bio: 'Grows tomatoes\non a balcony.', email: 'mary@example.org', username: 'admin' });
    expect((await agent.get('/admin/account')).text).toContain('Your profile is saved.');

    const home = await reader().get('/');
    expect(home.text).toContain('<span class="post-author">Mary Gardener</span>');
    const post = (await reader().get('/posts/tomatoes')).text;
    expect(post).toContain('by <span class="post-author">Mary Gardener</span>');
    expect(post).toMatch(/About Mary Gardener<\/h2>\s*<p class="author-bio-text">Grows tomatoes\non a balcony.<\/p>/);
    // The staff reply carries the new name with its badge; a reader's comment keeps theirs.
    expect(post).toMatch(new RegExp(`id="comment-${reply}"[\\s\\S]*?<span class="fn">Mary Gardener</span>\\s*<span class="comment-badge">Author</span>`));
    expect(post).toMatch(new RegExp(`id="comment-${other}"[\\s\\S]*?<span class="fn">Ada</span>`));
    expect((await reader().get('/feed')).text).toContain('Mary Gardener');
    expect((await reader().get('/feed/atom')).text).toContain('<name>Mary Gardener</name>');
    expect((await reader().get('/comments/feed')).text).toContain('by Mary Gardener');
    expect((await reader().get('/search?q=tomatoes')).text).toContain('Mary Gardener');
    expect(t.repos.audit.list(1, 0)[0]).toMatchObject({ action: 'user.profile', subject: `user:${alice.id}`, detail: 'display name, bio, email', user_id: alice.id });
    // The same values again change nothing and say so.
    const again = await postForm(agent, '/admin/account', { display_name: 'Mary Gardener', bio: 'Grows tomatoes\non a balcony.', email: 'mary@example.org' }, '/admin/account');
    expect(again.status).toBe(303);
    expect(t.repos.audit.list(1, 0)[0]!.action).toBe('user.profile');
    expect(t.repos.audit.count()).toBe(2); // the log-in and the one change
  });

  it('refuses a blank or overlong name, a long bio and a bad email with 422, each by its field, the typed text kept, nothing saved', async () => {
    const bob = await makeUser(t.repos, 'author', 'bob');
    const agent = await loginAs(t, 'bob');
    const res = await postForm(agent, '/admin/account', { display_name: '   ', bio: `<b>${'x'.repeat(600)}`, email: 'not an address' }, '/admin/account');
    expect(res.status).toBe(422);
    for (const field of ['display_name', 'bio', 'email']) {
      expect(res.text, field).toContain(`id="${field}-error"`);
      expect(res.text, field).toMatch(new RegExp(`id="${field}"[^>]*aria-invalid="true"`));
    }
    expect(res.text).toContain('Give the name readers should see');
    expect(res.text).toContain(`&lt;b&gt;${'x'.repeat(600)}</textarea>`);
    expect(res.text).toContain('value="not an address"');
    expect(t.repos.users.findById(bob.id)).toMatchObject({ display_name: 'Bob', bio: '', email: '' });
    const long = await postForm(agent, '/admin/account', { display_name: 'n'.repeat(101), bio: '', email: '' }, '/admin/account');
    expect(long.status).toBe(422);
    expect(long.text).toContain('at most 100 characters');
    expect(validateProfile({ display_name: 'Two\nlines', bio: 'Line one\nline two', email: '' })).toEqual({ display_name: expect.stringContaining('one line') });
    expect(validateProfile({ display_name: 'Ok', bio: 'bell\u0007', email: '' })).toEqual({ bio: expect.any(String) });
  });

  it('an administrator edits anyone’s profile from the users page; an author only their own', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const bob = await makeUser(t.repos, 'author', 'bob');
    const admin = await loginAs(t, 'alice');
    const users = await admin.get('/admin/users');
    expect(users.text).toContain(`href="/admin/users/${bob.id}/edit"`);
    expect(users.text).toContain('href="/admin/account"');
    const edit = await admin.get(`/admin/users/${bob.id}/edit`);
    expect(edit.status).toBe(200);
    expect(edit.text).toContain('Profile of Bob');
    expect(edit.text).toContain(`action="/admin/users/${bob.id}/profile"`);
    expect(edit.text).not.toContain('Change your password');
    const bad = await postForm(admin, `/admin/users/${bob.id}/profile`, { display_name: '', bio: 'Kept', email: '' }, '/admin/users');
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('>Kept</textarea>');
    const ok = await postForm(admin, `/admin/users/${bob.id}/profile`, { display_name: 'Robert', bio: '', email: 'rob@example.org' }, '/admin/users');
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/admin/users');
    expect(t.repos.users.findById(bob.id)).toMatchObject({ display_name: 'Robert', email: 'rob@example.org' });
    expect(t.repos.audit.list(1, 0)[0]).toMatchObject({ action: 'user.profile', subject: `user:${bob.id}`, user_id: alice.id });

    const author = await loginAs(t, 'bob');
    expect((await author.get('/admin/users')).headers.location).toBe('/admin/account');
    expect((await author.get(`/admin/users/${alice.id}/edit`)).status).toBe(403);
    expect((await postForm(author, `/admin/users/${alice.id}/profile`, { display_name: 'Hijacked', bio: '', email: '' }, '/admin/account')).status).toBe(403);
    expect(t.repos.users.findById(alice.id)!.display_name).toBe('Alice');
    expect((await admin.get('/admin/users/999999/edit')).status).toBe(404);
  });

  it('a blank stored display name shows the username instead, never an empty byline', async () => {
    const carol = await makeUser(t.repos, 'author', 'carol');
    makePost(t, carol, { title: 'Imported', slug: 'imported' });
    t.db.prepare("UPDATE users SET display_name = '' WHERE id = ?").run(carol.id);
    expect((await reader().get('/posts/imported')).text).toContain('by <span class="post-author">carol</span>');
  });
});
