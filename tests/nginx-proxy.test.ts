// Debian's nginx on loopback in front of the real server, with a one-second cache:
// repeat requests come from nginx's cache, a cached page outlives the app, and a new
// approved comment shows once the second is over (nginx revalidates with the app).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildContext } from '../src/compose.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/open.js';
import { migrate } from '../src/db/migrate.js';
import { makePost, makeUser } from './helpers/index.js';
import { NGINX, startNginx, type RunningNginx } from './helpers/nginx.js';
import { request, startServer, type RunningServer } from './helpers/server-process.js';

const hasNginx = fs.existsSync(NGINX);
if (!hasNginx) process.stderr.write(`tests/nginx-proxy.test.ts skipped: ${NGINX} is not installed (.ci/run installs it)\n`);

/**
 * The proxy's own policy, as the README's production example. `proxy_ignore_headers
 * Cache-Control` because the app says `max-age=0, s-maxage=1`, and an nginx that does
 * not read s-maxage would take the max-age=0 as "keep nothing". With the one-second
 * validity nginx asks the app again (If-None-Match) every second, and anything
 * carrying a cookie (a session, a like) goes past the cache both ways.
 */
function proxyConfig(appPort: number, cacheDir: string) {
  return {
    http: `proxy_cache_path ${cacheDir} levels=1:2 keys_zone=colloquy:1m max_size=50m inactive=10m use_temp_path=off;`,
    server: `
    location / {
      proxy_pass http://127.0.0.1:${appPort};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_cache colloquy;
      proxy_cache_key $scheme$host$request_uri;
      proxy_cache_valid 200 1s;
      proxy_cache_revalidate on;
      proxy_cache_use_stale error timeout updating;
      proxy_ignore_headers Cache-Control Expires;
      proxy_cache_bypass $http_cookie;
      proxy_no_cache $http_cookie;
      add_header X-Cache-Status $upstream_cache_status always;
    }`,
  };
}

let dir: string;
let app: RunningServer;
let nginx: RunningNginx;
let slug: string;

beforeAll(async () => {
  if (!hasNginx) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-nginx-'));
  const databasePath = path.join(dir, 'blog.db');
  const db = openDatabase(databasePath);
  migrate(db);
  const t = buildContext({ db, config: loadConfig({ DATABASE_PATH: databasePath }, dir) });
  const { repos } = t;
  const author = await makeUser(repos, 'admin');
  slug = repos.posts.findById(makePost(t, author, { title: 'Behind the proxy' }))!.slug;
  repos.settings.save({ comment_moderation: 'none' });
  db.close();
  app = await startServer(dir, { TRUST_PROXY: 'loopback' });
  // Run as root, nginx's worker is `nobody`: it must reach its folder.
  fs.chmodSync(dir, 0o755);
  const config = proxyConfig(app.port, path.join(dir, 'nginx', 'cache'));
  nginx = await startNginx(path.join(dir, 'nginx'), config.server, config.http);
}, 60_000);

afterAll(async () => {
  if (!hasNginx) return;
  await nginx?.stop();
  if (app?.child.exitCode === null) {
    app.child.kill('SIGTERM');
    await app.exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasNginx)('nginx in front, with a one-second cache', { timeout: 30_000 }, () => {
  it('answers repeats from its cache, shows an approved comment after revalidating, and serves the page while the app is down', async () => {
    const page = `/posts/${slug}`;
    const first = await request(nginx.port, 'GET', page);
    expect(first.status).toBe(200);
    expect(first.headers['x-cache-status']).toBe('MISS');
    const repeat = await request(nginx.port, 'GET', page);
    expect(repeat.headers['x-cache-status']).toBe('HIT');
    expect(repeat.body).toBe(first.body);

    // The reader starts a session to write; from then on nginx passes them to the app.
    const token = await request(nginx.port, 'GET', '/comments/token');
    const cookie = token.headers['set-cookie']![0]!.split(';')[0]!;
    const text = 'Seen through the proxy within a second';
    const posted = await request(nginx.port, 'POST', `${page}/comments`, { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      new URLSearchParams({ author: 'Proxy reader', email: 'proxy@example.org', comment: text, comment_parent: '0', _csrf: JSON.parse(token.body).token }).toString());
    expect(posted.status).toBe(303);
    expect((await request(nginx.port, 'GET', page, { Cookie: cookie })).headers['x-cache-status']).toBe('BYPASS');

    // Cookieless readers get the cached copy until it is a second old, then the new one.
    let seen = false;
    for (let i = 0; i < 30 && !seen; i++) {
      seen = (await request(nginx.port, 'GET', page)).body.includes(text);
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen).toBe(true);

    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    const whileDown = await request(nginx.port, 'GET', page);
    expect(whileDown.status).toBe(200);
    expect(['HIT', 'STALE']).toContain(whileDown.headers['x-cache-status']);
    expect(whileDown.body).toContain(text);
    // Nothing personal was cached: a reader with a cookie reaches the (stopped) app.
    expect((await request(nginx.port, 'GET', page, { Cookie: cookie })).status).toBe(502);
  });
});
