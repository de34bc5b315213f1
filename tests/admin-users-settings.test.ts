import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readSettingsForm } from '../src/admin/settings-form.js';
import { roleChangeProblem, validateNewUser } from '../src/users/user-rules.js';
import { DEFAULT_SETTINGS } from '../src/settings/settings.js';
import { verifyPassword } from '../src/users/passwords.js';
import { loginAs, postForm, pageToken, PASSWORD, makeUser, makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

describe('users', () => {
  it('the administrator adds a user who can then log in', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, '/admin/users', { username: 'carol', display_name: 'Carol C', email: 'c@example.com', role: 'author', password: 'a long enough password' }, '/admin/users');
    expect(res.status).toBe(303);
    expect(t.repos.users.findByUsername('carol')).toMatchObject({ display_name: 'Carol C', role: 'author', email: 'c@example.com' });
    await loginAs(t, 'carol', 'a long enough password');
    expect(t.repos.audit.list(10, 0).map((e) => e.action)).toContain('user.create');
  });

  it('refuses a bad new user with 422 and the typed values kept (but not the password)', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, '/admin/users', { username: 'ALICE', display_name: 'Someone <b>', email: 'nope', role: 'king', password: 'short' }, '/admin/users');
    expect(res.status).toBe(422);
    for (const field of ['username', 'email', 'role', 'password']) expect(res.text, field).toContain(`id="${field}-error"`);
    expect(res.text).toContain('That username is taken.');
    expect(res.text).toContain('value="Someone &lt;b&gt;"');
    expect(res.text).not.toContain('value="short"');
  });

  it('changes roles but never removes the last administrator', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    const bob = await makeUser(t.repos, 'author', 'bob');
    const agent = await loginAs(t, 'alice');
    const last = await postForm(agent, `/admin/users/${alice.id}/role`, { role: 'author' }, '/admin/users');
    expect(last.status).toBe(422);
    expect(last.text).toContain('at least one administrator');
    expect(t.repos.users.findById(alice.id)!.role).toBe('admin');
    expect((await postForm(agent, `/admin/users/${bob.id}/role`, { role: 'admin' }, '/admin/users')).status).toBe(303);
    expect(t.repos.users.findById(bob.id)!.role).toBe('admin');
    expect((await postForm(agent, `/admin/users/${alice.id}/role`, { role: 'author' }, '/admin/users')).status).toBe(303);
    expect(t.repos.users.findById(alice.id)!.role).toBe('author');
  });

  it('resets a password, generating one shown once when left blank', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const bob = await makeUser(t.repos, 'author', 'bob');
    const agent = await loginAs(t, 'alice');
    const bobSession = await loginAs(t, 'bob');
    const res = await postForm(agent, `/admin/users/${bob.id}/password`, { password: '' }, '/admin/users');
    expect((await bobSession.get('/admin')).status).toBe(302);
    expect(res.status).toBe(200);
    const generated = /<code class="secret">([^<]+)<\/code>/.exec(res.text)![1]!;
    expect(await verifyPassword(generated, t.repos.users.findById(bob.id)!.password_hash)).toBe(true);
    expect((await agent.get('/admin/users')).text).not.toContain(generated);
    const short = await postForm(agent, `/admin/users/${bob.id}/password`, { password: 'short' }, '/admin/users');
    expect(short.status).toBe(422);
    expect(short.text).toContain(`id="reset-${bob.id}-error"`);
  });

  it('everyone changes their own password with the current one', async () => {
    const bob = await makeUser(t.repos, 'author', 'bob');
    const agent = await loginAs(t, 'bob');
    const page = await agent.get('/admin/account');
    expect(page.text).toContain('Change your password');
    expect(page.text).not.toContain('Add a user');
    const wrong = await postForm(agent, '/admin/password', { current_password: 'not it at all', new_password: 'brand new password', confirm_password: 'brand new password' }, '/admin/account');
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('id="current_password-error"');
    const differ = await postForm(agent, '/admin/password', { current_password: PASSWORD, new_password: 'brand new password', confirm_password: 'brand new passwort' }, '/admin/account');
    expect(differ.text).toContain('id="confirm_password-error"');
    const elsewhere = await loginAs(t, 'bob');
    const ok = await postForm(agent, '/admin/password', { current_password: PASSWORD, new_password: 'brand new password', confirm_password: 'brand new password' }, '/admin/account');
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/admin/account');
    expect((await agent.get('/admin/account')).status).toBe(200);
    // The session on the other device ends with the old password.
    expect((await elsewhere.get('/admin')).status).toBe(302);
    expect(await verifyPassword('brand new password', t.repos.users.findById(bob.id)!.password_hash)).toBe(true);
  });

  it('an author may not manage users, settings or read the audit log', async () => {
    const alice = await makeUser(t.repos, 'admin', 'alice');
    await makeUser(t.repos, 'author', 'bob');
    const agent = await loginAs(t, 'bob');
    expect((await postForm(agent, '/admin/users', { username: 'mallory', role: 'admin', password: 'a long enough password' }, '/admin/account')).status).toBe(403);
    expect((await postForm(agent, `/admin/users/${alice.id}/role`, { role: 'author' }, '/admin/account')).status).toBe(403);
    expect((await postForm(agent, `/admin/users/${alice.id}/password`, { password: 'taken over now' }, '/admin/account')).status).toBe(403);
    expect((await agent.get('/admin/settings')).status).toBe(403);
    expect((await postForm(agent, '/admin/settings', { title: 'Mine' }, '/admin/account')).status).toBe(403);
    expect((await agent.get('/admin/audit')).status).toBe(403);
    expect(t.repos.users.findByUsername('mallory')).toBeUndefined();
    expect(t.repos.settings.load().title).toBe('Colloquy');
  });
});

