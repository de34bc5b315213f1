// The command line: each command in-process on a temporary database, and the real
// entry spawned as a person runs it for standard input, exit codes and a bad environment.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/commands.js';
import { buildContext } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { openDatabase, type Db } from '../src/db/open.js';
import type { Repositories } from '../src/repositories.js';
import type { Services } from '../src/services.js';
import { verifyPassword } from '../src/users/passwords.js';
import { writeFileAtomically } from '../src/cli/write-atomically.js';
import { TEST_PASSWORD_COST } from './helpers/index.js';

const root = path.resolve(import.meta.dirname, '..');
// tsx by its full path: the commands run in a temporary folder that has no node_modules.
const entry = ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/cli.ts')];
let dir: string;
let dbPath: string;

/**
 * Runs a command line in-process; `password` is what the person would type or pipe in.
 * `stdout` is the lines the command said; `written` the raw text it wrote (an export).
 */
async function colloquy(args: string[], password = '', database = dbPath) {
  const out: string[] = [];
  const err: string[] = [];
  const written: string[] = [];
  const asked: boolean[] = [];
  const code = await runCli(args, {
    env: { DATABASE_PATH: database, BASE_URL: 'https://blog.example', PASSWORD_HASH_COST: String(TEST_PASSWORD_COST) },
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    write: (chunk) => written.push(chunk),
    readPassword: async (fromStdin) => { asked.push(fromStdin); return password; },
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n'), written: written.join(''), asked };
}

/** The real entry as a separate process. */
function spawnColloquy(args: string[], input = '', env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [...entry, ...args], {
    cwd: dir, input, encoding: 'utf8', timeout: 30_000,
    env: { PATH: process.env.PATH ?? '', DATABASE_PATH: dbPath, PASSWORD_HASH_COST: String(TEST_PASSWORD_COST), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `fn` over the repositories of `database`, with the database itself and the services for setting up. */
function withRepos<T>(fn: (repos: Repositories, more: { db: Db; services: Services }) => T, database = dbPath): T {
  const db = openDatabase(database);
  try {
    const ctx = buildContext({ db, config: loadConfig({ DATABASE_PATH: database, PASSWORD_HASH_COST: String(TEST_PASSWORD_COST) }, dir) });
    return fn(ctx.repos, { db, services: ctx.services });
  } finally {
    db.close();
  }
}

let blogs = 0;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-cli-'));
});
// Each test has its own blog, in a folder not made yet, and makes its own people and posts.
beforeEach(() => {
  dbPath = path.join(dir, `blog-${++blogs}`, 'blog.db');
});

/** A person made through the command line itself, with the password `a long passphrase`. */
async function addUser(name: string, role = 'author', database = dbPath) {
  const added = await colloquy(['user', 'add', name, '--role', role, '--password-stdin'], 'a long passphrase', database);
  expect(added.code).toBe(0);
}

/** A published post by `author`, stored straight through the posts service. */
function addPost(author: string, title: string, body = 'New.') {
  return withRepos((r, { services }) => services.posts.create({
    kind: 'post', author_id: r.users.findByUsername(author)!.id, title, slug: '', body_md: body, excerpt: '',
    tags: [], status: 'published', published_at: null, comments_open: true,
  }));
}
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('colloquy commands', () => {
  it('lists its commands with --help, and each command explains itself without touching the database', async () => {
    const main = await colloquy(['--help']);
    expect(main.code).toBe(0);
    for (const name of ['migrate', 'user add', 'user passwd', 'rerender', 'import-wxr', 'export-wxr', 'backup', 'erase-commenter']) expect(main.stdout).toContain(name);
    expect((await colloquy([])).code).toBe(2);
    for (const args of [['migrate'], ['user', 'add'], ['user', 'passwd'], ['rerender'], ['import-wxr'], ['export-wxr'], ['backup'], ['erase-commenter']]) {
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
    // The command line's change is in the audit trail, by nobody signed in.
    expect(withRepos((r) => r.audit.list(10, 0).map((e) => [e.action, e.user_id, e.detail]))).toEqual([['user.create', null, 'carol as author']]);
  });

  it('takes names of up to 60 characters, as the desk does', async () => {
    await addUser('n'.repeat(60));
    expect((await colloquy(['user', 'add', 'n'.repeat(61), '--role', 'author'], 'a long passphrase')).code).toBe(2);
  });

  it('changes a password, and names an unknown user', async () => {
    await addUser('carol');
    expect((await colloquy(['user', 'passwd', 'carol', '--password-stdin'], 'a brand new passphrase')).asked).toEqual([true]);
    expect(await verifyPassword('a brand new passphrase', withRepos((r) => r.users.findByUsername('carol'))!.password_hash)).toBe(true);
    const carolId = withRepos((r) => r.users.findByUsername('carol'))!.id;
    expect(withRepos((r) => r.audit.list(1, 0)[0])).toMatchObject({ action: 'user.password-reset', user_id: null, subject: `user:${carolId}` });
    expect(await colloquy(['user', 'passwd', 'carol'], 'short')).toMatchObject({
      code: 1, stderr: 'The password must be at least 10 characters long; nothing was changed.',
    });
    expect(await colloquy(['user', 'passwd', 'nobody'], 'a long passphrase')).toMatchObject({
      code: 1, stderr: 'There is no user named "nobody".',
    });
  });

  it("renders stored post and comment HTML again from the Markdown, leaving the comment's edit time alone", async () => {
    await addUser('carol');
    const postId = addPost('carol', 'Stale', 'Fresh *words*.');
    const commentId = withRepos((r) => {
      r.posts.setRendered(postId, '<p>stale html</p>', 'stale');
      const comment = r.comments.insert({
        post_id: postId, parent_id: null, user_id: null, author_name: 'Reader', author_email: 'r@example.org', author_url: '',
        body_md: 'A *fresh* reply, see https://example.org/?a=1#b', body_html: '<p>stale comment</p>', status: 'approved',
        held_reason: '', ip_hash: '', user_agent: '',
      }, '2025-05-05T10:00:00.000Z');
      return comment;
    });
    expect(await colloquy(['rerender'])).toMatchObject({ code: 0, stdout: 'Rendered 1 post and 1 comment again.' });
    const post = withRepos((r) => r.posts.findBySlug('stale'))!;
    expect(post.body_html).toContain('<em>words</em>');
    expect(post.summary).toBe('Fresh words.');
    const comment = withRepos((r) => r.comments.findById(commentId))!;
    expect(comment.body_html).toContain('A <em>fresh</em> reply');
    expect(comment.body_html).toContain('<a href="https://example.org/?a=1#b" rel="nofollow ugc noopener">');
    expect(comment.body_html).not.toContain('stale');
    expect(comment.updated_at).toBe('2025-05-05T10:00:00.000Z');
  });

  it('explains a group and each command through --help and help, as a person asks', async () => {
    for (const args of [['user', '--help'], ['user', '-h'], ['help', 'user'], ['user', 'help']]) {
      const r = await colloquy(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout, args.join(' ')).toMatch(/^Usage: colloquy user <command>/);
      for (const usage of ['user add NAME --role admin|author', 'user passwd NAME', 'user rename OLD NEW', 'user display-name NAME TEXT']) expect(r.stdout).toContain(usage);
    }
    // `user` alone is an unfinished command: the same list, as bad usage.
    expect(await colloquy(['user'])).toMatchObject({ code: 2, stdout: expect.stringMatching(/^Usage: colloquy user <command>/) });
    for (const args of [['help', 'user', 'rename'], ['help', 'backup'], ['user', 'display-name', '--help'], ['help', 'export-wxr']]) {
      const r = await colloquy(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^Usage: colloquy ${args.filter((a) => a !== 'help' && a !== '--help').join(' ')}`));
      expect(r.stdout).toContain('Exit codes: 0 done, 1 refused or failed, 2 bad usage.');
    }
    expect((await colloquy(['help', 'backup'])).stdout).toContain('--restore FILE');
    expect(await colloquy(['help', 'frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('There is no command "frobnicate"') });
    const unknown = await colloquy(['user', 'frob']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown command "user frob"\.\n\nUsage: colloquy user <command>/);
    expect(fs.existsSync(dbPath)).toBe(false);
  });

  it('renames a user by the username rule, keeps the audit trail, and refuses a taken or bad name', async () => {
    await addUser('admin', 'admin');
    await addUser('bob');
    withRepos((r) => r.users.setDisplayName(r.users.findByUsername('bob')!.id, 'Bob the Builder'));
    const adminId = withRepos((r) => r.users.findByUsername('admin'))!.id;
    const postId = addPost('admin', 'Signed');
    withRepos((r) => r.comments.insert({
      post_id: postId, parent_id: null, user_id: adminId, author_name: 'admin', author_email: '', author_url: '',
      body_md: 'Staff reply.', body_html: '<p>Staff reply.</p>', status: 'approved', held_reason: '', ip_hash: '', user_agent: '',
    }));
    expect(await colloquy(['user', 'rename', 'admin', 'mary'])).toMatchObject({ code: 0, stdout: 'Renamed "admin" to "mary".' });
    // Never chosen, the display name followed the username, on the posts and the staff reply alike.
    expect(withRepos((r) => r.users.findById(adminId))).toMatchObject({ username: 'mary', display_name: 'mary' });
    expect(withRepos((r) => r.posts.findPublicBySlug('signed'))!.author_name).toBe('mary');
    expect(withRepos((r) => r.comments.listForReader(postId, []))[0]!.author_name).toBe('mary');
    expect(withRepos((r) => r.audit.list(1, 0)[0])).toMatchObject({ action: 'user.rename', user_id: null, subject: `user:${adminId}`, detail: 'admin → mary' });

    expect(await colloquy(['user', 'rename', 'bob', 'bobby'])).toMatchObject({ code: 0 });
    // A chosen display name stays.
    expect(withRepos((r) => r.users.findByUsername('bobby'))).toMatchObject({ display_name: 'Bob the Builder' });
    expect(await colloquy(['user', 'rename', 'bobby', 'MARY'])).toMatchObject({ code: 1, stderr: 'Cannot rename "bobby" to "MARY": That username is taken. Nothing was changed.' });
    expect((await colloquy(['user', 'rename', 'bobby', 'bad name'])).stderr).toContain('Use 1 to 60 letters');
    expect(await colloquy(['user', 'rename', 'nobody', 'x'])).toMatchObject({ code: 1, stderr: 'There is no user named "nobody".' });
    expect((await colloquy(['user', 'rename', 'bobby'])).code).toBe(2);
    // Changing only the capitals of one's own name is allowed.
    expect(await colloquy(['user', 'rename', 'mary', 'Mary'])).toMatchObject({ code: 0 });
    expect(withRepos((r) => r.users.list().map((u) => u.username))).toEqual(['bobby', 'Mary']);
  });

  it('sets a display name, which signs the posts at once, by the Account page\'s rule', async () => {
    await addUser('admin', 'admin');
    addPost('admin', 'Signed');
    expect(await colloquy(['user', 'display-name', 'admin', '  Mary Gardener '])).toMatchObject({ code: 0, stdout: '"admin" now signs as "Mary Gardener".' });
    expect(withRepos((r) => r.posts.findPublicBySlug('signed'))!.author_name).toBe('Mary Gardener');
    expect(withRepos((r) => r.audit.list(1, 0)[0])).toMatchObject({ action: 'user.profile', user_id: null, detail: 'display name' });
    expect(await colloquy(['user', 'display-name', 'admin', '   '])).toMatchObject({ code: 1, stderr: expect.stringContaining('Give the name readers should see') });
    expect((await colloquy(['user', 'display-name', 'admin', 'x'.repeat(101)])).stderr).toContain('at most 100 characters');
    expect(await colloquy(['user', 'display-name', 'nobody', 'X'])).toMatchObject({ code: 1, stderr: 'There is no user named "nobody".' });
    expect(withRepos((r) => r.users.findByUsername('admin'))!.display_name).toBe('Mary Gardener');
  });

  it('rejects an unknown command with exit code 2', async () => {
    expect(await colloquy(['frobnicate'])).toMatchObject({ code: 2, stderr: 'Unknown command "frobnicate". Run `colloquy --help` for the list.' });
  });
});

describe('colloquy import-wxr and export-wxr', () => {
  const fixture = path.join(root, 'tests/fixtures/wordpress-export.xml');
  let n = 0;
  /** A fresh database file for one test. */
  const freshDb = () => path.join(dir, `wxr-${++n}.db`);
  const count = (database: string) => withRepos((_r, { db }) => ({
    posts: db.prepare('SELECT count(*) FROM posts').pluck().get(),
    comments: db.prepare('SELECT count(*) FROM comments').pluck().get(),
    users: db.prepare('SELECT count(*) FROM users').pluck().get(),
  }), database);

  it('imports a WordPress export, says what came in, and names the authors who need a password', async () => {
    const db = freshDb();
    expect((await colloquy(['user', 'add', 'existing', '--role', 'author'], 'a long passphrase', db)).code).toBe(0);
    const r = await colloquy(['import-wxr', fixture], '', db);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `Imported 3 posts, 1 page and 4 comments from ${fixture}.`,
      'Skipped 1 item that is not a post or page (menus, revisions, trashed posts) and 1 pingback or trackback.',
      'Matched 1 author to an existing user of the same name.',
      'Created 1 author who cannot log in yet: WordPress passwords do not carry over.',
      'Give each one a password with:',
      '  npx colloquy user passwd head',
      '1 attachment (images and other files) was not fetched: Colloquy cannot download from here. Upload it again; the original address is:',
      '  https://greenlane.example.org/wp-content/uploads/2024/09/rocket.jpg',
    ]);
    expect(count(db)).toEqual({ posts: 4, comments: 4, users: 2 });
    expect(withRepos((x) => x.posts.findBySlug('year-4-science-museum'), db)).toMatchObject({ title: 'Year 4 & the Science Museum' });
    // The advice works: after it, the imported author can log in.
    expect((await colloquy(['user', 'passwd', 'head', '--password-stdin'], 'head teacher passphrase', db)).code).toBe(0);
    expect(await verifyPassword('head teacher passphrase', withRepos((x) => x.users.findByUsername('head'), db)!.password_hash)).toBe(true);
  });

  it('imports nothing the second time and says what is already here', async () => {
    const db = freshDb();
    expect((await colloquy(['import-wxr', fixture], '', db)).code).toBe(0);
    const before = count(db);
    const r = await colloquy(['import-wxr', fixture], '', db);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `Imported nothing new from ${fixture}.`,
      '3 posts, 1 page and 4 comments already here from an earlier import: left as they are.',
      'Skipped 1 item that is not a post or page (menus, revisions, trashed posts) and 1 pingback or trackback.',
      'Matched 2 authors to existing users of the same name.',
      '1 attachment (images and other files) was not fetched: Colloquy cannot download from here. Upload it again; the original address is:',
      '  https://greenlane.example.org/wp-content/uploads/2024/09/rocket.jpg',
    ]);
    expect(count(db)).toEqual(before);
  });

  it('refuses a bad, missing or unreadable file with a clear message, changing nothing', async () => {
    const db = freshDb();
    expect((await colloquy(['import-wxr', fixture], '', db)).code).toBe(0);
    const before = count(db);
    const truncated = path.join(dir, 'truncated.xml');
    const xml = fs.readFileSync(fixture, 'utf8');
    fs.writeFileSync(truncated, xml.slice(0, Math.floor(xml.length * 0.7)));
    const notWxr = path.join(dir, 'feed.xml');
    fs.writeFileSync(notWxr, '<?xml version="1.0"?><rss version="2.0"><channel><title>A feed</title></channel></rss>');

    const bad = await colloquy(['import-wxr', truncated], '', db);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^${truncated}: The file is not well-formed XML \\(line \\d+, column \\d+\\).* Nothing was imported\\.$`, 's'));
    expect(await colloquy(['import-wxr', notWxr], '', db)).toMatchObject({
      code: 1, stderr: expect.stringMatching(/feed\.xml: The file is not a WordPress export \(WXR\).* Nothing was imported\.$/),
    });
    expect(await colloquy(['import-wxr', path.join(dir, 'nowhere.xml')], '', db)).toMatchObject({
      code: 1, stderr: `Cannot read ${path.join(dir, 'nowhere.xml')}: there is no such file. Nothing was imported.`,
    });
    expect(await colloquy(['import-wxr', dir], '', db)).toMatchObject({ code: 1, stderr: `Cannot read ${dir}: it is a folder. Nothing was imported.` });
    expect((await colloquy(['import-wxr'], '', db)).code).toBe(2);
    expect((await colloquy(['import-wxr', fixture, notWxr], '', db)).code).toBe(2);
    expect(count(db)).toEqual(before);
  });

  it('exports to standard output: the XML there, the summary on standard error', async () => {
    const db = freshDb();
    await colloquy(['import-wxr', fixture], '', db);
    const r = await colloquy(['export-wxr'], '', db);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: 'Exported 3 posts, 1 page and 4 comments.' });
    expect(r.written).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    expect(r.written).toContain('<wp:base_site_url>https://blog.example</wp:base_site_url>');
    expect(r.written).toContain('<title><![CDATA[Year 4 & the Science Museum]]></title>');
    expect(r.written.trimEnd()).toMatch(/<\/rss>$/);
  });

  it('exports to a file readable by its owner only, and replaces one only with --force', async () => {
    const db = freshDb();
    await colloquy(['import-wxr', fixture], '', db);
    const target = path.join(dir, 'exports', 'blog.xml');
    const r = await colloquy(['export-wxr', target], '', db);
    expect(r).toMatchObject({ code: 0, stdout: `Exported 3 posts, 1 page and 4 comments to ${target}.`, written: '' });
    expect(fs.readFileSync(target, 'utf8')).toContain('<title><![CDATA[Sports day]]></title>');
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);

    fs.writeFileSync(target, 'an older export');
    expect(await colloquy(['export-wxr', target], '', db)).toMatchObject({ code: 1, stderr: `${target} exists already; add --force to replace it.` });
    expect(fs.readFileSync(target, 'utf8')).toBe('an older export');
    expect((await colloquy(['export-wxr', target, '--force'], '', db)).code).toBe(0);
    expect(fs.readFileSync(target, 'utf8')).toContain('<title><![CDATA[Sports day]]></title>');
    expect(fs.readdirSync(path.dirname(target))).toEqual(['blog.xml']);

    expect((await colloquy(['export-wxr', db, '--force'], '', db)).code).toBe(2);
    expect((await colloquy(['export-wxr', dir], '', db)).code).toBe(2);
  });

  it('round-trips a blog through export-wxr and import-wxr', async () => {
    const from = freshDb();
    const to = freshDb();
    await colloquy(['import-wxr', fixture], '', from);
    withRepos((r) => {
      const post = r.posts.findBySlug('year-4-science-museum')!;
      r.comments.insert({
        post_id: post.id, parent_id: null, user_id: null, author_name: 'Markdown fan', author_email: 'm@example.org', author_url: '',
        body_md: 'Some `code` and **bold**.\n\n> quoted', body_html: '<p>x</p>', status: 'approved', held_reason: '', ip_hash: '', user_agent: '',
      }, '2025-06-01T12:30:45.000Z'); // WXR dates are whole seconds
    }, from);
    const file = path.join(dir, 'round-trip.xml');
    expect((await colloquy(['export-wxr', file], '', from)).code).toBe(0);
    expect((await colloquy(['import-wxr', file], '', to)).code).toBe(0);
    const snapshot = (database: string) => withRepos((_r, { db }) => ({
      posts: db.prepare(`SELECT p.title, p.slug, p.kind, p.status, p.published_at, p.body_md, p.excerpt, p.comments_open, u.username
        FROM posts p JOIN users u ON u.id = p.author_id ORDER BY p.slug`).all(),
      comments: db.prepare(`SELECT c.author_name, c.author_email, c.status, c.created_at, c.body_md, parent.author_name AS parent
        FROM comments c LEFT JOIN comments parent ON parent.id = c.parent_id ORDER BY c.created_at, c.author_name`).all(),
      tags: db.prepare('SELECT name, slug FROM tags ORDER BY slug').all(),
    }), database);
    const original = snapshot(from);
    expect(original.comments).toHaveLength(5);
    expect(snapshot(to)).toEqual(original);
  });

  it('leaves no file, and no half of one, when an export fails part-way', () => {
    const folder = fs.mkdtempSync(path.join(dir, 'atomic-'));
    const target = path.join(folder, 'out.xml');
    const failing = () => writeFileAtomically(target, (write) => {
      for (let i = 0; i < 2000; i++) write('<item>some text</item>\n'); // past the first flush to disk
      throw new Error('disk on fire');
    });
    expect(failing).toThrow('disk on fire');
    expect(fs.readdirSync(folder)).toEqual([]);
    fs.writeFileSync(target, 'the previous export');
    expect(failing).toThrow('disk on fire');
    expect(fs.readdirSync(folder)).toEqual(['out.xml']);
    expect(fs.readFileSync(target, 'utf8')).toBe('the previous export');
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
    await addUser('frank');
    const command = [process.execPath, ...entry, 'user', 'passwd', 'frank'].map((a) => `'${a}'`).join(' ');
    const child = spawn('/usr/bin/script', ['-qec', command, '/dev/null'], {
      cwd: dir, env: { PATH: process.env.PATH ?? '', DATABASE_PATH: dbPath, TERM: 'dumb', PASSWORD_HASH_COST: String(TEST_PASSWORD_COST) },
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

  it('says to use --password-stdin when there is no terminal to prompt on', async () => {
    await addUser('frank');
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
