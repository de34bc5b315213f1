// `npm run bench`: the built server (`node dist/server.js`) as its own process, with one
// and with two workers, on a fresh realistic database, driven from another process by
// wrk, and autocannon where wrk cannot (bench/load.ts), against a bare Node http server
// and nginx serving the same bytes. Rounds alternate between targets; the table shows
// medians of rounds. Then every hostile input through every reader of user text
// (bench/adversarial.ts), and the slowest.
// BENCH_QUICK=1 is a short smoke run; BENCH_SECONDS sets the length of a round.
// BENCH_IMPORT_MB=200 adds a WordPress import of that size at the end (bench/import.ts).
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { buildContext } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { migrate } from '../src/db/migrate.js';
import { freePort, NGINX, startNginx, type RunningNginx } from '../tests/helpers/nginx.js';
import { measureAdversarial, printAdversarial } from './adversarial.js';
import { measureImport, printImport } from './import.js';
import { timeToLastByte, type LoadResult, type Posting, type WireJob } from './load.js';
import { addDiscussion, seedBlog } from './seed.js';

const root = path.resolve(import.meta.dirname, '..');
const QUICK = process.env.BENCH_QUICK === '1';
const ROUNDS = 3;
const SECONDS = Number(process.env.BENCH_SECONDS ?? (QUICK ? 1 : 3));
const WARM_SECONDS = QUICK ? 0.5 : 1;
const CONNECTIONS = 32;
const MEMORY_REQUESTS = QUICK ? 2_000 : 100_000;
const MEMORY_SECONDS_MAX = QUICK ? 10 : 75;
const RENDER_SAMPLES = QUICK ? 3 : 11;
const SLOW_MS = 1_000;
const SLOW_BATCH = 4;
const ADMIN_PASSWORD = 'bench administrator passphrase';
const started = Date.now();

const log = (line: string) => process.stdout.write(`${line}\n`);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

// ---------- processes ----------

