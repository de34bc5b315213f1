import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.js';
import { openDatabase, type Db } from '../src/db/open.js';
import { migrate, readMigrations } from '../src/db/migrate.js';
import { createPostsRepository } from '../src/posts/posts-repository.js';
import { createAuditRepository } from '../src/audit/audit-repository.js';
import { createPostsService } from '../src/posts/posts-service.js';
import { createTagsRepository } from '../src/posts/tags-repository.js';
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
    // A blog written before search existed: posts and tags through the ordinary service.
    const posts = createPostsRepository(db, systemClock);
    const service = createPostsService({ db, repos: { posts, tags: createTagsRepository(db, systemClock), audit: createAuditRepository(db, systemClock) }, clock: systemClock });
    const author = Number(db.prepare(
      "INSERT INTO users (username, display_name, password_hash, role, created_at, updated_at) VALUES ('old', 'Old', 'x', 'author', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z')",
    ).run().lastInsertRowid);
    const draft = { kind: 'post' as const, author_id: author, slug: '', excerpt: '', comments_open: true };
    service.create({ ...draft, title: 'Lighthouse keeping', body_md: 'Foghorns at dusk.', tags: ['Coast'], status: 'published', published_at: new Date('2021-05-01T00:00:00Z') });
    service.create({ ...draft, title: 'Unfinished lighthouse', body_md: 'Draft text.', tags: [], status: 'draft', published_at: null });

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
