// A large WordPress export imports in bounded memory: the file is streamed twice (checked,
// then written in batches), never held whole. The file is made on disk piece by piece.
// WXR_BIG_MB sets its size (50 by default); on this machine the test takes about 30 s.
//
// Why the bound: this file holds non-ASCII text, so reading it whole into one string costs
// about 100 MB by itself; the importer before streaming (a whole-file parse) grew the
// process by over 200 MB on it. Streaming grows it by about 50 MB (the database's work, the
// batches, the garbage not yet collected), so 120 MB catches a whole-file read and leaves
// room for a slow garbage collector.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importWxr, wxrFile } from '../src/wxr/import-wxr.js';
import { writeBigWxr, type BigWxr } from './helpers/big-wxr.js';
import { makeTestApp, type TestContext } from './helpers/index.js';

const SIZE_MB = Number(process.env.WXR_BIG_MB ?? 50);
const MAX_GROWTH_MB = 120;

let t: TestContext;
let dir: string;
let file: string;
let made: BigWxr;
beforeAll(async () => {
  t = makeTestApp();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-big-wxr-'));
  file = path.join(dir, 'big.xml');
  made = await writeBigWxr(file, SIZE_MB * 1024 * 1024);
}, 120_000);
afterAll(() => {
  t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Runs an import of the big file, sampling resident memory whenever the import waits (between chunks and batches). */
async function measuredImport() {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  try {
    const report = await importWxr(t, wxrFile(file));
    peak = Math.max(peak, process.memoryUsage().rss);
    return { report, before, peak, after: process.memoryUsage().rss };
  } finally {
    clearInterval(sampler);
  }
}

describe(`importing a ${SIZE_MB} MB export`, () => {
  it('imports it, and again, in bounded resident memory', async () => {
    expect(fs.statSync(file).size).toBeGreaterThan(SIZE_MB * 1024 * 1024 * 0.99);

    const first = await measuredImport();
    console.log(`${mb(made.bytes)} MB export, first import: RSS before ${mb(first.before)} MB, peak ${mb(first.peak)} MB, after ${mb(first.after)} MB (growth ${mb(first.peak - first.before)} MB)`);
    expect(first.report.counts).toMatchObject({ posts: made.posts, comments: made.comments, skippedItems: made.trashed });
    expect(first.peak - first.before).toBeLessThan(MAX_GROWTH_MB * 1024 * 1024);
    expect(t.db.prepare('SELECT count(*) FROM comments WHERE parent_id IS NOT NULL').pluck().get()).toBe(made.comments - made.posts);

    const second = await measuredImport();
    console.log(`${mb(made.bytes)} MB export, second import: RSS before ${mb(second.before)} MB, peak ${mb(second.peak)} MB, after ${mb(second.after)} MB (growth ${mb(second.peak - second.before)} MB)`);
    expect(second.report.counts).toMatchObject({ posts: 0, comments: 0, alreadyHere: { posts: made.posts, comments: made.comments } });
    expect(second.peak - second.before).toBeLessThan(MAX_GROWTH_MB * 1024 * 1024);
  }, 240_000);
});
