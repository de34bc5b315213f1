// `npm run bench`: the reading pages against a bare Express route in the same process,
// over loopback, on a realistic database (200 posts, tags, a post with 200 comments).
// Bounded: a fixed number of requests per round, a few rounds, and a time limit.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { makeTestApp } from '../tests/helpers/test-app.js';
import { seedBlog } from './seed.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SEQUENTIAL = Number(process.env.BENCH_REQUESTS ?? 200);
const CONCURRENT = 8;
const DEADLINE = Date.now() + 120_000;

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENT });

function get(port: number, path: string): Promise<number> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}`));
        else resolve(Number(process.hrtime.bigint() - started) / 1e6);
      });
    });
    req.on('error', reject);
  });
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

interface Round { medianMs: number; sequentialRps: number; concurrentRps: number }

async function round(port: number, path: string): Promise<Round> {
  for (let i = 0; i < 20; i++) await get(port, path); // warm-up
  const latencies: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < SEQUENTIAL; i++) latencies.push(await get(port, path));
  const sequentialRps = SEQUENTIAL / ((performance.now() - t0) / 1000);
  let left = SEQUENTIAL;
  const t1 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENT }, async () => {
    while (left-- > 0) await get(port, path);
  }));
  const concurrentRps = SEQUENTIAL / ((performance.now() - t1) / 1000);
  return { medianMs: median(latencies), sequentialRps, concurrentRps };
}

function listen(app: express.Express): Promise<http.Server> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const t = makeTestApp();
const seeded = await seedBlog(t, { posts: 200, comments: 200 });
const blog = await listen(t.app);
const baselineApp = express();
baselineApp.get('/baseline', (_req, res) => { res.send('ok'); });
const baseline = await listen(baselineApp);

const targets: [string, http.Server, string][] = [
  ['baseline (bare Express)', baseline, '/baseline'],
  ['home /', blog, '/'],
  ['home /?page=10', blog, '/?page=10'],
  ['post (200 comments)', blog, `/posts/${seeded.busySlug}`],
  ['tag /tags/notes', blog, '/tags/notes'],
  ['archive /archive/<year>', blog, `/archive/${new Date().getUTCFullYear()}`],
];

const results = new Map<string, Round[]>();
try {
  for (let r = 0; r < ROUNDS && Date.now() < DEADLINE; r++) {
    for (const [name, server, path] of targets) {
      const port = (server.address() as AddressInfo).port;
      results.set(name, [...(results.get(name) ?? []), await round(port, path)]);
    }
  }
  const base = median(results.get(targets[0]![0])!.map((x) => x.sequentialRps));
  const rows = [...results].map(([name, rounds]) => {
    const med = median(rounds.map((x) => x.medianMs));
    const seq = median(rounds.map((x) => x.sequentialRps));
    const conc = median(rounds.map((x) => x.concurrentRps));
    return { page: name, 'median ms': med.toFixed(2), 'req/s (1 at a time)': Math.round(seq), [`req/s (${CONCURRENT} at a time)`]: Math.round(conc), 'x baseline req/s': (seq / base).toFixed(2) };
  });
  process.stdout.write(`Node ${process.version}, ${results.get(targets[0]![0])!.length} rounds of ${SEQUENTIAL} sequential + ${SEQUENTIAL} concurrent requests each; medians of rounds.\n`);
  console.table(rows);
} finally {
  agent.destroy();
  blog.closeAllConnections();
  baseline.closeAllConnections();
  blog.close();
  baseline.close();
  t.close();
}
