// The load generator for `npm run bench`, in a process of its own so the client never
// shares an event loop with a server: it takes jobs over IPC and answers with the
// figures the table needs. GETs over a duration run through wrk (Debian's `wrk`, in C):
// autocannon reads every body in JavaScript, and on two cores it, not the servers, set
// the pace for a 338 KB page (the bare server measured about 620 a second with it, 6,000
// with wrk). autocannon runs what wrk cannot: a fixed number of requests, and posting
// with a session and a distinct text per request.
import { execFile } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import autocannon from 'autocannon';

export interface Posting {
  /** Session cookie and its form token, one pair per simulated reader session. */
  sessions: { cookie: string; token: string }[];
  /** Makes every text and address unique across the whole run. */
  prefix: string;
  /** Second octet of the 10.x.y.z addresses, so each server gets its own. */
  network: number;
}

export interface LoadJob {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is given. */
  duration?: number;
  amount?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** Several paths taken in turn on each connection (the memory run). */
  paths?: string[];
  /** Status codes that count as success; anything else is an error. */
  expect: (status: number) => boolean;
  posting?: Posting;
  timeoutSeconds?: number;
}

/** What crosses the IPC channel: `expect` as a name rather than a function. */
export type WireJob = Omit<LoadJob, 'expect'> & { expect: 'ok' | 'not-modified' | 'ok-or-redirect' };

export interface LoadResult {
  tool: 'wrk' | 'autocannon';
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const EXPECT: Record<WireJob['expect'], (status: number) => boolean> = {
  ok: (s) => s >= 200 && s < 300,
  'not-modified': (s) => s === 304,
  'ok-or-redirect': (s) => s >= 200 && s < 400,
};

/** A distinct reader for each comment: its own address, name, email and text. */
function postingRequest(posting: Posting) {
  let n = 0;
  return (req: autocannon.Request): autocannon.Request => {
    const i = n++;
    const session = posting.sessions[i % posting.sessions.length]!;
    const body = new URLSearchParams({
      author: `Bench reader ${posting.prefix}-${i}`,
      email: `bench-${posting.prefix}-${i}@example.org`,
      url: '',
      comment: `Comment ${posting.prefix}-${i}: the evening train was late again, so I read the post twice.`,
      comment_parent: '0',
      _csrf: session.token,
    }).toString();
    return {
      ...req,
      body,
      headers: {
        ...req.headers,
        cookie: session.cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': `10.${posting.network}.${(i >> 8) & 255}.${i & 255}`,
      },
    };
  };
}

const WRK_SCRIPT = path.join(import.meta.dirname, 'wrk-report.lua');

/**
 * A GET job through wrk, one thread (as autocannon has one). wrk counts a status
 * outside 2xx and 3xx as an error; bench/run.ts checks each target's status first.
 */
function runWrk(job: LoadJob): Promise<LoadResult> {
  // wrk takes whole seconds.
  const args = ['-t1', `-c${job.connections}`, `-d${Math.max(1, Math.round(job.duration ?? 3))}s`, '--timeout', `${job.timeoutSeconds ?? 10}s`, '-s', WRK_SCRIPT];
  for (const [name, value] of Object.entries(job.headers ?? {})) args.push('-H', `${name}: ${value}`);
  args.push(job.url);
  const env = { ...process.env, BENCH_PATHS: (job.paths ?? []).join(' ') };
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { env, maxBuffer: 1 << 20 }, (err, stdout) => {
      if (err) return reject(new Error(`wrk failed: ${err.message}`));
      const last = stdout.trim().split('\n').at(-1) ?? '';
      const r = JSON.parse(last) as { requests: number; micros: number; p50: number; p99: number; statusErrors: number; socketErrors: number };
      const seconds = r.micros / 1e6;
      resolve({
        tool: 'wrk', requests: r.requests, seconds, rps: r.requests / seconds, p50: r.p50, p99: r.p99,
        errors: r.statusErrors + r.socketErrors,
      });
    });
  });
}

export async function runLoad(job: LoadJob): Promise<LoadResult> {
  if (!job.amount && !job.posting && (job.method ?? 'GET') === 'GET') return runWrk(job);
  const origin = new URL(job.url);
  const options: autocannon.Options = {
    url: job.url,
    connections: job.connections,
    method: job.method ?? 'GET',
    headers: job.headers ?? {},
    timeout: job.timeoutSeconds ?? 10,
    ...(job.amount ? { amount: job.amount } : { duration: job.duration ?? 3 }),
  };
  if (job.paths) options.requests = job.paths.map((path) => ({ method: 'GET', path }));
  if (job.posting) options.requests = [{ method: 'POST', path: origin.pathname, setupRequest: postingRequest(job.posting) }];
  const statuses: Record<string, number> = {};
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (err, done) => (err ? reject(err) : resolve(done)));
    instance.on('response', (_client, status) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
  const bad = Object.entries(statuses).filter(([status]) => !job.expect(Number(status))).reduce((sum, [, count]) => sum + count, 0);
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    tool: 'autocannon',
    requests,
    seconds: result.duration,
    rps: requests / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: bad + result.errors + result.timeouts,
  };
}

/**
 * One GET on a fresh connection, in milliseconds from connecting to the body's last byte.
 * The body is counted, never parsed or kept, so a page of 16 MB is timed as the server
 * sends it: autocannon, reading it in JavaScript, added some 70 ms to such a page and 5 to
 * one of 1.6 MB, which a ratio between the two would have billed to the server.
 */
export function timeToLastByte(url: string, headers: Record<string, string>): Promise<number> {
  const { hostname, port, pathname, search } = new URL(url);
  const lines = [`GET ${pathname}${search} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let status = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(`${lines.join('\r\n')}\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      if (status === '') status = chunk.toString('latin1', 9, 12);
    });
    socket.on('end', () => (status === '200' ? resolve(performance.now() - started) : reject(new Error(`${url} answered ${status || 'nothing'}`))));
    socket.on('error', reject);
  });
}

if (process.send) {
  process.on('message', (message: { id: number; job: WireJob }) => {
    runLoad({ ...message.job, expect: EXPECT[message.job.expect] })
      .then((result) => process.send!({ id: message.id, result }))
      .catch((err: unknown) => process.send!({ id: message.id, error: String(err) }));
  });
}
