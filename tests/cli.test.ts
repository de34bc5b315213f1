// The command line: each command in-process on a temporary database, and the real
// entry spawned as a person runs it for standard input, exit codes and a bad environment.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/commands.js';
import { openDatabase } from '../src/db/open.js';
import { createRepositories } from '../src/repositories.js';
import { verifyPassword } from '../src/users/passwords.js';

const root = path.resolve(import.meta.dirname, '..');
// tsx by its full path: the commands run in a temporary folder that has no node_modules.
const entry = ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/cli.ts')];
let dir: string;
let dbPath: string;

/** Runs a command line in-process; `password` is what the person would type or pipe in. */
async function colloquy(args: string[], password = '') {
  const out: string[] = [];
  const err: string[] = [];
  const asked: boolean[] = [];
  const code = await runCli(args, {
    env: { DATABASE_PATH: dbPath },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readPassword: async (fromStdin) => { asked.push(fromStdin); return password; },
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), asked };
}

/** The real entry as a separate process. */
function spawnColloquy(args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: dir, input, encoding: 'utf8', timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', DATABASE_PATH: dbPath, ...env },
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

describe('colloquy commands', () => {
  it('lists its commands with --help, and each command explains itself without touching the database', async () => {
    const main = await colloquy(['--help']);
    expect(main.code).toBe(0);
    for (const name of ['migrate', 'user add', 'user passwd', 'rerender', 'backup']) expect(main.stdout).toContain(name);
    expect((await colloquy([])).code).toBe(2);
    for (const args of [['migrate'], ['user', 'add'], ['user', 'passwd'], ['rerender'], ['backup']]) {
      const help = await colloquy([...args, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: colloquy ${args.join(' ')}`));
    }
    expect((await colloquy(['user', 'add', '-h'])).stdout).toContain('--role admin|author');
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it('migrates a new database, creating its folder, and says when it is up to date', async () => {
    expect(await colloquy(['migrate'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Applied 001-initial\.sql/) });
    expect(await colloquy(['migrate'])).toMatchObject({ code: 0, stdout: 'The database is up to date.' });
  });

  it('adds a user, and refuses a taken name, an unknown role, a short password and bad arguments', async () => {
    const added = await colloquy(['user', 'add', 'carol', '--role', 'author', '--display-name', 'Carol K', '--email', 'c@example.org'], 'a long passphrase');
    expect(added).toMatchObject({ code: 0, stdout: 'Created author "carol".', asked: [false] });
    const carol = withRepos((r) => r.users.findByUsername('carol'))!;
    expect(carol).toMatchObject({ role: 'author', display_name: 'Carol K', email: 'c@example.org' });
    expect(await verifyPassword('a long passphrase', carol.password_hash)).toBe(true);

    expect(await colloquy(['user', 'add', 'Carol', '--role', 'admin'], 'another passphrase')).toMatchObject({
      code: 1, stderr: 'A user named "Carol" already exists.', asked: [],
    });
    expect(await colloquy(['user', 'add', 'dave', '--role', 'editor'], 'a long passphrase')).toMatchObject({
      code: 2, stderr: 'Unknown role "editor": use admin or author.',
    });
    expect(await colloquy(['user', 'add', 'dave'], 'a long passphrase')).toMatchObject({ code: 2, stderr: '--role is required: admin or author.' });
    expect(await colloquy(['user', 'add', 'dave', '--role', 'admin'], 'short')).toMatchObject({
      code: 1, stderr: 'The password must be at least 10 characters long; nothing was changed.',
    });
    expect((await colloquy(['user', 'add', 'bad name', '--role', 'admin'], 'a long passphrase')).code).toBe(2);
    expect((await colloquy(['user', 'add', 'dave', '--role', 'admin', '--bogus'])).stderr).toMatch(/^Unknown option '--bogus'/);
    expect((await colloquy(['user', 'add', 'dave', 'erin', '--role', 'admin'])).code).toBe(2);
    expect(withRepos((r) => r.users.list().map((u) => u.username))).toEqual(['carol']);
  });

  it('changes a password, and names an unknown user', async () => {
    expect((await colloquy(['user', 'passwd', 'carol', '--password-stdin'], 'a brand new passphrase')).asked).toEqual([true]);
    expect(await verifyPassword('a brand new passphrase', withRepos((r) => r.users.findByUsername('carol'))!.password_hash)).toBe(true);
    expect(await colloquy(['user', 'passwd', 'nobody'], 'a long passphrase')).toMatchObject({
      code: 1, stderr: 'There is no user named "nobody".',
    });
  });

  it('renders stored post HTML again from the Markdown', async () => {
    withRepos((r) => {
      const author = r.users.findByUsername('carol')!;
      const id = r.postsService.create({
        kind: 'post', author_id: author.id, title: 'Stale', slug: '', body_md: 'Fresh *words*.', excerpt: '',
        tags: [], status: 'published', published_at: null, comments_open: true,
      });
      r.posts.setRendered(id, '<p>stale html</p>', 'stale');
    });
    expect(await colloquy(['rerender'])).toMatchObject({ code: 0, stdout: 'Rendered 1 post again.' });
    const post = withRepos((r) => r.posts.findBySlug('stale'))!;
    expect(post.body_html).toContain('<em>words</em>');
    expect(post.summary).toBe('Fresh words.');
  });

  it('backs up to a file that opens as the same blog, and will not overwrite without --force', async () => {
    const target = path.join(dir, 'backups', 'copy.db');
    expect((await colloquy(['backup', target])).code).toBe(0);
    const copy = openDatabase(target);
    expect(createRepositories(copy).users.findByUsername('carol')).toBeDefined();
    copy.close();
    expect(await colloquy(['backup', target])).toMatchObject({ code: 1, stderr: `${target} exists already; add --force to replace it.` });
    expect((await colloquy(['backup', target, '--force'])).code).toBe(0);
    expect((await colloquy(['backup', dbPath, '--force'])).code).toBe(2);
    expect((await colloquy(['backup'])).code).toBe(2);
  });

  it('rejects an unknown command with exit code 2', async () => {
    expect(await colloquy(['frobnicate'])).toMatchObject({ code: 2, stderr: 'Unknown command "frobnicate". Run `colloquy --help` for the list.' });
  });
});

describe('colloquy as a process', { timeout: 30_000 }, () => {
  it('reads a password from standard input, dropping the one newline a pipe adds', async () => {
    const r = spawnColloquy(['user', 'add', 'frank', '--role', 'admin', '--password-stdin'], 'pass phrase with spaces \n');
    expect(r).toMatchObject({ code: 0, stdout: 'Created admin "frank".\n' });
    expect(await verifyPassword('pass phrase with spaces ', withRepos((x) => x.users.findByUsername('frank'))!.password_hash)).toBe(true);
  });

  // util-linux's `script` gives the command a real terminal, as a person at a shell has.
  it.skipIf(!fs.existsSync('/usr/bin/script'))('asks twice at a hidden prompt on a terminal, echoing nothing', async () => {
    const command = [process.execPath, ...entry, 'user', 'passwd', 'frank'].map((a) => `'${a}'`).join(' ');
    const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], {
      cwd: dir, env: { PATH: process.env.PATH ?? '', DATABASE_PATH: dbPath, TERM: 'dumb' },
    });
    let screen = '';
    let answered = 0;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk;
      // Answer each prompt once it shows, as a person would.
      const prompts = screen.split(/Password(?: again)?: /).length - 1;
      for (; answered < Math.min(prompts, 2); answered++) child.stdin.write('typed at the terminal\r');
    });
    const stuck = setTimeout(() => child.kill(), 15_000);
    const code = await new Promise((resolve) => child.on('exit', resolve));
    clearTimeout(stuck);
    expect(code).toBe(0);
    expect(screen).toContain('Password again: ');
    expect(screen).toContain('Changed the password of "frank".');
    expect(screen).not.toContain('typed at the terminal');
    expect(await verifyPassword('typed at the terminal', withRepos((x) => x.users.findByUsername('frank'))!.password_hash)).toBe(true);
  });

  it('says to use --password-stdin when there is no terminal to prompt on', () => {
    expect(spawnColloquy(['user', 'passwd', 'frank'])).toMatchObject({
      code: 1, stderr: 'No terminal to ask for the password on: pipe it in with --password-stdin.\n',
    });
  });

  it('stops on a bad environment value with a clear message and exit code 2', () => {
    expect(spawnColloquy(['migrate'], '', { PORT: 'abc' })).toMatchObject({
      code: 2, stderr: 'Configuration error: PORT must be a whole number from 0 to 65535; got "abc"\n',
    });
  });
});
