// `colloquy backup FILE` and `backup --restore FILE`: one private archive without
// sessions or secrets, and a restore that serves the same blog.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import * as tar from 'tar';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { buildContext } from '../src/compose.js';
import { runCli } from '../src/cli/commands.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { migrate } from '../src/db/migrate.js';
import { makePost, makeTestApp, makeUser, type TestContext, seedComment, loginAs } from './helpers/index.js';

const IMAGE = 'a'.repeat(32) + '.png';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e5b8a3e10000000049454e44ae426082', 'hex');

let t: TestContext;
let out: string;
beforeEach(() => {
  t = makeTestApp();
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-backup-'));
});
afterEach(() => {
  t.close();
  fs.rmSync(out, { recursive: true, force: true });
});

async function colloquy(args: string[], env: Record<string, string> = { DATABASE_PATH: t.config.databasePath }) {
  const lines: string[] = [];
  const errors: string[] = [];
  const code = await runCli(args, {
    env, out: (l) => lines.push(l), err: (l) => errors.push(l), write: () => {}, readPassword: async () => '',
  });
  return { code, stdout: lines.join('\n'), stderr: errors.join('\n') };
}

/** A blog in use: a post with a comment, an uploaded image and a signed-in session. */
async function blogInUse(): Promise<string> {
  const alice = await makeUser(t.repos, 'admin', 'alice');
  makePost(t, alice, { slug: 'kept', title: 'A post worth keeping' });
  seedComment(t.repos, t.repos.posts.findPublicBySlug('kept')!.id, { author_email: 'ada@example.com', body_md: 'First!' });
  fs.mkdirSync(path.join(t.config.dataDir, 'uploads'));
  fs.writeFileSync(path.join(t.config.dataDir, 'uploads', IMAGE), PNG);
  t.repos.uploads.insert({ user_id: alice.id, filename: IMAGE, original_name: 'dot.png', mime: 'image/png', size: PNG.length });
  await loginAs(t, 'alice');
  const sid = t.db.prepare('SELECT sid FROM sessions LIMIT 1').pluck().get() as string;
  expect(sid).toBeTruthy();
  return sid;
}

