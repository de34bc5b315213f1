// Two administrators (or two clicks) adding the same name at once: the name check
// runs before the slow password hash, so it is made again inside the write.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loginAs, makeUser, makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

describe('adding the same user twice at once', () => {
  it('adds one and answers the other with the form, not a 500', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const token = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/admin/users')).text)![1]!;
    const fields = { username: 'carol', display_name: 'Carol', email: '', role: 'author', password: 'a long enough password', _csrf: token };
    // Both pass the "is the name free" check before either has hashed its password.
    const answers = await Promise.all([agent.post('/admin/users').type('form').send(fields), agent.post('/admin/users').type('form').send(fields)]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 422]);
    expect(answers.find((r) => r.status === 422)!.text).toContain('That username is taken.');
    expect(t.db.prepare("SELECT count(*) AS n FROM users WHERE username = 'carol'").get()).toEqual({ n: 1 });
  });
});
