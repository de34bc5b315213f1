// The import rule, checked: no circles of runtime imports in src, the lower layers
// (repositories, services, db, risk, limits) know nothing of HTTP, and src never
// reaches into tests. A failure prints the circles or the imports that break the rule.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, importGraph } from './helpers/index.js';

const SRC = path.resolve(import.meta.dirname, '../src');
const TESTS = path.resolve(import.meta.dirname);
const graph = importGraph(SRC);
const rel = (file: string) => (path.isAbsolute(file) ? path.relative(path.dirname(SRC), file) : file);

/** Repositories, services and what lies below them. */
function isLowerLayer(file: string): boolean {
  const name = path.relative(SRC, file).split(path.sep).join('/');
  return /-(repository|service)\.ts$/.test(name) || name === 'services.ts' || /^(db|risk|limits)\//.test(name);
}

const HTTP_PACKAGES = new Set(['express', 'express-session', 'csurf', 'multer']);

describe('the import rule', () => {
  it('scans every module in src', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect([...graph.keys()].map(rel)).toContain('src/app.ts');
  });

  it('has no circle of runtime imports', () => {
    const cycles = findCycles(graph).map((circle) => circle.map(rel).join(' → '));
    expect(cycles, `import circles:\n  ${cycles.join('\n  ')}`).toEqual([]);
  });

  it('keeps repositories and services below HTTP', () => {
    const broken = [...graph].filter(([file]) => isLowerLayer(file)).flatMap(([file, imports]) =>
      imports.filter((i) => i.target.startsWith(`${SRC}/http/`) || HTTP_PACKAGES.has(i.target)).map((i) => `${rel(file)} imports ${rel(i.target)}`));
    expect([...graph.keys()].filter(isLowerLayer).length).toBeGreaterThan(10);
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('never imports tests from src', () => {
    const broken = [...graph].flatMap(([file, imports]) =>
      imports.filter((i) => i.target.startsWith(`${TESTS}/`)).map((i) => `${rel(file)} imports ${rel(i.target)}`));
    expect(broken, broken.join('\n')).toEqual([]);
  });
});

describe('the import scanner', () => {
  it('finds a circle, and ignores one closed only by a type import', () => {
    const imports = (...targets: [string, boolean][]) => targets.map(([target, typeOnly]) => ({ target, typeOnly }));
    const g = new Map([
      ['/a.ts', imports(['/b.ts', false])],
      ['/b.ts', imports(['/c.ts', false], ['/a.ts', true])],
      ['/c.ts', imports(['/a.ts', false], ['express', false])],
      ['/d.ts', imports(['/a.ts', false])],
    ]);
    expect(findCycles(g)).toEqual([['/a.ts', '/b.ts', '/c.ts', '/a.ts']]);
    g.set('/c.ts', imports(['/a.ts', true]));
    expect(findCycles(g)).toEqual([]);
  });
});
