// A small import scanner for the architecture test: every module under a folder, the
// modules it imports (relative ones resolved to files, packages by name), and the
// import circles among them. `import type` and `export type` are left out of the
// runtime graph: the compiler erases them (with verbatimModuleSyntax, nothing else is).
import fs from 'node:fs';
import path from 'node:path';

export interface Import {
  /** A project file (absolute path), or a package name for anything not relative. */
  target: string;
  typeOnly: boolean;
}

export type ImportGraph = Map<string, Import[]>;

// `import … from '…'`, `export … from '…'`, `import '…'` and `import('…')`; the
// statement keyword decides whether it is type-only. Comments are stripped first.
const STATEMENT = /\b(import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

function resolve(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) {
    // A package by its name ('express', '@types/x', 'node:fs'), not its subpath.
    const parts = specifier.split('/');
    return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  }
  return path.resolve(path.dirname(from), specifier).replace(/\.js$/, '.ts');
}

export function listModules(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => path.join(dir, f))
    .sort();
}

export function readImports(file: string): Import[] {
  const source = stripComments(fs.readFileSync(file, 'utf8'));
  const found: Import[] = [];
  for (const m of source.matchAll(STATEMENT)) {
    const specifier = m[3] ?? m[4]!;
    found.push({ target: resolve(file, specifier), typeOnly: m[2] !== undefined });
  }
  return found;
}

export function importGraph(dir: string): ImportGraph {
  return new Map(listModules(dir).map((file) => [file, readImports(file)]));
}

/**
 * Every circle of runtime imports: one per strongly connected group of modules
 * (Tarjan), each shown as a path that starts and ends at the same module.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const edges = (file: string) => [...new Set((graph.get(file) ?? []).filter((i) => !i.typeOnly && graph.has(i.target)).map((i) => i.target))];
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;

  // Iterative, so a deep chain of modules cannot overflow the call stack.
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; children: string[]; i: number }[] = [];
    const enter = (node: string) => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, children: edges(node), i: 0 });
    };
    enter(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      if (top.i < top.children.length) {
        const child = top.children[top.i++]!;
        if (!index.has(child)) enter(child);
        else if (onStack.has(child)) low.set(top.node, Math.min(low.get(top.node)!, index.get(child)!));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      if (low.get(top.node) === index.get(top.node)) {
        const group: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          group.push(member);
        } while (member !== top.node);
        if (group.length > 1 || edges(top.node).includes(top.node)) groups.push(group);
      }
    }
  }
  return groups.map((group) => circleThrough(group, edges));
}

/** One concrete circle inside a strongly connected group, by a breadth-first search back to its first module. */
function circleThrough(group: string[], edges: (file: string) => string[]): string[] {
  const members = new Set(group);
  const start = [...group].sort()[0]!;
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const node = queue.shift()!;
    for (const child of edges(node)) {
      if (!members.has(child)) continue;
      if (child === start) {
        const circle = [node];
        while (circle[0] !== start) circle.unshift(cameFrom.get(circle[0]!)!);
        return [...circle, start];
      }
      if (!cameFrom.has(child) && child !== start) {
        cameFrom.set(child, node);
        queue.push(child);
      }
    }
  }
  return [start, start];
}
