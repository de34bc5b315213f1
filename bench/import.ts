// `BENCH_IMPORT_MB=200 npx tsx bench/import.ts` (or BENCH_IMPORT_MB with `npm run bench`):
// a WordPress export of that size, made on disk piece by piece, imported into a fresh
// database and then imported again, with the time, the resident memory, and how long a
// writer on another thread (as the running blog would be) waited for the database meanwhile.
// Not run by default: a 200 MB import takes minutes here.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildContext } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { migrate } from '../src/db/migrate.js';
import { importWxr, wxrFile, type ImportReport } from '../src/wxr/import-wxr.js';
import { writeBigWxr, type BigWxr } from '../tests/helpers/big-wxr.js';

const root = path.resolve(import.meta.dirname, '..');
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

interface Run {
  seconds: number;
  rssBefore: number;
  rssPeak: number;
  report: ImportReport;
  /** The blog-like writer's waits for the lock: the longest, the 99th percentile, and refusals. */
  writer: { writes: number; maxMs: number; p99Ms: number; busy: number };
}

export interface ImportBench {
  file: BigWxr;
  first: Run;
  second: Run;
}

// A small write every 20 ms, as comments and session touches are, with the server's
// busy timeout; each one's wait for the lock is measured on its own thread.
const WRITER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.sqlite);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
db.exec('CREATE TABLE IF NOT EXISTS bench_writes (at REAL)');
const insert = db.prepare('INSERT INTO bench_writes (at) VALUES (?)');
const waits = []; let busy = 0; let stop = false;
parentPort.on('message', () => { stop = true; });
(function tick() {
  if (stop) { db.close(); parentPort.postMessage({ waits, busy }); return; }
  const started = performance.now();
  try { insert.run(started); waits.push(performance.now() - started); } catch (err) { if (String(err.code).startsWith('SQLITE_BUSY')) busy++; else throw err; }
  setTimeout(tick, 20);
})();`;

async function measuredRun(ctx: Parameters<typeof importWxr>[0], file: string, dbFile: string): Promise<Run> {
  const writer = new Worker(WRITER, { eval: true, workerData: { file: dbFile, sqlite: path.join(root, 'node_modules/better-sqlite3') } });
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sampler = setInterval(() => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss); }, 10);
  const started = performance.now();
  const report = await importWxr(ctx, wxrFile(file));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const result = new Promise<{ waits: number[]; busy: number }>((resolve) => writer.once('message', resolve));
  writer.postMessage('stop');
  const { waits, busy } = await result;
  await writer.terminate();
  const sorted = [...waits].sort((a, b) => a - b);
  return {
    seconds, rssBefore, rssPeak, report,
    writer: { writes: waits.length, maxMs: sorted.at(-1) ?? 0, p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? 0, busy },
  };
}

export async function measureImport(sizeMb: number): Promise<ImportBench> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-bench-import-'));
  const dbFile = path.join(dir, 'colloquy.db');
  const db = openDatabase(dbFile);
  try {
    migrate(db);
    const ctx = { db, ...buildContext({ db, config: loadConfig({ DATABASE_PATH: dbFile, LOG_LEVEL: 'silent' }, dir) }) };
    const source = path.join(dir, 'export.xml');
    const file = await writeBigWxr(source, sizeMb * 2 ** 20, { published: Math.round(sizeMb * 10) });
    const first = await measuredRun(ctx, source, dbFile);
    const second = await measuredRun(ctx, source, dbFile);
    return { file, first, second };
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function printImport({ file, first, second }: ImportBench): void {
  const line = (name: string, r: Run) => {
    const rows = r.report.counts.posts + r.report.counts.comments;
    process.stdout.write(`import ${name}: ${r.seconds.toFixed(1)} s, ${rows.toLocaleString('en')} rows written (${Math.round(rows / r.seconds)}/s), `
      + `${(r.report.counts.alreadyHere.posts + r.report.counts.alreadyHere.comments).toLocaleString('en')} already here; `
      + `RSS ${mb(r.rssBefore)} → peak ${mb(r.rssPeak)} MB (+${mb(r.rssPeak - r.rssBefore)}); `
      + `a writer beside it: ${r.writer.writes} writes, wait p99 ${r.writer.p99Ms.toFixed(0)} ms, max ${r.writer.maxMs.toFixed(0)} ms, ${r.writer.busy} refused busy\n`);
  };
  process.stdout.write(`import bench: ${mb(file.bytes)} MB export, ${file.posts.toLocaleString('en')} posts with ${file.comments.toLocaleString('en')} comments, ${file.trashed.toLocaleString('en')} trashed posts read through\n`);
  line('first', first);
  line('again', second);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  printImport(await measureImport(Number(process.env.BENCH_IMPORT_MB ?? 200)));
}
