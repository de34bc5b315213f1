import { Writable } from 'node:stream';
import { pino } from 'pino';
import request from 'supertest';
import { afterEach, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { buildContext } from '../src/compose.js';
import { makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext | undefined;
afterEach(() => t?.close());

/** The app over `test`'s database, logging at info into `lines`. */
function appLoggingAtInfo(test: TestContext) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { lines, app: createApp(buildContext({ db: test.db, config: test.config, logger: pino({ level: 'info' }, sink) })) };
}

it('logs method, path, status and time, and no address, cookie, email or query string', async () => {
  t = makeTestApp({ TRUST_PROXY: '1' });
  const { lines, app } = appLoggingAtInfo(t);
  try {
    const res = await request(app)
      .get('/no-such-page?email=reader%40example.org&token=secret-query')
      .set('Cookie', 'colloquy.sid=s%3Asecret-cookie-value')
      .set('X-Forwarded-For', '203.0.113.77')
      .set('Referer', 'https://example.org/?from=reader@example.org')
      .set('User-Agent', 'TestAgent/1.0');
    expect(res.status).toBe(404);
  } finally {
    app.close();
  }
  const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const done = entries.find((e) => e.msg === 'request completed');
  expect(done).toMatchObject({ req: { method: 'GET', path: '/no-such-page' }, res: { status: 404 } });
  expect(typeof done?.responseTime).toBe('number');
  const all = lines.join('\n');
  for (const secret of ['203.0.113.77', '127.0.0.1', 'secret-cookie-value', 'colloquy.sid', 'reader@example.org', 'reader%40example.org', 'secret-query', 'TestAgent']) {
    expect(all, secret).not.toContain(secret);
  }
});

it('logs a page answered from the render cache like any other', async () => {
  t = makeTestApp();
  const { lines, app } = appLoggingAtInfo(t);
  try {
    for (let i = 0; i < 2; i++) expect((await request(app).get('/?utm_source=x')).status).toBe(200);
  } finally {
    app.close();
  }
  const done = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.msg === 'request completed');
  expect(done).toHaveLength(2);
  for (const entry of done) expect(entry).toMatchObject({ req: { method: 'GET', path: '/' }, res: { status: 200 } });
});

