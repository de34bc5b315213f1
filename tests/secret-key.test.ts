import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { avatarPath } from '../src/comments/avatar.js';
import { createCommentKeys } from '../src/comments/comment-keys.js';
import { buildContext } from '../src/compose.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { migrate } from '../src/db/migrate.js';
import { loadSecretKey } from '../src/keys/secret-key.js';
import { makePost, makeUser, seedComment } from './helpers/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * A migrated database in a new folder, as an older version left it. `content` writes
 * posts and comments: built with a COLLOQUY_KEY of its own while the database holds
 * no key, it neither writes a key file nor moves a key.
 */
function oldDatabase(env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-key-'));
  dirs.push(dir);
  const vars = { DATABASE_PATH: path.join(dir, 'blog.db'), SESSION_SECRET: 'test-secret-0123456789', ...env };
  const config = loadConfig(vars, dir);
  const db = openDatabase(config.databasePath);
  migrate(db);
  const content = buildContext({ db, config: loadConfig({ ...vars, COLLOQUY_KEY: 'c'.repeat(32) }, dir) });
  return { dir, config, db, repos: content.repos, content };
}

const LEGACY_KEY = 'Zm9yZ2V0LW1lLW5vdC10aGlzLWlzLXRoZS1vbGQta2V5';

describe('the secret key', () => {
  it('is made on first start in KEY_FILE beside the database, mode 0600, and not in the database', () => {
    const { dir, config, db, repos } = oldDatabase();
    const app = createApp(buildContext({ db, config }));
    const file = path.join(dir, 'colloquy.key');
    expect(config.keyFile).toBe(file);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(file, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(repos.settings.getInternal('comment_key')).toBeUndefined();
    // No temporary file is left beside it, and the next start reads the same key.
    expect(fs.readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(loadSecretKey(config, repos.settings)).toBe(key);
    app.close();
    db.close();
  });

  it("moves an existing database's key out, so avatars, address hashes and stamps stay the same", async () => {
    const { dir, config, db, repos, content } = oldDatabase();
    repos.settings.setInternal('comment_key', LEGACY_KEY);
    const author = await makeUser(repos);
    makePost(content, author, { slug: 'hello', title: 'Hello' });
    const postId = repos.posts.findPublicBySlug('hello')!.id;
    seedComment(repos, postId, { author_email: 'Ada@Example.com' });
    const before = createCommentKeys(LEGACY_KEY);

    const app = createApp(buildContext({ db, config }));
    expect(fs.readFileSync(path.join(dir, 'colloquy.key'), 'utf8').trim()).toBe(LEGACY_KEY);
    expect(repos.settings.getInternal('comment_key')).toBeUndefined();
    const page = await request(app).get('/posts/hello');
    expect(page.status).toBe(200);
    expect(page.text).toContain(avatarPath(before.hash('avatar', 'ada@example.com')));
    // A stamp signed before the move is still ours.
    expect(createCommentKeys(loadSecretKey(config, repos.settings)).stampTime(before.stamp(1_000))).toBe(1_000);
    app.close();
    db.close();
  });

  it('leaves no copy of the moved key in the database file or its log', () => {
    const { config, db, repos } = oldDatabase();
    repos.settings.setInternal('comment_key', LEGACY_KEY);
    // Settings written after the key, as a blog in use has them, share its page.
    repos.settings.save({ title: 'A blog', moderation_blocklist: 'x'.repeat(5000) });
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.readFileSync(config.databasePath).includes(LEGACY_KEY)).toBe(true);

    loadSecretKey(config, repos.settings);
    const files = [config.databasePath, `${config.databasePath}-wal`].filter((f) => fs.existsSync(f));
    for (const file of files) expect(fs.readFileSync(file).includes(LEGACY_KEY), file).toBe(false);
    expect(repos.settings.load().title).toBe('A blog');
    db.close();
  });

  it('takes COLLOQUY_KEY over KEY_FILE', async () => {
    const envKey = 'k'.repeat(40);
    const { dir, config, db, repos, content } = oldDatabase({ COLLOQUY_KEY: envKey });
    fs.writeFileSync(path.join(dir, 'colloquy.key'), `${'f'.repeat(40)}\n`, { mode: 0o600 });
    expect(loadSecretKey(config, repos.settings)).toBe(envKey);
    const author = await makeUser(repos);
    makePost(content, author, { slug: 'hello' });
    seedComment(repos, repos.posts.findPublicBySlug('hello')!.id, { author_email: 'bo@example.com' });
    const app = createApp(buildContext({ db, config }));
    const page = await request(app).get('/posts/hello');
    expect(page.text).toContain(avatarPath(createCommentKeys(envKey).hash('avatar', 'bo@example.com')));
    app.close();
    db.close();
  });

  it('keeps an old database key in KEY_FILE even when COLLOQUY_KEY is given, rather than lose it', () => {
    const { dir, config, db, repos } = oldDatabase({ COLLOQUY_KEY: 'k'.repeat(40) });
    repos.settings.setInternal('comment_key', LEGACY_KEY);
    expect(loadSecretKey(config, repos.settings)).toBe('k'.repeat(40));
    expect(fs.readFileSync(path.join(dir, 'colloquy.key'), 'utf8').trim()).toBe(LEGACY_KEY);
    expect(repos.settings.getInternal('comment_key')).toBeUndefined();
    db.close();
  });

  it('refuses a key file others can read, a short key, and two different keys', () => {
    const { dir, config, db, repos } = oldDatabase();
    const file = path.join(dir, 'colloquy.key');
    fs.writeFileSync(file, `${'a'.repeat(40)}\n`, { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => loadSecretKey(config, repos.settings)).toThrow(/chmod 600/);
    fs.chmodSync(file, 0o600);
    fs.writeFileSync(file, 'short\n');
    expect(() => loadSecretKey(config, repos.settings)).toThrow(ConfigError);
    fs.writeFileSync(file, `${'a'.repeat(40)}\n`);
    repos.settings.setInternal('comment_key', LEGACY_KEY);
    expect(() => loadSecretKey(config, repos.settings)).toThrow(/different one/);
    // Nothing was lost: the database still holds its key.
    expect(repos.settings.getInternal('comment_key')).toBe(LEGACY_KEY);
    db.close();
  });

  it('reads KEY_FILE and COLLOQUY_KEY from the environment, refusing a short COLLOQUY_KEY', () => {
    expect(loadConfig({ KEY_FILE: 'secrets/blog.key' }, '/srv/blog').keyFile).toBe(path.resolve('/srv/blog/secrets/blog.key'));
    expect(loadConfig({ DATABASE_PATH: 'var/b.db' }, '/srv/blog').keyFile).toBe(path.resolve('/srv/blog/var/colloquy.key'));
    expect(loadConfig({ COLLOQUY_KEY: 'x'.repeat(32) }).secretKey).toBe('x'.repeat(32));
    expect(() => loadConfig({ COLLOQUY_KEY: 'x'.repeat(31) })).toThrow('COLLOQUY_KEY must be at least 32 characters long');
  });
});