describe('settings', () => {
  it('saves, keeps fields left out, and reads an absent checkbox as off', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    t.repos.settings.save({ tagline: 'Kept tagline', thread_depth: 7 });
    const res = await postForm(agent, '/admin/settings', { title: 'My blog', comment_moderation: 'all', timezone: 'Europe/Paris' }, '/admin/settings');
    expect(res.status).toBe(303);
    const s = t.repos.settings.load();
    expect(s).toMatchObject({ title: 'My blog', tagline: 'Kept tagline', thread_depth: 7, comment_moderation: 'all', timezone: 'Europe/Paris', comments_open_default: false });
    await postForm(agent, '/admin/settings', { comments_open_default: '1', moderation_blocklist: 'casino\nviagra' }, '/admin/settings');
    expect(t.repos.settings.load()).toMatchObject({ comments_open_default: true, moderation_blocklist: 'casino\nviagra', title: 'My blog' });
    expect((await agent.get('/admin/posts/new')).text).toMatch(/name="comments_open" type="checkbox" value="1" checked/);
    const audit = await agent.get('/admin/audit');
    expect(audit.status).toBe(200);
    expect(audit.text).toContain('settings.update');
    expect(audit.text).toContain('alice');
  });

  it('refuses bad values with 422, each by its field, everything typed kept, nothing saved', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await postForm(agent, '/admin/settings', { title: 'Typed title', thread_depth: '11', timezone: 'Mars/Olympus', comment_moderation: 'sometimes', posts_per_page: 'ten' }, '/admin/settings');
    expect(res.status).toBe(422);
    for (const field of ['thread_depth', 'timezone', 'comment_moderation', 'posts_per_page']) {
      expect(res.text, field).toContain(`id="${field}-error"`);
    }
    expect(res.text).toContain('aria-describedby="thread_depth-hint thread_depth-error"');
    expect(res.text).toContain('value="Typed title"');
    expect(res.text).toContain('value="Mars/Olympus"');
    expect(t.repos.settings.load().title).toBe('Colloquy');
    const token = await pageToken(agent, '/admin/settings');
    const arrays = await agent.post('/admin/settings').type('form').send(`title=a&title=b&_csrf=${token}`);
    expect(arrays.status).toBe(422);
  });

  it('offers the time zone as a searchable list of IANA names, UTC first, and takes only a known name', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const page = (await agent.get('/admin/settings')).text;
    expect(page).toMatch(/<input id="timezone" name="timezone" type="text" list="timezones"[^>]*value="UTC"/);
    const options = [...(/<datalist id="timezones">([\s\S]*?)<\/datalist>/.exec(page)?.[1] ?? '').matchAll(/<option value="([^"]+)">/g)].map((m) => m[1]);
    expect(options[0]).toBe('UTC');
    expect(options).toContain('Europe/Berlin');
    expect(options).toContain('America/New_York');
    expect(options.length).toBeGreaterThan(300);
    // Typed in other letters, a zone is kept as the list spells it.
    expect((await postForm(agent, '/admin/settings', { timezone: ' europe/berlin ' }, '/admin/settings')).status).toBe(303);
    expect(t.repos.settings.load().timezone).toBe('Europe/Berlin');
    for (const bad of ['+01:00', 'Berlin', 'Europe/Berlin/', '../etc/passwd', 'x'.repeat(200)]) {
      const res = await postForm(agent, '/admin/settings', { timezone: bad }, '/admin/settings');
      expect(res.status, bad).toBe(422);
      expect(res.text, bad).toContain('is not a known time zone');
    }
    expect(t.repos.settings.load().timezone).toBe('Europe/Berlin');
  });

  it('explains that reports count distinct addresses, and keeps likes per address from 1 to 100,000', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const page = await agent.get('/admin/settings');
    expect(page.text).toContain('counted from distinct reader addresses');
    expect(page.text).toMatch(/<input id="likes_per_address" name="likes_per_address" type="number"[^>]*value="50"/);
    for (const bad of ['0', '100001', '-3', '2.5', 'many']) {
      const res = await postForm(agent, '/admin/settings', { likes_per_address: bad }, '/admin/settings');
      expect(res.status, bad).toBe(422);
      expect(res.text).toContain('<p class="field-error" id="likes_per_address-error">Likes per address must be a whole number from 1 to 100000.</p>');
      expect(res.text).toContain(`value="${bad}"`);
    }
    expect(t.repos.settings.load().likes_per_address).toBe(50);
    expect((await postForm(agent, '/admin/settings', { likes_per_address: ' 200 ' }, '/admin/settings')).status).toBe(303);
    expect(t.repos.settings.load().likes_per_address).toBe(200);
  });

  it('reads the form over current values as plain data', () => {
    const { values, errors } = readSettingsForm({ thread_depth: '3' }, DEFAULT_SETTINGS);
    expect(errors).toEqual({});
    expect(values).toEqual({ thread_depth: 3, comments_open_default: false, mail_held_comments: false, email_sign_in: false, remote_avatars: false });
  });
});