describe('colloquy backup', () => {
  it('writes one archive, mode 0600, with the database (no sessions, no secrets) and every upload', async () => {
    const sid = await blogInUse();
    const target = path.join(out, 'blog.tar.gz');
    const res = await colloquy(['backup', target]);
    expect(res).toMatchObject({ code: 0 });
    expect(res.stdout).toContain('1 uploaded file');
    expect(res.stdout).toContain(`keep a copy of ${t.config.keyFile}`);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    // Nothing else is left beside it: no temporary or staging files.
    expect(fs.readdirSync(out)).toEqual(['blog.tar.gz']);
    expect(fs.readdirSync(t.config.dataDir).filter((f) => f.startsWith('.'))).toEqual([]);

    const entries: string[] = [];
    await tar.list({ file: target, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries.sort()).toEqual(['colloquy.db', `uploads/${IMAGE}`]);

    const unpacked = path.join(out, 'unpacked');
    fs.mkdirSync(unpacked);
    await tar.extract({ file: target, cwd: unpacked });
    expect(fs.readFileSync(path.join(unpacked, 'uploads', IMAGE)).equals(PNG)).toBe(true);
    const file = path.join(unpacked, 'colloquy.db');
    const copy = new Database(file, { readonly: true });
    try {
      expect(copy.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(0);
      // No secret is left; the mail sender's checkpoint stays, so a restored blog announces no old post again.
      expect(copy.prepare("SELECT key FROM settings WHERE key LIKE 'internal:%'").pluck().all()).toEqual(['internal:mail_posts_checked_at']);
      expect(copy.prepare("SELECT title FROM posts WHERE slug = 'kept'").pluck().get()).toBe('A post worth keeping');
      expect(copy.prepare('SELECT author_email FROM comments').pluck().all()).toEqual(['ada@example.com']);
    } finally {
      copy.close();
    }
    // The live blog still has its session; the copy holds no trace of it, nor of the key.
    expect(t.db.prepare('SELECT count(*) FROM sessions').pluck().get()).toBe(1);
    const bytes = fs.readFileSync(file);
    expect(bytes.includes(sid)).toBe(false);
    expect(bytes.includes(fs.readFileSync(t.config.keyFile, 'utf8').trim())).toBe(false);
  });

  it('will not overwrite without --force, and refuses a folder or the database itself', async () => {
    await blogInUse();
    const target = path.join(out, 'blog.tar.gz');
    expect((await colloquy(['backup', target])).code).toBe(0);
    const before = fs.readFileSync(target);
    expect(await colloquy(['backup', target])).toMatchObject({ code: 1, stderr: `${target} exists already; add --force to replace it.` });
    expect(fs.readFileSync(target).equals(before)).toBe(true);
    expect((await colloquy(['backup', target, '--force'])).code).toBe(0);
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect((await colloquy(['backup', out])).code).toBe(2);
    expect((await colloquy(['backup', t.config.databasePath, '--force'])).code).toBe(2);
    expect((await colloquy(['backup'])).code).toBe(2);
    expect((await colloquy(['backup', '--help'])).stdout).toMatch(/^Usage: colloquy backup FILE \[--force\] \| backup --restore FILE/);
  });

  it('restores into an empty data folder, and the restored blog serves the same posts, comments, avatars and images', async () => {
    await blogInUse();
    const target = path.join(out, 'blog.tar.gz');
    expect((await colloquy(['backup', target])).code).toBe(0);
    const original = await request(t.app).get('/posts/kept');

    const dataDir = path.join(out, 'new-home', 'data');
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    // The key travels apart from backups; it may be put in place first.
    fs.copyFileSync(t.config.keyFile, path.join(dataDir, 'colloquy.key'));
    fs.chmodSync(path.join(dataDir, 'colloquy.key'), 0o600);
    const env = { DATABASE_PATH: path.join(dataDir, 'blog.db') };
    const restored = await colloquy(['backup', '--restore', target], env);
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.stdout).toContain('Restored the database and 1 uploaded file');
    expect(fs.readdirSync(dataDir).sort()).toEqual(['blog.db', 'colloquy.key', 'uploads']);

    const config = loadConfig({ ...env, SESSION_SECRET: 'test-secret-0123456789' }, out);
    const db = openDatabase(config.databasePath);
    migrate(db);
    const app = createApp(buildContext({ db, config }));
    try {
      const home = await request(app).get('/');
      expect(home.text).toContain('A post worth keeping');
      const page = await request(app).get('/posts/kept');
      expect(page.status).toBe(200);
      const avatars = (html: string) => html.match(/\/comments\/avatars\/[0-9a-f]+\.svg/g);
      expect(avatars(original.text)?.length).toBeGreaterThan(0);
      expect(avatars(page.text)).toEqual(avatars(original.text));
      expect(page.text).toContain('First!');
      const image = await request(app).get(`/uploads/${IMAGE}`).buffer(true);
      expect(image.status).toBe(200);
      expect(Buffer.from(image.body as Buffer).equals(PNG)).toBe(true);
    } finally {
      app.close();
      db.close();
    }

    // A second restore into the same, now full, folder is refused and changes nothing.
    const again = await colloquy(['backup', '--restore', target], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');
    expect(fs.readdirSync(dataDir).sort()).toEqual(['blog.db', 'colloquy.key', 'uploads']);
  });

  it('refuses an archive that is not a backup, leaving the folder empty', async () => {
    const bogus = path.join(out, 'bogus.tar.gz');
    fs.writeFileSync(bogus, 'not an archive at all');
    const env = { DATABASE_PATH: path.join(out, 'empty', 'blog.db') };
    const res = await colloquy(['backup', '--restore', bogus], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/not a readable Colloquy backup|holds no colloquy\.db/);
    expect(fs.readdirSync(path.join(out, 'empty'))).toEqual([]);
    expect((await colloquy(['backup', '--restore', path.join(out, 'missing.tar.gz')], env)).stderr).toContain('There is no archive');
  });
});
