// Helpers for comment tests: a session with a token, stored comments, page scraping
// and counting the SQL statements a request runs.
import { createHmac } from 'node:crypto';
import type { Agent } from 'supertest';
import type { Db } from '../../src/db/open.js';
import type { Repositories } from '../../src/repositories.js';
import type { NewComment } from '../../src/comments/comments-repository.js';
import { renderCommentMarkdown } from '../../src/markdown.js';

/** Starts a session for `agent` the way the page script does, and returns its token. */
export async function scriptToken(agent: Agent): Promise<string> {
  const res = await agent.get('/comments/token').set('Accept', 'application/json');
  return (res.body as { token: string }).token;
}

/** The value of the first input called `name` in a page (after `from`, if given). */
export function inputValue(html: string, name: string, from = 0): string | undefined {
  const re = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`);
  return re.exec(html.slice(from))?.[1];
}

export function textareaValue(html: string): string | undefined {
  return /<textarea id="comment"[^>]*>([\s\S]*?)<\/textarea>/.exec(html)?.[1];
}

let tick = 0;

/** A stored comment (approved unless said otherwise), created a second after the last. */
export function seedComment(repos: Repositories, postId: number, over: Partial<NewComment> = {}): number {
  const body = over.body_md ?? `Comment ${tick}`;
  return repos.comments.insert(
    {
      post_id: postId, parent_id: null, user_id: null, author_name: `Person ${tick}`, author_email: `p${tick}@example.com`, author_url: '',
      body_md: body, body_html: renderCommentMarkdown(body), status: 'approved', held_reason: '', ip_hash: '', user_agent: '', ...over,
    },
    new Date(Date.UTC(2026, 0, 1) + 1000 * tick++).toISOString(),
  );
}

/** How many statements run while `fn` runs (every prepared statement's get/all/run/iterate). */
export async function countQueries<T>(db: Db, fn: () => Promise<T>): Promise<{ result: T; count: number; sql: string[] }> {
  const proto = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, (...args: unknown[]) => unknown>;
  const methods = ['get', 'all', 'run', 'iterate'] as const;
  const originals = methods.map((m) => proto[m]!);
  const sql: string[] = [];
  methods.forEach((m, i) => {
    proto[m] = function (this: { source: string }, ...args: unknown[]) {
      sql.push(this.source);
      return originals[i]!.apply(this, args);
    };
  });
  try {
    const result = await fn();
    return { result, count: sql.length, sql };
  } finally {
    methods.forEach((m, i) => { proto[m] = originals[i]!; });
  }
}

/**
 * The comment list as a tree of "id.depth" labels, read from the page's own nesting
 * of <li> and <ol> tags (so a reply shown in the wrong list is caught).
 */
export function pageTree(html: string): { id: number; depth: number; classes: string; children: unknown[] }[] {
  const start = html.indexOf('<ol class="comment-list">');
  if (start === -1) return [];
  type Node = { id: number; depth: number; classes: string; children: Node[] };
  const root: Node = { id: 0, depth: 0, classes: '', children: [] };
  const stack: (Node | 'li' | 'ol')[] = [];
  const re = /<li id="comment-(\d+)" class="([^"]*)">|<li\b[^>]*>|<\/li>|<ol\b[^>]*>|<\/ol>/g;
  re.lastIndex = start;
  const current = () => [...stack].reverse().find((x): x is Node => typeof x === 'object') ?? root;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html))) {
    const tag = m[0];
    if (m[1]) {
      const node: Node = { id: Number(m[1]), depth: Number(/depth-(\d+)/.exec(m[2]!)?.[1]), classes: m[2]!, children: [] };
      current().children.push(node);
      stack.push(node);
    } else if (tag.startsWith('<li')) stack.push('li');
    else if (tag.startsWith('<ol')) stack.push('ol');
    else stack.pop();
    if (stack.length === 0) break;
  }
  return root.children;
}

/** A signed-in session for `userId` (logged in just now), as express-session's cookie (value `s:` + signed id). */
export function signedInCookie(repos: Repositories, secret: string, userId: number): string {
  const sid = `test-${userId}-${Date.now()}`;
  const expires = Date.now() + 3_600_000;
  const authAt = Date.now();
  repos.sessions.set(sid, JSON.stringify({ cookie: { originalMaxAge: 3_600_000, expires: new Date(expires).toISOString(), httpOnly: true, path: '/' }, userId, authAt, seenAt: authAt }), expires);
  const signature = createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '');
  return `colloquy.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`;
}
