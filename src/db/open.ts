// Opens the SQLite database with the pragmas every connection needs.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL is durable across application crashes in WAL mode and much faster than FULL.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** For /healthz: a query proving the database answers, prepared once. */
export function createPing(db: Db): () => boolean {
  const select = db.prepare('SELECT 1').pluck();
  return () => {
    try {
      return select.get() === 1;
    } catch {
      return false;
    }
  };
}
