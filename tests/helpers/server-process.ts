// The server as a real process (src/server.ts through tsx), for the tests that need
// signals, several workers or a proxy in front: started on a free port, its log kept.
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TEST_PASSWORD_COST } from './test-app.js';

const root = path.resolve(import.meta.dirname, '../..');
export const SERVER_ENTRY = ['--import', pathToFileURL(path.join(root, 'node_modules/tsx/dist/loader.mjs')).href, path.join(root, 'src/server.ts')];

export interface RunningServer {
  child: ChildProcess;
  port: number;
  /** Every line written to standard output so far. */
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts the server in `dir` and resolves once it logs that it listens. */
export function startServer(dir: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const child = spawn(process.execPath, SERVER_ENTRY, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', PORT: '0', DATABASE_PATH: path.join(dir, 'blog.db'), PASSWORD_HASH_COST: String(TEST_PASSWORD_COST), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n');
      buffer = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (line.includes('"listening"')) resolve({ child, port: (JSON.parse(line) as { port: number }).port, lines, exited });
      }
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code} before listening`)));
  });
}

/** The JSON log records among the lines (the password line is plain text). */
export function logRecords(lines: readonly string[]): Record<string, unknown>[] {
  return lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

export interface PlainResponse { status: number; headers: http.IncomingHttpHeaders; body: string }

/** One request on a connection of its own (no keep-alive), so each may reach another worker. */
export function request(port: number, method: string, pathname: string, headers: Record<string, string> = {}, body = ''): Promise<PlainResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: pathname, agent: false, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