describe('user rules', () => {
  it('checks names and keeps an administrator', () => {
    const form = { username: 'ok.name', display_name: '', email: '', role: 'author', password: '0123456789' };
    expect(validateNewUser(form, () => false)).toEqual({});
    expect(validateNewUser({ ...form, username: '-bad' }, () => false).username).toBeDefined();
    // One rule everywhere: 1 to 60 characters, as the command line and the import take them.
    expect(validateNewUser({ ...form, username: 'a'.repeat(60) }, () => false)).toEqual({});
    expect(validateNewUser({ ...form, username: 'a'.repeat(61) }, () => false).username).toContain('1 to 60');
    expect(roleChangeProblem('admin', 'author', 1)).toBeDefined();
    expect(roleChangeProblem('admin', 'author', 2)).toBeUndefined();
    expect(roleChangeProblem('author', 'author', 1)).toBeUndefined();
  });
});

it('logs in and out in the audit log, readable by administrators, paged', async () => {
  const alice = await makeUser(t.repos, 'admin', 'alice');
  for (let i = 0; i < 60; i++) t.repos.audit.record({ userId: alice.id, action: 'test.noise', subject: `n:${i}` });
  const agent = await loginAs(t, 'alice');
  const first = await agent.get('/admin/audit');
  expect(first.text).toContain('user.login');
  expect(first.text).toContain('Page 1 of 2');
  expect((await agent.get('/admin/audit?page=2')).status).toBe(200);
  expect((await agent.get('/admin/audit?page=3')).status).toBe(404);
  expect((await request(t.app).get('/admin/audit')).status).toBe(302);
});
