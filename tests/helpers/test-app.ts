// A test app on a fresh temporary SQLite file, migrated, with nothing global to stub.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app.js';
import type { Clock } from '../../src/clock.js';
import { buildContext } from '../../src/compose.js';
import type { AppContext } from '../../src/context.js';
import type { ContextDeps } from '../../src/compose.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Db } from '../../src/db/open.js';
import { migrate } from '../../src/db/migrate.js';
import type { Repositories } from '../../src/repositories.js';
import type { PostDraft } from '../../src/posts/posts-service.js';
import type { Role, User } from '../../src/users/users-repository.js';
import { hashPassword } from '../../src/users/passwords.js';

export interface TestContext {
  app: ReturnType<typeof createApp>;
  db: Db;
  repos: Repositories;
  services: AppContext['services'];
  clock: Clock;
  /** Everything the composition root built, as the app has it. */
  ctx: AppContext;
  config: Config;
  dir: string;
  close(): void;
}

// Password hashes in tests are made at scrypt's lowest allowed cost: the suite logs in
// hundreds of times, and the cost rule is tested on its own.
export const TEST_PASSWORD_COST = 14;

/**
 * A migrated database in a new temporary folder, and the app over it; `clock` moves time
 * for tests of expiry; `oidc` shortens the sign-in providers' time limit or tampers with their answers.
 */
export function makeTestApp(env: Record<string, string> = {}, { clock, oidc }: { clock?: Clock; oidc?: ContextDeps['oidc'] } = {}): TestContext {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-test-'));
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'test.db'),
    SESSION_SECRET: 'test-secret-0123456789',
    PASSWORD_HASH_COST: String(TEST_PASSWORD_COST),
    ...env,
  }, dir);
  const db = openDatabase(config.databasePath);
  migrate(db);
  const ctx = buildContext({ db, config, clock, oidc });
  const app = createApp(ctx);
  return {
    app, db, repos: ctx.repos, services: ctx.services, clock: ctx.clock, ctx, config, dir,
    close() {
      app.close();
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const PASSWORD = 'correct horse battery';

let userCounter = 0;
// One scrypt hash shared by every test user keeps the suite fast.
let passwordHash: Promise<string> | undefined;

/** A user whose password is PASSWORD. */
export async function makeUser(repos: Repositories, role: Role = 'admin', username = `user${++userCounter}`): Promise<User> {
  const hash = await (passwordHash ??= hashPassword(PASSWORD, TEST_PASSWORD_COST));
  return repos.users.create({ username, display_name: username.charAt(0).toUpperCase() + username.slice(1), password_hash: hash, role });
}

/** A published post (unless overridden) by `author`; returns its id. */
export function makePost(t: Pick<TestContext, 'services'>, author: User, overrides: Partial<PostDraft> = {}): number {
  return t.services.posts.create({
    kind: 'post',
    author_id: author.id,
    title: 'A post',
    slug: '',
    body_md: 'Some *text*.',
    excerpt: '',
    tags: [],
    status: 'published',
    published_at: new Date(Date.now() - 60_000),
    comments_open: true,
    ...overrides,
  });
}
