// The administrator's sign-in providers page: add, change with the secret kept when
// left blank (and never shown back in full), remove; OIDC_PROVIDERS listed, not editable.
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, makePost, makeTestApp, makeUser, postForm, type TestContext } from './helpers/index.js';

const PAGE = '/admin/settings/sign-in';
const SECRET = 'client-secret-abcdefgh-9x7q';
const fromEnv = { id: 'corp', name: 'Corp SSO', issuer: 'https://sso.corp.example', clientId: 'blog', clientSecret: 'env-secret-1234567890' };

let t: TestContext;
beforeEach(() => { t = makeTestApp({ OIDC_PROVIDERS: JSON.stringify([fromEnv]) }); });
afterEach(() => t.close());

const fields = { id: 'example', name: 'Example ID', issuer: 'https://id.example.com', clientId: 'colloquy', clientSecret: SECRET, icon: '' };

describe('sign-in providers in the settings', () => {
  it('are added by an administrator, shown as buttons, and changed with the secret kept and never shown in full', async () => {
    const admin = await makeUser(t.repos, 'admin', 'root');
    const agent = await loginAs(t, 'root');
    const added = await postForm(agent, PAGE, fields, PAGE);
    expect(added.status).toBe(303);
    expect(t.repos.providers.list()).toEqual([{ ...fields }]);
    expect(t.repos.audit.list(10, 0).map((e) => e.action)).toContain('sign-in-provider.save');

    const page = await agent.get(PAGE);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Example ID');
    expect(page.text).toContain('http://127.0.0.1:3000/auth/example/callback');
    expect(page.text).not.toContain(SECRET);
    expect(page.text).toContain('•••• 9x7q');
    expect(page.text).not.toContain(fromEnv.clientSecret);
    expect(page.text).toContain('Set in the <code>OIDC_PROVIDERS</code> environment variable');

    const changed = await postForm(agent, `${PAGE}/example`, { ...fields, name: 'Example', clientSecret: '', icon: '/static/favicon.svg' }, PAGE);
    expect(changed.status).toBe(303);
    expect(t.repos.providers.list()).toEqual([{ ...fields, name: 'Example', icon: '/static/favicon.svg' }]);

    makePost(t, admin, { title: 'Buttons', slug: 'buttons' });
    const post = await request(t.app).get('/posts/buttons');
    expect(post.text).toContain('Sign in with Corp SSO');
    expect(post.text).toMatch(/formaction="\/auth\/example"[^>]*><img src="\/static\/favicon.svg"[^>]*>Sign in with Example/);
    expect(post.text).not.toContain(SECRET);

    const removed = await postForm(agent, `${PAGE}/example/remove`, {}, PAGE);
    expect(removed.status).toBe(303);
    expect(t.repos.providers.list()).toEqual([]);
    expect((await request(t.app).get('/posts/buttons')).text).not.toContain('Sign in with Example');
  });

  it('refuses a bad provider with 422, naming each field and keeping what was typed but the secret', async () => {
    await makeUser(t.repos, 'admin', 'root');
    const agent = await loginAs(t, 'root');
    const res = await postForm(agent, PAGE, { ...fields, id: 'email', issuer: 'http://id.example.com', icon: 'javascript:alert(1)' }, PAGE);
    expect(res.status).toBe(422);
    for (const f of ['id', 'issuer', 'icon']) expect(res.text, f).toContain(`id="new-${f}-error"`);
    expect(res.text).toContain('value="Example ID"');
    expect(res.text).not.toContain(SECRET);
    expect(t.repos.providers.list()).toEqual([]);

    const taken = await postForm(agent, PAGE, { ...fields, id: 'corp' }, PAGE);
    expect(taken.status).toBe(422);
    expect(taken.text).toContain('There is already a provider “corp”');
    expect((await postForm(agent, `${PAGE}/corp/remove`, {}, PAGE)).status).toBe(404);
  });

  it('are for administrators only', async () => {
    await makeUser(t.repos, 'author', 'writer');
    const agent = await loginAs(t, 'writer');
    expect((await agent.get(PAGE)).status).toBe(403);
    expect((await postForm(agent, PAGE, fields)).status).toBe(403);
    expect(t.repos.providers.list()).toEqual([]);
  });
});
