// No lost work: the editor's autosaved copies (the last 20 per post), the notice of
// unsaved changes after a closed tab, and restoring a copy into the editor.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEEP_REVISIONS } from '../src/posts/revisions-repository.js';
import { loginAs, makePost, makeTestApp, makeTestClock, makeUser, type Agent, type TestClock, type TestContext } from './helpers/index.js';

let t: TestContext;
let clock: TestClock;
// 14:05 UTC is 15:05 in Paris (winter).
beforeEach(() => {
  clock = makeTestClock(Date.parse('2026-11-30T14:05:00.000Z'));
  t = makeTestApp({}, { clock });
});
afterEach(() => t.close());

const fields = (over: Record<string, string> = {}) => ({ title: 'Draft title', body: 'Typed text.', status: 'draft', kind: 'post', comments_open: '1', ...over });

/** The editor at `path`, and what its script would send with: token and draft key. */
async function openEditor(agent: Agent, path: string) {
  const page = await agent.get(path);
  return {
    page,
    token: /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!,
    draftKey: /name="draft_key" value="([^"]+)"/.exec(page.text)?.[1] ?? '',
  };
}

function autosave(agent: Agent, path: string, token: string, body: Record<string, string>) {
  return agent.post(path).type('form').set('X-CSRF-Token', token).set('Accept', 'application/json').send(body);
}

