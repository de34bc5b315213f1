// `npm start`'s entry as a real process: first start, the admin password line,
// graceful shutdown with a request in flight, and a clear message for bad config.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_ENTRY as entry, startServer } from './helpers/server-process.js';
import { runCli } from '../src/cli/commands.js';
import { TEST_PASSWORD_COST } from './helpers/index.js';

let dir: string;
const start = (env: Record<string, string> = {}) => startServer(dir, env);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-server-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('server process', { timeout: 20_000 }, () => {
  it('creates the administrator once, printing the password as a plain line, and serves the welcome post', async () => {
    const first = await start();
    const home = await fetch(`http://127.0.0.1:${first.port}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Welcome to Colloquy');
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    const passwordLines = first.lines.filter((l) => l.startsWith('Admin password: '));
    expect(passwordLines).toHaveLength(1);
    expect(passwordLines[0]).toMatch(/^Admin password: \S{16,}$/);

    const second = await start();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(second.lines.some((l) => l.includes('Admin password'))).toBe(false);
  });

  it('keeps BASE_URL and the first administrator\'s display name from the first start, for later starts and the command line', async () => {
    const database = path.join(dir, 'addressed', 'blog.db');
    const first = await start({ DATABASE_PATH: database, BASE_URL: 'https://blog.example/', ADMIN_DISPLAY_NAME: 'Mary Gardener' });
    const welcome = await (await fetch(`http://127.0.0.1:${first.port}/posts/welcome-to-colloquy`)).text();
    expect(welcome).toContain('by <span class="post-author">Mary Gardener</span>');
    expect(welcome).toContain('<a href="/admin/account">Account page</a>');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // Started again without BASE_URL: the feed still links to the public address, not http://127.0.0.1.
    const second = await start({ DATABASE_PATH: database });
    const feed = await (await fetch(`http://127.0.0.1:${second.port}/feed`)).text();
    expect(feed).toContain('<link>https://blog.example/posts/welcome-to-colloquy</link>');
    expect(feed).not.toContain('127.0.0.1');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const written: string[] = [];
    const code = await runCli(['export-wxr'], {
      env: { DATABASE_PATH: database, PASSWORD_HASH_COST: String(TEST_PASSWORD_COST) },
      out: () => {}, err: () => {}, write: (chunk) => void written.push(chunk), readPassword: async () => '',
    });
    expect(code).toBe(0);
    const xml = written.join('');
    expect(xml).toContain('<link>https://blog.example/posts/welcome-to-colloquy</link>');
    expect(xml).toContain('<wp:author_display_name><![CDATA[Mary Gardener]]></wp:author_display_name>');
    expect(xml).not.toContain('127.0.0.1');
  }, 60_000);

  it('on SIGTERM finishes the request in flight, closes the database and exits 0', async () => {
    const server = await start();
    const socket = net.connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.setEncoding('utf8').on('data', (chunk: string) => { response += chunk; });
    // Headers sent, body half sent: a request the server has begun and must finish.
    socket.write('POST /no-such-page HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n\r\na=1&');
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(server.child.exitCode).toBeNull();
    socket.write('b=22&c');
    const code = await server.exited;
    expect(code).toBe(0);
    expect(response).toMatch(/^HTTP\/1\.1 404 /);
    // A cleanly closed SQLite database in WAL mode leaves no -wal file behind.
    expect(fs.existsSync(path.join(dir, 'blog.db-wal'))).toBe(false);
    // And no new connection is accepted any more.
    await expect(fetch(`http://127.0.0.1:${server.port}/healthz`)).rejects.toThrow();
  });

  it('refuses a bad environment value with a clear message and exit code 2', () => {
    const r = spawnSync(process.execPath, entry, {
      cwd: dir, encoding: 'utf8', timeout: 20_000,
      env: { PATH: process.env.PATH ?? '', PORT: 'abc', DATABASE_PATH: path.join(dir, 'other.db') },
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('Configuration error: PORT must be a whole number from 0 to 65535; got "abc"\n');
    expect(fs.existsSync(path.join(dir, 'other.db'))).toBe(false);
  });
});
