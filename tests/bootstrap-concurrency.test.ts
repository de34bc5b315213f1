// Two starts at once on an empty database (two processes, or a restart loop): one
// creates the administrator, and only that one prints a password, which works.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { bootstrap } from '../src/bootstrap.js';
import { verifyPassword } from '../src/users/passwords.js';
import { makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

it('reports a generated password only from the start that created the administrator', async () => {
  // Both see no administrator before either has hashed its password.
  const results = await Promise.all([bootstrap(t, t.config), bootstrap(t, t.config)]);
  const printed = results.filter((r) => r.generatedPassword !== undefined);
  expect(printed).toHaveLength(1);
  expect(await verifyPassword(printed[0]!.generatedPassword!, t.repos.users.findByUsername('admin')!.password_hash)).toBe(true);
  expect(results.filter((r) => r.createdAdmin !== undefined)).toHaveLength(1);
  expect(t.repos.users.list()).toHaveLength(1);
});