describe('autosave', () => {
  it('keeps the newest 20 copies of a post, and none twice', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    const id = makePost(t, alice, { title: 'Saved', body_md: 'Saved text.' });
    const agent = await loginAs(t, 'alice');
    const { token } = await openEditor(agent, `/admin/posts/${id}/edit`);
    for (let i = 1; i <= 25; i++) {
      clock.advance(5_000);
      const res = await autosave(agent, `/admin/posts/${id}/autosave`, token, fields({ body: `Typed text, version ${i}.` }));
      expect(res.status).toBe(200);
      expect(res.body.time).toMatch(/^\d\d:\d\d$/);
    }
    // The same text again is not another copy.
    const again = await autosave(agent, `/admin/posts/${id}/autosave`, token, fields({ body: 'Typed text, version 25.' }));
    const copies = t.repos.revisions.list({ postId: id });
    expect(copies).toHaveLength(KEEP_REVISIONS);
    expect(copies[0]!.body).toBe('Typed text, version 25.');
    expect(copies.at(-1)!.body).toBe('Typed text, version 6.');
    expect(again.body.id).toBe(copies[0]!.id);
    expect(t.db.prepare('SELECT count(*) FROM post_revisions').pluck().get()).toBe(20);
    // Ticking only the Like box is a change worth a copy.
    clock.advance(5_000);
    const liked = await autosave(agent, `/admin/posts/${id}/autosave`, token, fields({ body: 'Typed text, version 25.', likes_open: '1' }));
    expect(liked.body.id).not.toBe(again.body.id);
    expect(t.repos.revisions.latest({ postId: id })!.likes_open).toBe(true);
    // Autosaving changes nothing a reader sees.
    expect(t.repos.posts.findById(id)!.body_md).toBe('Saved text.');
  });

  it('offers unsaved changes after a closed tab, at the site time, and restores them into the editor', async () => {
    t.repos.settings.save({ timezone: 'Europe/Paris' });
    const alice = await makeUser(t.repos, 'author', 'alice');
    const id = makePost(t, alice, { title: 'Saved', body_md: 'Saved text.' });
    const agent = await loginAs(t, 'alice');
    const { token } = await openEditor(agent, `/admin/posts/${id}/edit`);
    clock.advance(60_000);
    await autosave(agent, `/admin/posts/${id}/autosave`, token, fields({ title: 'Saved', body: 'Three paragraphs the tab lost.' }));

    // The author comes back later.
    clock.advance(3_600_000);
    const back = await agent.get(`/admin/posts/${id}/edit`);
    expect(back.text).toContain('You have unsaved changes from 15:06 — <a href="/admin/posts/' + id + '/edit?revision=');
    expect(back.text).toContain('Saved text.</textarea>');
    const href = /You have unsaved changes from 15:06 — <a href="([^"]+)"/.exec(back.text)![1]!;
    const restored = await agent.get(href);
    expect(restored.status).toBe(200);
    expect(restored.text).toContain('Three paragraphs the tab lost.</textarea>');
    expect(restored.text).toContain('Restored the text autosaved at 15:06. It is not saved yet');
    // The list of copies in the editor.
    expect(restored.text).toContain('Autosaved copies (1)');
    // Restoring saved nothing; saving does, and the offer goes.
    expect(t.repos.posts.findById(id)!.body_md).toBe('Saved text.');
    clock.advance(1000);
    const save = await agent.post(`/admin/posts/${id}`).type('form').send({ ...fields({ title: 'Saved', body: 'Three paragraphs the tab lost.' }), _csrf: token });
    expect(save.status).toBe(303);
    expect((await agent.get(`/admin/posts/${id}/edit`)).text).not.toContain('You have unsaved changes');
  });

  it('keeps a new post that was never saved, offers it on the next new post, and discards it on request', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    const agent = await loginAs(t, 'alice');
    const { token, draftKey } = await openEditor(agent, '/admin/posts/new');
    expect(draftKey).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    // Without the editor's key there is nothing to file it under.
    expect((await autosave(agent, '/admin/posts/new/autosave', token, fields())).status).toBe(422);
    expect((await autosave(agent, '/admin/posts/new/autosave', token, { ...fields({ body: 'A new idea.' }), draft_key: draftKey })).status).toBe(200);

    const next = await agent.get('/admin/posts/new');
    expect(next.text).toContain('You have unsaved changes from 14:05');
    const href = /You have unsaved changes from 14:05 — <a href="([^"]+)"/.exec(next.text)![1]!;
    const restored = await agent.get(href);
    expect(restored.text).toContain('A new idea.</textarea>');
    // The restored editor keeps the key, so its next copies and its save belong together.
    expect(restored.text).toContain(`name="draft_key" value="${draftKey}"`);

    // Another author never sees it, nor restores it.
    await makeUser(t.repos, 'author', 'bob');
    const bob = await loginAs(t, 'bob');
    expect((await bob.get('/admin/posts/new')).text).not.toContain('unsaved changes');
    expect((await bob.get(href)).text).not.toContain('A new idea.');

    const discard = await agent.post('/admin/posts/new/discard').type('form').send({ _csrf: token });
    expect(discard.status).toBe(303);
    expect((await agent.get('/admin/posts/new')).text).not.toContain('unsaved changes');
    expect(t.repos.revisions.latestUnsaved(alice.id)).toBeUndefined();
  });

  it('answers a logged-out autosave with the way to log in, and another author’s with 403, storing nothing', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    await makeUser(t.repos, 'author', 'bob');
    const id = makePost(t, alice);
    const bob = await loginAs(t, 'bob');
    const { token } = await openEditor(bob, '/admin/posts/new');
    expect((await autosave(bob, `/admin/posts/${id}/autosave`, token, fields())).status).toBe(403);
    const bad = await autosave(bob, '/admin/posts/new/autosave', 'stale', fields());
    expect(bad.status).toBe(403);
    expect(bad.body).toEqual({ error: expect.any(String) });
    const agent = await loginAs(t, 'alice');
    const { token: aliceToken } = await openEditor(agent, `/admin/posts/${id}/edit`);
    await agent.post('/admin/logout').type('form').send({ _csrf: aliceToken });
    const out = await autosave(agent, `/admin/posts/${id}/autosave`, aliceToken, fields());
    expect(out.status).toBe(302);
    expect(out.headers.location).toContain('/admin/login');
    expect(t.db.prepare('SELECT count(*) FROM post_revisions').pluck().get()).toBe(0);
  });

  it('does not keep text longer than any post may be', async () => {
    const alice = await makeUser(t.repos, 'author', 'alice');
    const id = makePost(t, alice);
    const agent = await loginAs(t, 'alice');
    const { token } = await openEditor(agent, `/admin/posts/${id}/edit`);
    const res = await autosave(agent, `/admin/posts/${id}/autosave`, token, fields({ body: 'x'.repeat(230_000) }));
    expect(res.status).toBe(413);
    expect(t.repos.revisions.list({ postId: id })).toEqual([]);
  });
});
