import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../src/db/open.js';
import { migrate, readMigrations, type Migration } from '../src/db/migrate.js';
import { createReportsRepository } from '../src/comments/reports-repository.js';
import { systemClock } from '../src/clock.js';

let dir: string;
let db: Db;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'colloquy-migrate-'));
  db = openDatabase(path.join(dir, 'nested', 'blog.db'));
});
afterEach(() => {
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const tables = () => db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[];
const recorded = () => db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
const m = (version: number, sql: string): Migration => ({ version, name: `${String(version).padStart(3, '0')}-test.sql`, sql });

describe('openDatabase', () => {
  it('creates the folder and sets WAL, foreign keys, a busy timeout and synchronous NORMAL', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
  });
});

describe('readMigrations', () => {
  it('reads numbered .sql files in numeric order and ignores anything else', () => {
    fs.writeFileSync(path.join(dir, '10-later.sql'), 'SELECT 10;');
    fs.writeFileSync(path.join(dir, '2-earlier.sql'), 'SELECT 2;');
    fs.writeFileSync(path.join(dir, 'README.md'), 'not a migration');
    fs.writeFileSync(path.join(dir, 'draft.sql'), 'SELECT 0;');
    expect(readMigrations(dir).map((x) => x.name)).toEqual(['2-earlier.sql', '10-later.sql']);
  });

  it('refuses two files with the same number', () => {
    fs.writeFileSync(path.join(dir, '002-a.sql'), '');
    fs.writeFileSync(path.join(dir, '2-b.sql'), '');
    expect(() => readMigrations(dir)).toThrow('Two migrations share version 2');
  });

  it("finds the project's own migrations, starting with the full first schema", () => {
    const own = readMigrations();
    expect(own[0]?.name).toBe('001-initial.sql');
    expect(own.map((x) => x.version)).toEqual([...own.map((x) => x.version)].sort((a, b) => a - b));
  });
});

describe('migrate', () => {
  it('applies the real migrations in order, records each, and does nothing the second time', () => {
    const applied = migrate(db);
    expect(applied[0]).toBe('001-initial.sql');
    expect(tables()).toEqual(expect.arrayContaining(['users', 'posts', 'comments', 'tags', 'post_tags', 'settings', 'sessions', 'schema_migrations']));
    expect(recorded()).toHaveLength(applied.length);
    expect(migrate(db)).toEqual([]);
  });

  it('applies pending migrations in version order whatever order they are given in', () => {
    const applied = migrate(db, [m(2, 'INSERT INTO t VALUES (2);'), m(1, 'CREATE TABLE t (v INTEGER);')]);
    expect(applied).toEqual(['001-test.sql', '002-test.sql']);
    expect(db.prepare('SELECT v FROM t').pluck().all()).toEqual([2]);
  });

  it('leaves nothing of a failing migration behind, keeps the ones before it, and applies it once fixed', () => {
    const good = m(1, 'CREATE TABLE t (v INTEGER);');
    const bad = m(2, "CREATE TABLE half (x); INSERT INTO t VALUES (1); INSERT INTO missing VALUES ('boom');");
    expect(() => migrate(db, [good, bad])).toThrow(/no such table: missing/);
    expect(tables()).not.toContain('half');
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(0);
    expect(recorded()).toEqual([{ version: 1, name: '001-test.sql' }]);

    const fixed = m(2, 'CREATE TABLE half (x); INSERT INTO t VALUES (1);');
    expect(migrate(db, [good, fixed])).toEqual(['002-test.sql']);
    expect(tables()).toContain('half');
  });

  it('upgrades an old-shaped database that has only the first migration, keeping its data', () => {
    const [first] = readMigrations();
    migrate(db, [first!]);
    db.prepare("INSERT INTO users (username, display_name, password_hash, role, created_at, updated_at) VALUES ('ada', 'Ada', 'x', 'admin', 'now', 'now')").run();
    const later = [first!, ...readMigrations().slice(1), m(999, 'ALTER TABLE users ADD COLUMN nickname TEXT NOT NULL DEFAULT \'\';')];
    const applied = migrate(db, later);
    expect(applied).toContain('999-test.sql');
    expect(applied).not.toContain('001-initial.sql');
    expect(db.prepare("SELECT username, nickname FROM users").get()).toEqual({ username: 'ada', nickname: '' });
    expect(recorded().map((r) => (r as { version: number }).version)).toEqual(later.map((x) => x.version));
  });

  it('keeps reports and likes made before addresses were kept; such reports never count towards hiding', () => {
    migrate(db, readMigrations().filter((x) => x.version <= 5));
    db.exec(`INSERT INTO users (id, username, display_name, password_hash, role, created_at, updated_at) VALUES (1, 'ada', 'Ada', 'x', 'admin', 'now', 'now');
      INSERT INTO posts (id, author_id, title, slug, body_md, body_html, status, created_at, updated_at) VALUES (1, 1, 'P', 'p', 'b', 'b', 'published', 'now', 'now');
      INSERT INTO comments (id, post_id, author_name, author_email, email_key, body_md, body_html, status, created_at, updated_at)
        VALUES (1, 1, 'Ann', 'ann@example.com', 'ann@example.com', 'hi', 'hi', 'approved', 'now', 'now');
      INSERT INTO reports (comment_id, reader_key, reason, created_at) VALUES (1, 'browser-a', 'rude', 'now'), (1, 'browser-b', '', 'now');
      INSERT INTO likes (post_id, reader_key, created_at) VALUES (1, 'browser-a', 'now');`);
    migrate(db);
    expect(db.prepare('SELECT reader_key, reason, address_hash, reviewed_at FROM reports ORDER BY reader_key').all()).toEqual([
      { reader_key: 'browser-a', reason: 'rude', address_hash: '', reviewed_at: null },
      { reader_key: 'browser-b', reason: '', address_hash: '', reviewed_at: null },
    ]);
    expect(createReportsRepository(db, systemClock).countHidingAddresses(1)).toBe(0);
    expect(createReportsRepository(db, systemClock).summaryFor([1]).get(1)).toEqual({ count: 2, open: 2, addresses: 0, reasons: [{ text: 'rude', reviewed: false }] });
    expect(db.prepare('SELECT reader_key, address_hash FROM likes').all()).toEqual([{ reader_key: 'browser-a', address_hash: '' }]);
  });
});