/** The runner process and a promise per job sent to it. */
function startRunner() {
  const child = fork(path.join(root, 'bench/load.ts'), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const waiting = new Map<number, { resolve(r: LoadResult): void; reject(e: Error): void }>();
  let next = 0;
  child.on('message', (m: { id: number; result?: LoadResult; error?: string }) => {
    const w = waiting.get(m.id)!;
    waiting.delete(m.id);
    if (m.result) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  return {
    run(job: WireJob): Promise<LoadResult> {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        child.send({ id, job });
      });
    },
    stop: () => child.kill('SIGTERM'),
  };
}

interface Server { name: string; port: number; child: ChildProcess; exited: Promise<number | null> }

/** Spawns a server and resolves once it answers /healthz (at LOG_LEVEL=warn it says nothing). */
async function spawnListening(name: string, command: string, args: string[], env: Record<string, string>, port: number): Promise<Server> {
  const child = spawn(command, args, { cwd: root, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    const up = await get(port, '/healthz').then((r) => r.status === 200, () => false);
    if (up) return { name, port, child, exited };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`${name} did not start`);
}

/** Resident memory in MB of a process and its children (the workers), from /proc. */
function residentMb(pid: number): { total: number; processes: number } {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const children = `/proc/${pids[i]}/task/${pids[i]}/children`;
    if (fs.existsSync(children)) pids.push(...fs.readFileSync(children, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  }
  let kb = 0;
  for (const p of pids) {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'));
    kb += Number(match?.[1] ?? 0);
  }
  return { total: kb / 1024, processes: pids.length };
}

function get(port: number, pathname: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: pathname, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

/**
 * Waits for requests still queued after autocannon stops (a slow page leaves some), so
 * they do not bill the next target: a /healthz on a fresh connection per worker, twice
 * over, queues behind them.
 */
async function drain(port: number, workers = 2): Promise<void> {
  await Promise.all(Array.from({ length: 2 * workers }, () => get(port, '/healthz')));
}

// ---------- the blog ----------

log(`colloquy bench${QUICK ? ' (BENCH_QUICK: a smoke run, figures not meaningful)' : ''}`);
try {
  execFileSync('wrk', ['-v'], { stdio: 'ignore' });
} catch (err) {
  // wrk -v prints its version and exits 1; only a missing program is an error.
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('npm run bench needs wrk, the load generator: apt-get install wrk');
}
log('building (npm run build)…');
execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-bench-'));
const databasePath = path.join(dir, 'blog.db');
const appEnv = (port: number, workers: number) => ({
  DATABASE_PATH: databasePath, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ADMIN_PASSWORD,
  TRUST_PROXY: 'loopback', WEB_CONCURRENCY: String(workers), SESSION_SECRET: 'bench-session-secret-0123456789',
});
const seedStart = performance.now();
const db = openDatabase(databasePath);
migrate(db);
// Seeded through the same repositories and services the server builds over this file.
const { repos, services } = buildContext({ db, config: loadConfig(appEnv(0, 1), root) });
const seeded = await seedBlog({ db, repos, services }, { posts: 50, comments: 200 });
const n = seeded.slugs.length;
const slug1k = seeded.slugs[n - 2]!;
const slug10k = seeded.slugs[n - 3]!;
const slugPosting = seeded.slugs[n - 4]!;
db.transaction(() => {
  addDiscussion(repos, repos.posts.findBySlug(slug1k)!.id, 1_000);
  addDiscussion(repos, repos.posts.findBySlug(slug10k)!.id, 10_000);
})();
// Posting at full speed: no minimum time, a high rate per address, and no moderation
// queue (the comments are published, so each one is a real write to a public page).
repos.settings.save({ comment_min_seconds: 0, comment_rate_per_minute: 1000, comment_moderation: 'none' });
db.close();
log(`seeded 50 posts, threads of 200, 1,000 and 10,000 comments in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

const servers: Server[] = [];
let nginx: RunningNginx | undefined;
const runner = startRunner();

try {
  // One after the other: the first start writes the keys the second only reads.
  for (const workers of [1, 2]) {
    const port = await freePort();
    servers.push(await spawnListening(`${workers} worker${workers > 1 ? 's' : ''}`, process.execPath, [path.join(root, 'dist/server.js')], appEnv(port, workers), port));
  }
  const [one, two] = servers as [Server, Server];
  const memoryBefore = servers.map((s) => residentMb(s.child.pid!));

  const post200 = `/posts/${seeded.busySlug}`;
  const page = await get(one.port, post200);
  if (page.status !== 200) throw new Error(`${post200} answered ${page.status}`);
  // Only this folder is served by nginx (not the database beside it).
  const staticDir = path.join(dir, 'static');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'post.html'), page.body);

  const barePort = await freePort();
  const bare = await spawnListening('bare', process.execPath, ['--import', 'tsx', path.join(root, 'bench/bare-server.ts')], { BODY_FILE: path.join(staticDir, 'post.html'), PORT: String(barePort) }, barePort);
  servers.push(bare);
  if (fs.existsSync(NGINX)) {
    // nginx's worker runs as `nobody` when started by root: it must reach the file.
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(staticDir, 0o755);
    nginx = await startNginx(path.join(dir, 'nginx'), `location / { root ${staticDir}; }`);
  }

  // ---------- targets ----------
  // A slow target (over SLOW_MS for one request: the whole 10,000-comment page today)
  // runs a small fixed batch instead of a duration: autocannon abandons requests still
  // open when time is up, and the server would go on rendering them into the next
  // target's time (32 of them take minutes).
  interface Target { name: string; path: string; expect: WireJob['expect']; headers?: Record<string, string>; slow?: boolean; method?: 'POST' }
  const search = '/search?q=garden';
  const whole10k = await get(one.port, `/posts/${slug10k}`);
  // Its yardstick: nginx sending the same 16 MB from a file.
  fs.writeFileSync(path.join(staticDir, 'post-10k.html'), whole10k.body);
  const etag = page.headers.etag;
  const lastModified = page.headers['last-modified'];
  const validator: Record<string, string> | undefined = etag ? { 'If-None-Match': etag } : lastModified ? { 'If-Modified-Since': lastModified } : undefined;

  const appTargets: Target[] = [
    { name: 'home /', path: '/', expect: 'ok' },
    { name: 'post, 200 comments', path: post200, expect: 'ok' },
    // What a browser gets: every browser asks for compression (the rows above ask for none, like the bare server).
    { name: 'post, 200 comments, gzip', path: post200, expect: 'ok', headers: { 'Accept-Encoding': 'gzip' } },
    { name: 'post, 10,000 comments', path: `/posts/${slug10k}`, expect: 'ok' },
    { name: 'feed /feed', path: '/feed', expect: 'ok' },
    { name: `search ${search}`, path: search, expect: 'ok' },
    ...(validator ? [{ name: `304 (${etag ? 'If-None-Match' : 'If-Modified-Since'})`, path: post200, expect: 'not-modified' as const, headers: validator }] : []),
  ];
  const sizes = new Map<string, number>();
  for (const t of appTargets) {
    const t0 = performance.now();
    const r = await get(one.port, t.path, t.headers);
    t.slow = performance.now() - t0 > SLOW_MS;
    const ok = t.expect === 'not-modified' ? r.status === 304 : r.status === 200;
    if (!ok) log(`note: ${t.name} answered ${r.status} before the run`);
    sizes.set(t.name, r.body.length);
  }

  interface Cell { server: Server | { name: string; port: number }; target: Target }
  const cells: Cell[] = [
    { server: bare, target: { name: 'bare node http (same bytes)', path: '/', expect: 'ok' } },
    ...(nginx ? [
      { server: { name: 'nginx', port: nginx.port }, target: { name: 'nginx static file (same bytes)', path: '/post.html', expect: 'ok' as const } },
      { server: { name: 'nginx', port: nginx.port }, target: { name: 'nginx static file (the 10,000-comment page)', path: '/post-10k.html', expect: 'ok' as const } },
    ] : []),
    ...appTargets.map((target) => ({ server: one, target })),
    ...appTargets.map((target) => ({ server: two, target })),
  ];
  sizes.set(cells[0]!.target.name, page.body.length);
  if (nginx) {
    sizes.set('nginx static file (same bytes)', page.body.length);
    sizes.set('nginx static file (the 10,000-comment page)', whole10k.body.length);
  }

  const key = (c: Cell) => `${c.server.name}\0${c.target.name}`;
  const results = new Map<string, LoadResult[]>();
  const job = (c: Cell, duration: number): WireJob => ({
    url: `http://127.0.0.1:${c.server.port}${c.target.path}`, connections: CONNECTIONS, expect: c.target.expect,
    // autocannon wants no more connections than requests.
    ...(c.target.slow ? { amount: SLOW_BATCH, connections: SLOW_BATCH } : { duration }), headers: c.target.headers ?? {}, timeoutSeconds: 120,
  });

  // A 304 run asks with the validator that server sends now: posting in an earlier
  // target may have changed what a page shows since the first fetch.
  async function revalidating(c: Cell, wire: WireJob): Promise<WireJob> {
    if (c.target.expect !== 'not-modified') return wire;
    const fresh = await get(c.server.port, c.target.path);
    const tag = fresh.headers.etag;
    return tag ? { ...wire, headers: { 'If-None-Match': tag } } : wire;
  }

  log(`warming up ${cells.length} targets…`);
  for (const c of cells) {
    await runner.run(c.target.slow ? { ...job(c, WARM_SECONDS), amount: 1, connections: 1 } : job(c, WARM_SECONDS));
    await drain(c.server.port);
  }
  for (let round = 0; round < ROUNDS; round++) {
    // Every other round runs backwards, so a drift of the machine spreads evenly.
    const order = round % 2 ? [...cells].reverse() : cells;
    log(`round ${round + 1} of ${ROUNDS} (${order.length} targets × ${SECONDS} s)…`);
    for (const c of order) {
      results.set(key(c), [...(results.get(key(c)) ?? []), await runner.run(await revalidating(c, job(c, SECONDS)))]);
      await drain(c.server.port);
    }
  }

  // ---------- comment posting: last, as it adds comments ----------
  async function sessionsFor(port: number, network: number): Promise<Posting['sessions']> {
    const sessions: Posting['sessions'] = [];
    for (let i = 0; i < 8; i++) {
      const r = await get(port, '/comments/token', { 'X-Forwarded-For': `10.${network}.255.${i}` });
      sessions.push({ cookie: String(r.headers['set-cookie']?.[0]).split(';')[0]!, token: (JSON.parse(r.body.toString()) as { token: string }).token });
    }
    return sessions;
  }
  const postingTarget: Target = { name: 'comment POST (distinct readers)', path: `/posts/${slugPosting}/comments`, expect: 'ok-or-redirect', method: 'POST' };
  const postingCells: Cell[] = [{ server: one, target: postingTarget }, { server: two, target: postingTarget }];
  const postingSessions = [await sessionsFor(one.port, 1), await sessionsFor(two.port, 2)];
  // A warm-up, as every other target has: the first seconds of posting ran at half speed.
  for (const [i, c] of postingCells.entries()) {
    await runner.run({ ...job(c, WARM_SECONDS), method: 'POST', posting: { sessions: postingSessions[i]!, prefix: `${i}-warm`, network: 101 + i } });
    await drain(c.server.port);
  }
  for (let round = 0; round < ROUNDS; round++) {
    log(`posting round ${round + 1} of ${ROUNDS}…`);
    for (const [i, c] of postingCells.entries()) {
      const posting: Posting = { sessions: postingSessions[i]!, prefix: `${i}-${round}`, network: i + 1 + round * 10 };
      results.set(key(c), [...(results.get(key(c)) ?? []), await runner.run({ ...job(c, SECONDS), method: 'POST', posting })]);
      await drain(c.server.port);
    }
  }
  cells.push(...postingCells);

  // ---------- render time of a long thread: one request at a time ----------
  log('render time, one request at a time…');
  // A cookie takes the request past the render cache: this is the page being rendered.
  const single = async (pathname: string) => {
    const times: number[] = [];
    for (let i = 0; i < RENDER_SAMPLES; i++) times.push(await timeToLastByte(`http://127.0.0.1:${one.port}${pathname}`, { Cookie: 'bench=uncached' }));
    return Math.round(median(times));
  };
  const render1k = await single(`/posts/${slug1k}`);
  const render10k = await single(`/posts/${slug10k}`);

  // ---------- the long thread paged: comments_per_page set, its first page ----------
  log('the 10,000-comment thread paged (comments_per_page 50)…');
  const settingsDb = openDatabase(databasePath);
  buildContext({ db: settingsDb, config: loadConfig(appEnv(0, 1), root) }).repos.settings.save({ comments_per_page: 50 });
  settingsDb.close();
  const pagedTarget: Target = { name: 'post, 10,000, ?cpage=1 (50 threads a page)', path: `/posts/${slug10k}?cpage=1`, expect: 'ok' };
  const pagedCells: Cell[] = [{ server: one, target: pagedTarget }, { server: two, target: pagedTarget }];
  const pagedBytes = (await get(one.port, pagedTarget.path)).body.length;
  sizes.set(pagedTarget.name, pagedBytes);
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of round % 2 ? [...pagedCells].reverse() : pagedCells) {
      results.set(key(c), [...(results.get(key(c)) ?? []), await runner.run(job(c, SECONDS))]);
      await drain(c.server.port);
    }
  }
  cells.push(...pagedCells);

  // ---------- memory over many requests ----------
  log(`memory: up to ${MEMORY_REQUESTS.toLocaleString('en')} requests (at most ${MEMORY_SECONDS_MAX} s)…`);
  const mix = ['/', post200, '/feed', search, `/posts/${seeded.slugs[10]}`, '/tags/notes', '/?page=2', '/feed/atom'];
  // One pass over the mix first: pages entering the render cache and code warming up are
  // the start-up cost already shown above (at start / at the end), not growth under load.
  await runner.run({ url: `http://127.0.0.1:${one.port}/`, connections: CONNECTIONS, duration: QUICK ? 1 : 5, paths: mix, expect: 'ok', timeoutSeconds: 120 });
  await drain(one.port);
  const memoryStart = residentMb(one.child.pid!).total;
  let done = 0;
  const memoryUntil = Date.now() + MEMORY_SECONDS_MAX * 1000;
  // In slices of time, not of requests, so a slow server cannot overrun the limit.
  while (done < MEMORY_REQUESTS && Date.now() < memoryUntil) {
    const slice = Math.max(1, Math.min(15, (memoryUntil - Date.now()) / 1000));
    done += (await runner.run({ url: `http://127.0.0.1:${one.port}/`, connections: CONNECTIONS, duration: slice, paths: mix, expect: 'ok', timeoutSeconds: 120 })).requests;
  }
  await drain(one.port);
  const memoryEnd = residentMb(one.child.pid!).total;
  const memoryAfter = servers.slice(0, 2).map((s) => residentMb(s.child.pid!));

  // ---------- report ----------
  const baseRps = median(results.get(key(cells[0]!))!.map((r) => r.rps));
  const row = (c: Cell) => {
    const rounds = results.get(key(c))!;
    const rps = median(rounds.map((r) => r.rps));
    return {
      server: c.server.name,
      target: c.target.name,
      bytes: c.target.method === 'POST' ? '' : (sizes.get(c.target.name) ?? ''),
      run: c.target.slow ? `${SLOW_BATCH} req × ${SLOW_BATCH} conn` : `${SECONDS} s × ${CONNECTIONS} conn`,
      tool: rounds[0]!.tool,
      'req/s': Math.round(rps),
      'p50 ms': median(rounds.map((r) => r.p50)),
      'p99 ms': median(rounds.map((r) => r.p99)),
      '× bare': (rps / baseRps).toFixed(3),
      errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    };
  };
  log('');
  log(`machine: ${os.cpus().length} cores (nproc ${execFileSync('nproc').toString().trim()}), ${os.cpus()[0]?.model ?? ''}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  log(`node ${process.version}; ${CONNECTIONS} connections; ${ROUNDS} rounds of ${SECONDS} s per target after a ${WARM_SECONDS} s warm-up; medians of rounds; the load generator shares the machine`);
  log(`post sizes: 200 comments ${page.body.length} B, 10,000 comments ${whole10k.body.length} B, its ?cpage=1 at 50 threads a page ${pagedBytes} B`);
  if (!validator) log('304 revalidation: no validator (the page sent neither ETag nor Last-Modified)');
  console.table(cells.map(row));
  log(`render time, uncached, one request at a time, to the last byte (median of ${RENDER_SAMPLES}): 1,000 comments ${render1k} ms, 10,000 comments ${render10k} ms, ratio ${(render10k / render1k).toFixed(1)}×`);
  for (const [i, s] of servers.slice(0, 2).entries()) {
    log(`resident memory, ${s.name} (${memoryAfter[i]!.processes} processes): ${memoryBefore[i]!.total.toFixed(0)} MB at start, ${memoryAfter[i]!.total.toFixed(0)} MB at the end`);
  }
  log(`memory growth, 1 worker, over ${done.toLocaleString('en')} requests after one pass over the same mix: ${memoryStart.toFixed(0)} → ${memoryEnd.toFixed(0)} MB (${(memoryEnd - memoryStart >= 0 ? '+' : '')}${(memoryEnd - memoryStart).toFixed(1)} MB)${done < MEMORY_REQUESTS ? ` — stopped at the ${MEMORY_SECONDS_MAX} s limit before ${MEMORY_REQUESTS.toLocaleString('en')}` : ''}`);
} finally {
  runner.stop();
  await nginx?.stop();
  const codes = await Promise.all(servers.map(async (s) => {
    s.child.kill('SIGTERM');
    return `${s.name} ${await s.exited}`;
  }));
  log(`stopped (exit codes: ${codes.join(', ')}); total time ${((Date.now() - started) / 1000).toFixed(0)} s`);
  fs.rmSync(dir, { recursive: true, force: true });
}

// In this process once the servers are gone, so nothing else shares the cores.
printAdversarial(measureAdversarial());
if (process.env.BENCH_IMPORT_MB) printImport(await measureImport(Number(process.env.BENCH_IMPORT_MB)));
