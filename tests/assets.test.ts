import fs from 'node:fs';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, type TestContext } from './helpers/test-app.js';
import { projectPath } from '../src/paths.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

describe('static files', () => {
  it('are linked by a URL carrying their content hash, kept by browsers for a year', async () => {
    const page = await request(t.app).get('/');
    const links = [...page.text.matchAll(/(?:href|src)="(\/static\/[^"]+)"/g)].map((m) => m[1]!);
    const css = links.find((l) => l.startsWith('/static/css/site.'))!;
    expect(css).toMatch(/^\/static\/css\/site\.[0-9a-f]{10}\.css$/);
    expect(links).toEqual(expect.arrayContaining([expect.stringMatching(/^\/static\/js\/site\.[0-9a-f]{10}\.js$/)]));
    const res = await request(t.app).get(css);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-type']).toMatch(/^text\/css/);
    expect(res.text).toBe(fs.readFileSync(projectPath('public/css/site.css'), 'utf8'));
  });

  it('are still served at their plain URLs, kept only an hour, and a wrong hash is not found', async () => {
    const plain = await request(t.app).get('/static/css/site.css');
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=3600');
    expect((await request(t.app).get('/static/css/site.0123456789.css')).status).toBe(404);
  });

  it('keep plain URLs while views are being edited (NODE_ENV=development)', async () => {
    const dev = makeTestApp({ NODE_ENV: 'development' });
    try {
      expect((await request(dev.app).get('/')).text).toContain('href="/static/css/site.css"');
    } finally {
      dev.close();
    }
  });
});
