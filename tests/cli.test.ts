// The command line, run as a person runs it: a separate process on a temporary database.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/db/open.js';
import { createRepositories } from '../src/repositories.js';
import { verifyPassword } from '../src/users/passwords.js';

const root = path.resolve(import.meta.dirname, '..');
// tsx by its full path: the commands run in a temporary folder that has no node_modules.
const cli = ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/cli.ts')];
let dir: string;
let dbPath: string;

function colloquy(args: string[], input = '') {
  const r = spawnSync(process.execPath, [...cli, ...args], {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', DATABASE_PATH: dbPath },
    timeout: 30_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function withRepos<T>(fn: (repos: ReturnType<typeof createRepositories>) => T): T {
  const db = openDatabase(dbPath);
  try {
    return fn(createRepositories(db));
  } finally {
    db.close();
  }
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-cli-'));
  dbPath = path.join(dir, 'data', 'blog.db');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('colloquy', { timeout: 30_000 }, () => {
  it('lists its commands with --help, and each command explains itself', () => {
    const main = colloquy(['--help']);
    expect(main.code).toBe(0);
    for (const name of ['migrate', 'user add', 'user passwd', 'rerender', 'backup']) expect(main.stdout).toContain(name);
    const add = colloquy(['user', 'add', '--help']);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain('Usage: colloquy user add NAME --role admin|author');
    expect(add.stdout).toContain('--password-stdin');
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it('migrates a new database, creating its folder, and says when it is up to date', () => {
    const first = colloquy(['migrate']);
    expect(first).toMatchObject({ code: 0, stdout: 'Applied 001-initial.sql.\n' });
    expect(colloquy(['migrate'])).toMatchObject({ code: 0, stdout: 'The database is up to date.\n' });
  });

  it('adds a user with a password from standard input, and refuses bad requests with clear exit codes', async () => {
    const added = colloquy(['user', 'add', 'carol', '--role', 'author', '--display-name', 'Carol K', '--password-stdin'], 'a long passphrase\n');
    expect(added).toMatchObject({ code: 0, stdout: 'Created author "carol".\n' });
    const carol = withRepos((r) => r.users.findByUsername('carol'))!;
    expect(carol).toMatchObject({ role: 'author', display_name: 'Carol K' });
    expect(await verifyPassword('a long passphrase', carol.password_hash)).toBe(true);

    expect(colloquy(['user', 'add', 'Carol', '--role', 'admin', '--password-stdin'], 'another passphrase')).toMatchObject({
      code: 1, stderr: 'A user named "Carol" already exists.\n',
    });
    expect(colloquy(['user', 'add', 'dave', '--role', 'editor', '--password-stdin'], 'a long passphrase')).toMatchObject({
      code: 2, stderr: 'Unknown role "editor": use admin or author.\n',
    });
    expect(colloquy(['user', 'add', 'dave', '--password-stdin'], 'a long passphrase').code).toBe(2);
    expect(colloquy(['user', 'add', 'dave', '--role', 'admin', '--password-stdin'], 'short\n')).toMatchObject({
      code: 1, stderr: 'The password must be at least 10 characters long; nothing was changed.\n',
    });
    // No terminal and no --password-stdin: nothing to prompt on.
    const noTty = colloquy(['user', 'add', 'dave', '--role', 'admin']);
    expect(noTty.code).toBe(1);
    expect(noTty.stderr).toContain('--password-stdin');
    expect(colloquy(['user', 'add', 'dave', '--role', 'admin', '--bogus']).code).toBe(2);
    expect(withRepos((r) => r.users.findByUsername('dave'))).toBeUndefined();
  });

  it('changes a password, and names an unknown user', async () => {
    expect(colloquy(['user', 'passwd', 'carol', '--password-stdin'], 'a brand new passphrase\r\n').code).toBe(0);
    const carol = withRepos((r) => r.users.findByUsername('carol'))!;
    expect(await verifyPassword('a brand new passphrase', carol.password_hash)).toBe(true);
    expect(colloquy(['user', 'passwd', 'nobody', '--password-stdin'], 'a long passphrase')).toMatchObject({
      code: 1, stderr: 'There is no user named "nobody".\n',
    });
  });

  it('renders stored post HTML again from the Markdown', () => {
    withRepos((r) => {
      const author = r.users.findByUsername('carol')!;
      const id = r.postsService.create({
        kind: 'post', author_id: author.id, title: 'Stale', slug: '', body_md: 'Fresh *words*.', excerpt: '',
        tags: [], status: 'published', published_at: null, comments_open: true,
      });
      r.posts.setRendered(id, '<p>stale html</p>', 'stale');
    });
    expect(colloquy(['rerender'])).toMatchObject({ code: 0, stdout: 'Rendered 1 post again.\n' });
    const post = withRepos((r) => r.posts.findBySlug('stale'))!;
    expect(post.body_html).toContain('<em>words</em>');
    expect(post.summary).toBe('Fresh words.');
  });

  it('backs up to a file that opens as the same blog, and will not overwrite without --force', () => {
    const target = path.join(dir, 'backups', 'copy.db');
    const first = colloquy(['backup', target]);
    expect(first.code).toBe(0);
    const copy = openDatabase(target);
    expect(createRepositories(copy).users.findByUsername('carol')).toBeDefined();
    copy.close();
    expect(colloquy(['backup', target]).code).toBe(1);
    expect(colloquy(['backup', target, '--force']).code).toBe(0);
    expect(colloquy(['backup']).code).toBe(2);
  });

  it('rejects an unknown command and a bad environment with exit code 2', () => {
    expect(colloquy(['frobnicate'])).toMatchObject({ code: 2 });
    const r = spawnSync(process.execPath, [...cli, 'migrate'], {
      cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', DATABASE_PATH: dbPath, PORT: 'abc' },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('Configuration error: PORT must be a whole number from 0 to 65535; got "abc"\n');
  });
});
