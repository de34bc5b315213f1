// WEB_CONCURRENCY=2 as real processes: two workers share the port and the database
// (a sign-in made through one is honoured by the other), a killed worker is replaced,
// and SIGTERM stops them all gracefully with exit code 0.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { openDatabase } from '../src/db/open.js';
import { createRepositories } from '../src/repositories.js';
import { logRecords, request, startServer, type RunningServer } from './helpers/server-process.js';

const PASSWORD = 'workers share one database';
let dir: string;
let running: RunningServer | undefined;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-workers-'));
});
afterAll(async () => {
  // A failed assertion must not leave the primary and its workers running.
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

const workerPids = (lines: string[]) => logRecords(lines).filter((r) => r.msg === 'worker listening').map((r) => r.pid as number);

/** Polls the log a bounded number of times; no fixed sleep. */
async function waitFor(check: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return check();
}

describe('WEB_CONCURRENCY=2', { timeout: 40_000 }, () => {
  it('serves from two workers over one database, replaces a killed worker, and exits 0 on SIGTERM', async () => {
    const server = running = await startServer(dir, { WEB_CONCURRENCY: '2', ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: 'info' });
    const first = workerPids(server.lines);
    expect(new Set(first).size).toBe(2);
    // Migrations and the administrator happen once, in the primary.
    expect(logRecords(server.lines).filter((r) => r.msg === 'created the administrator')).toHaveLength(1);

    const login = await request(server.port, 'GET', '/admin/login');
    const token = /name="_csrf" value="([^"]+)"/.exec(login.body)![1]!;
    const form = new URLSearchParams({ username: 'admin', password: PASSWORD, _csrf: token }).toString();
    const signedIn = await request(server.port, 'POST', '/admin/login', {
      Cookie: login.headers['set-cookie']![0]!.split(';')[0]!, 'Content-Type': 'application/x-www-form-urlencoded',
    }, form);
    expect(signedIn.status).toBe(303);
    const cookie = signedIn.headers['set-cookie']![0]!.split(';')[0]!;

    // Each request on a new connection, eight at once: the primary hands a connection
    // to a worker that is not busy taking the last one, so both get some.
    const dashboards = await Promise.all(Array.from({ length: 8 }, () => request(server.port, 'GET', '/admin', { Cookie: cookie })));
    expect(dashboards.map((r) => r.status)).toEqual(Array(8).fill(200));
    const answeredBy = logRecords(server.lines)
      .filter((r) => (r.req as { path?: string } | undefined)?.path === '/admin' && (r.res as { status: number }).status === 200)
      .map((r) => r.pid);
    expect(new Set(answeredBy)).toEqual(new Set(first));

    process.kill(first[0]!, 'SIGKILL');
    expect(await waitFor(() => workerPids(server.lines).length === 3)).toBe(true);
    const replacement = workerPids(server.lines)[2]!;
    expect(first).not.toContain(replacement);
    for (let i = 0; i < 2; i++) expect((await request(server.port, 'GET', '/admin', { Cookie: cookie })).status).toBe(200);

    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const stopped = logRecords(server.lines).filter((r) => r.msg === 'shutting down').map((r) => r.pid);
    expect(new Set(stopped)).toEqual(new Set([undefined, first[1], replacement]));
    // Every worker closed its connection: the database opens whole, the sign-in kept.
    // (Whether the -wal file goes depends on which of two closing workers is last.)
    const db = openDatabase(path.join(dir, 'blog.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(createRepositories(db, systemClock).users.countAdmins()).toBe(1);
    db.close();
  });
});
