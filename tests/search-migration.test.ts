import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { openDatabase, type Db } from '../src/db/open.js';
import { migrate, readMigrations } from '../src/db/migrate.js';
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
    // A blog written before search existed, in that day's schema: today's repositories
    // read columns later migrations add, so the rows are written as they were then.
    db.exec(`INSERT INTO users (id, username, display_name, password_hash, role, created_at, updated_at)
        VALUES (1, 'old', 'Old', 'x', 'author', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z');
      INSERT INTO posts (id, author_id, title, slug, body_md, body_html, summary, status, published_at, created_at, updated_at) VALUES
        (1, 1, 'Lighthouse keeping', 'lighthouse-keeping', 'Foghorns at dusk.', '<p>Foghorns at dusk.</p>', 'Foghorns at dusk.', 'published', '2021-05-01T00:00:00.000Z', 'now', 'now'),
        (2, 1, 'Unfinished lighthouse', 'unfinished-lighthouse', 'Draft text.', '<p>Draft text.</p>', 'Draft text.', 'draft', NULL, 'now', 'now');
      INSERT INTO tags (id, slug, name) VALUES (1, 'coast', 'Coast');
      INSERT INTO post_tags (post_id, tag_id) VALUES (1, 1);`);

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
