import { afterEach, beforeEach, expect, it } from 'vitest';
import { bootstrap } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { verifyPassword } from '../src/users/passwords.js';
import { makeTestApp, makeUser, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

it('creates the administrator with a generated password and one welcome post, once', async () => {
  const result = await bootstrap(t, t.config);
  expect(result.createdAdmin).toBe('admin');
  const admin = t.repos.users.findByUsername('admin')!;
  expect(admin.role).toBe('admin');
  expect(await verifyPassword(result.generatedPassword!, admin.password_hash)).toBe(true);
  const posts = t.repos.posts.listPublic({ kind: 'all' }, 10, 0);
  expect(posts.map((p) => [p.title, p.author_id])).toEqual([['Welcome to Colloquy', admin.id]]);
  expect(posts[0]!.body_html).toContain('<h2');
  // The welcome post invites the author to choose the name it is signed with.
  expect(posts[0]!.body_html).toContain('<a href="/admin/account">Account page</a>');
  expect(posts[0]!.author_name).toBe('admin');

  expect(await bootstrap(t, t.config)).toEqual({});
  expect(t.repos.posts.countPublic({ kind: 'all' })).toBe(1);
  expect(t.repos.users.list()).toHaveLength(1);
});

it('uses ADMIN_USERNAME, ADMIN_PASSWORD and ADMIN_DISPLAY_NAME when given, and prints nothing', async () => {
  const config = loadConfig({ DATABASE_PATH: t.config.databasePath, PASSWORD_HASH_COST: String(t.config.passwordCost), ADMIN_USERNAME: 'editor', ADMIN_PASSWORD: 'chosen passphrase', ADMIN_DISPLAY_NAME: 'Mary Gardener' });
  const result = await bootstrap(t, config);
  expect(result).toEqual({ createdAdmin: 'editor' });
  expect(t.repos.users.findByUsername('editor')!.display_name).toBe('Mary Gardener');
  expect(t.repos.posts.listPublic({ kind: 'all' }, 10, 0)[0]!.author_name).toBe('Mary Gardener');
  expect(await verifyPassword('chosen passphrase', t.repos.users.findByUsername('editor')!.password_hash)).toBe(true);
});

it('promotes an existing author with the admin name when no administrator exists', async () => {
  await makeUser(t.repos, 'author', 'admin');
  const result = await bootstrap(t, t.config);
  expect(t.repos.users.list().map((u) => [u.username, u.role])).toEqual([['admin', 'admin']]);
  expect(await verifyPassword(result.generatedPassword!, t.repos.users.findByUsername('admin')!.password_hash)).toBe(true);
});
