// `npx tsx bench/adversarial.ts [LENGTH]`: every hostile input (tests/helpers/adversarial-inputs.ts)
// through every module that reads user text, median of 5 runs each, and the slowest.
// A regression in the milliseconds shows here, not in a timed test.
import { adversarialInputs, TARGETS } from '../tests/helpers/adversarial-inputs.js';

const LENGTH = Number(process.argv[2] ?? process.env.ADVERSARIAL_LENGTH ?? 10_000);
const RUNS = 5;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

interface Row { input: string; module: string; ms: number }

export function measureAdversarial(length = LENGTH): Row[] {
  const rows: Row[] = [];
  for (const { name, text } of adversarialInputs(length)) {
    for (const { module, read } of TARGETS) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        try {
          read(text);
        } catch {
          // A refusal is an answer too; only the time matters here.
        }
        times.push(performance.now() - started);
      }
      rows.push({ input: name, module, ms: median(times) });
    }
  }
  return rows;
}

export function printAdversarial(rows: readonly Row[], length = LENGTH): void {
  const width = Math.max(...rows.map((r) => r.input.length));
  console.log(`\nAdversarial inputs of ${length.toLocaleString('en-US')} characters (median of ${RUNS} runs)`);
  console.log(`${'input'.padEnd(width)}  ${'module'.padEnd(20)}  ms`);
  for (const r of rows) console.log(`${r.input.padEnd(width)}  ${r.module.padEnd(20)}  ${r.ms.toFixed(2)}`);
  const slowest = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
  console.log(`\nslowest: ${slowest.input} through ${slowest.module}: ${slowest.ms.toFixed(2)} ms`);
}

if (import.meta.url === `file://${process.argv[1]}`) printAdversarial(measureAdversarial());
