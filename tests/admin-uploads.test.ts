import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sniffImageType } from '../src/uploads/image-type.js';
import { uploadMarkdown } from '../src/uploads/uploads-store.js';
import { loginAs, pageToken, type Agent, makeUser, makeTestApp, type TestContext } from './helpers/index.js';

let t: TestContext;
beforeEach(() => { t = makeTestApp(); });
afterEach(() => t.close());

// A 1×1 transparent PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

async function upload(agent: Agent, file: Buffer, name: string, accept = 'application/json') {
  const token = await pageToken(agent, '/admin/uploads');
  return agent.post('/admin/uploads').set('Accept', accept).field('_csrf', token).attach('image', file, name);
}

describe('image uploads', () => {
  it('stores a PNG under the data folder and serves it for good', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await upload(agent, PNG, 'My [cat].png');
    expect(res.status).toBe(201);
    expect(res.body.markdown).toMatch(/^!\[My cat\]\(\/uploads\/[a-f0-9]{32}\.png\)$/);
    const filename = res.body.url.replace('/uploads/', '');
    expect(fs.readFileSync(path.join(t.config.dataDir, 'uploads', filename))).toEqual(PNG);
    const served = await request(t.app).get(res.body.url);
    expect(served.status).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.from(served.body)).toEqual(PNG);
    expect((await agent.get('/admin/uploads')).text).toContain(filename);
  });

  it('answers a form without JavaScript with a page holding the Markdown', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const res = await upload(agent, PNG, 'pic.png', 'text/html');
    expect(res.status).toBe(201);
    expect(res.text).toMatch(/!\[pic\]\(\/uploads\/[a-f0-9]{32}\.png\)/);
  });

  it('judges the type by content, not the name, and limits the size', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const fake = await upload(agent, Buffer.from('<html><script>alert(1)</script></html>'), 'evil.png');
    expect(fake.status).toBe(415);
    const big = await upload(agent, Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]), 'big.png');
    expect(big.status).toBe(413);
    expect(t.repos.uploads.listRecent(null, 10)).toEqual([]);
    expect(fs.existsSync(path.join(t.config.dataDir, 'uploads')) ? fs.readdirSync(path.join(t.config.dataDir, 'uploads')) : []).toEqual([]);
  });

  it('needs a valid token and a session', async () => {
    await makeUser(t.repos, 'admin', 'alice');
    const agent = await loginAs(t, 'alice');
    const forged = await agent.post('/admin/uploads').field('_csrf', 'nope').attach('image', PNG, 'a.png');
    expect(forged.status).toBe(403);
    const anonymous = await request(t.app).post('/admin/uploads').attach('image', PNG, 'a.png');
    expect(anonymous.status).toBe(302);
    expect(t.repos.uploads.listRecent(null, 10)).toEqual([]);
  });

  it('serves nothing it did not store', async () => {
    for (const name of ['nope.png', '..%2f..%2ftest.db', `${'a'.repeat(32)}.png`]) {
      expect((await request(t.app).get(`/uploads/${name}`)).status, name).toBe(404);
    }
  });
});

describe('image type sniffing', () => {
  it('knows PNG, JPEG, GIF and WebP by their first bytes', () => {
    expect(sniffImageType(PNG)?.mime).toBe('image/png');
    expect(sniffImageType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))?.ext).toBe('jpg');
    expect(sniffImageType(Buffer.from('GIF89a....'))?.ext).toBe('gif');
    expect(sniffImageType(Buffer.from('RIFF\x00\x00\x00\x00WEBPVP8 '))?.ext).toBe('webp');
    expect(sniffImageType(Buffer.from('RIFF\x00\x00\x00\x00WAVE'))).toBeUndefined();
    expect(sniffImageType(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(sniffImageType(Buffer.alloc(0))).toBeUndefined();
  });

  it('writes Markdown with a clean alt text', () => {
    expect(uploadMarkdown({ filename: 'f.png', original_name: 'Holiday photo.JPG' })).toBe('![Holiday photo](/uploads/f.png)');
    expect(uploadMarkdown({ filename: 'f.png', original_name: '.png' })).toBe('![image](/uploads/f.png)');
  });
});
