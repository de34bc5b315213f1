// A request that meets the database held by another writer (an import, a backup) for
// longer than the busy timeout answers 503 with Retry-After, never 500. Real SQLite:
// a second connection on the same file holds the write lock.
import Database from 'better-sqlite3';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUSY_RETRY_AFTER } from '../src/http/errors.js';
import { makePost, makeTestApp, makeUser, scriptToken, textareaValue, type TestContext } from './helpers/index.js';

let t: TestContext;
let other: Database.Database;
beforeEach(async () => {
  t = makeTestApp();
  makePost(t, await makeUser(t.repos), { title: 'Hello' });
  // The app's connection waits a moment, not the production five seconds, before giving up.
  t.db.pragma('busy_timeout = 50');
  other = new Database(t.config.databasePath);
});
afterEach(() => {
  other.close();
  t.close();
});

/** Runs `fn` while the other connection holds the write lock, as a long import's transaction would. */
async function whileLocked<T>(fn: () => Promise<T>): Promise<T> {
  other.exec('BEGIN IMMEDIATE');
  try {
    return await fn();
  } finally {
    other.exec('ROLLBACK');
  }
}

describe('a busy database', () => {
  it('answers a write with 503 and Retry-After, and the same request works once the lock is gone', async () => {
    const res = await whileLocked(() => request(t.app).get('/comments/token').set('Accept', 'text/html'));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(BUSY_RETRY_AFTER));
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('Please try again in a few seconds');
    expect((await request(t.app).get('/comments/token').set('Accept', 'application/json')).status).toBe(200);
  });

  it('keeps serving pages to readers while the lock is held: reads do not wait for it', async () => {
    const res = await whileLocked(() => request(t.app).get('/posts/hello'));
    expect(res.status).toBe(200);
  });

  it('gives a commenter the typed text back with the 503, and posts it when sent again', async () => {
    const agent = request.agent(t.app);
    const token = await scriptToken(agent);
    const typed = { _csrf: token, author: 'Ann Reader', email: 'ann@example.com', url: '', comment: 'Kept *safe* while busy.' };
    const res = await whileLocked(() => agent.post('/posts/hello/comments').type('form').send(typed));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe(String(BUSY_RETRY_AFTER));
    expect(textareaValue(res.text)).toBe('Kept *safe* while busy.');
    expect(t.db.prepare('SELECT count(*) FROM comments').pluck().get()).toBe(0);
    expect((await agent.post('/posts/hello/comments').type('form').send(typed)).status).toBe(303);
  });
});
