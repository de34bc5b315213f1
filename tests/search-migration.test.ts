import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/db/open.js';
import { migrate, readMigrations } from '../src/db/migrate.js';
import { systemClock } from '../src/clock.js';
import { createSearchRepository } from '../src/search/search-repository.js';
import { toMatchExpression } from '../src/search/search-query.js';

let dir: string;
let db: Db;
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('migration 004 (search)', () => {
  it('indexes the posts a database already holds', () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-search-'));
    db = openDatabase(path.join(dir, 'old.db'));
    const all = readMigrations();
    migrate(db, all.filter((m) => m.version < 4));
    // A blog written before search existed: posts and tags as that schema stored them
    // (today's repositories expect columns later migrations add).
    const author = Number(db.prepare(
      "INSERT INTO users (username, display_name, password_hash, role, created_at, updated_at) VALUES ('old', 'Old', 'x', 'author', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')",
    ).run().lastInsertRowid);
    const insertPost = db.prepare(
      `INSERT INTO posts (kind, author_id, title, slug, body_md, body_html, status, published_at, created_at, updated_at)
       VALUES ('post', ?, ?, ?, ?, ?, ?, ?, '2021-05-01T00:00:00.000Z', '2021-05-01T00:00:00.000Z')`,
    );
    insertPost.run(author, 'Lighthouse keeping', 'lighthouse-keeping', 'Foghorns at dusk.', '<p>Foghorns at dusk.</p>', 'published', '2021-05-01T00:00:00.000Z');
    insertPost.run(author, 'Unfinished lighthouse', 'unfinished-lighthouse', 'Draft text.', '<p>Draft text.</p>', 'draft', null);
    db.prepare("INSERT INTO tags (slug, name) VALUES ('coast', 'Coast')").run();
    db.prepare('INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1)').run();

    expect(migrate(db, all)).toContain('004-search.sql');
    const indexed = db.prepare('SELECT rowid, title, tags FROM posts_fts ORDER BY rowid').all();
    expect(indexed).toEqual([
      { rowid: 1, title: 'Lighthouse keeping', tags: 'Coast' },
      { rowid: 2, title: 'Unfinished lighthouse', tags: '' },
    ]);
    const search = createSearchRepository(db, systemClock);
    for (const words of ['lighthouse', 'foghorn', 'coast']) {
      const hits = search.searchPublic(toMatchExpression(words)!, 10, 0);
      expect(hits.map((h) => h.slug), words).toEqual(['lighthouse-keeping']);
    }
  });
});
