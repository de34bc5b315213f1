// Backups as one .tar.gz: a consistent copy of the database without sessions or
// secrets, and every uploaded file; readable by its owner alone from the moment it
// exists. Restoring unpacks one into an empty data folder, and nothing else.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import Database from 'better-sqlite3';
import * as tar from 'tar';
import type { Db } from '../db/open.js';
import { STORED_NAME } from '../uploads/image-type.js';
import { uploadsDir } from '../uploads/uploads-store.js';

/** The database's name inside the archive, whatever DATABASE_PATH calls it. */
export const DATABASE_ENTRY = 'colloquy.db';
const UPLOADS_ENTRY = 'uploads';

/** A refusal to say to the person (a bad archive, a folder that is not empty). */
export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupSummary {
  uploads: number;
  bytes: number;
}

/**
 * Writes the archive to `target` (replacing it only once complete). The database copy
 * is made with VACUUM INTO, one read transaction, so it is consistent while the blog
 * keeps writing; sessions (which would let a reader of the backup sign in as whoever
 * was signed in) and the generated session secret are then deleted from the copy, and
 * a second VACUUM leaves no trace of them in free pages.
 */
export async function writeBackup(db: Db, dataDir: string, target: string): Promise<BackupSummary> {
  // 0700 from mkdtemp: nothing staged inside is open to others whatever its own mode.
  const staging = fs.mkdtempSync(path.join(dataDir, '.backup-'));
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  try {
    const copy = path.join(staging, DATABASE_ENTRY);
    // VACUUM INTO fills an existing empty file and keeps its mode.
    fs.closeSync(fs.openSync(copy, 'wx', 0o600));
    db.prepare('VACUUM INTO ?').run(copy);
    scrubCopy(copy);

    // Plain files with names we make: a link or anything else in uploads/ is not ours.
    const uploads = fs.existsSync(uploadsDir(dataDir))
      ? fs.readdirSync(uploadsDir(dataDir), { withFileTypes: true }).filter((d) => d.isFile() && STORED_NAME.test(d.name)).map((d) => d.name)
      : [];
    const stagedDb = path.relative(dataDir, copy);
    const out = fs.createWriteStream(temp, { flags: 'wx', mode: 0o600 });
    const pack = tar.create(
      {
        gzip: true,
        cwd: dataDir,
        portable: true,
        onWriteEntry: (entry) => {
          if (entry.path === stagedDb) entry.path = DATABASE_ENTRY;
        },
      },
      [stagedDb, ...uploads.map((name) => `${UPLOADS_ENTRY}/${name}`)],
    );
    pack.pipe(out);
    await finished(out);
    syncFile(temp);
    fs.renameSync(temp, target);
    return { uploads: uploads.length, bytes: fs.statSync(target).size };
  } finally {
    fs.rmSync(temp, { force: true });
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

function scrubCopy(file: string): void {
  const copy = new Database(file);
  try {
    // One self-contained file, no -wal beside it.
    copy.pragma('journal_mode = DELETE');
    copy.exec("DELETE FROM sessions; DELETE FROM settings WHERE key IN ('internal:session_secret', 'internal:comment_key');");
    copy.exec('VACUUM');
  } finally {
    copy.close();
  }
}

function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export interface RestoreSummary {
  uploads: number;
}

/**
 * Unpacks `archive` into `dataDir`, which must be empty (a key file, kept apart from
 * backups, may already be there). Only the database and uploaded images are taken; the
 * database is checked before it is moved into place, so a bad archive changes nothing.
 */
export async function restoreBackup(archive: string, paths: { databasePath: string; dataDir: string; keyFile: string }): Promise<RestoreSummary> {
  const { dataDir } = paths;
  if (!fs.statSync(archive, { throwIfNoEntry: false })?.isFile()) throw new BackupError(`There is no archive at ${archive}.`);
  fs.mkdirSync(dataDir, { recursive: true });
  const present = fs.readdirSync(dataDir).filter((name) => path.join(dataDir, name) !== paths.keyFile);
  if (present.length > 0) {
    throw new BackupError(
      `${dataDir} is not empty (it holds ${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}). ` +
        'Restore only into an empty data folder, so that nothing there is overwritten: set DATABASE_PATH to a file in a new folder.',
    );
  }
  const staging = fs.mkdtempSync(path.join(dataDir, '.restore-'));
  try {
    try {
      await tar.extract({ file: archive, cwd: staging, strict: true, filter: (p, entry) => wanted(p, 'type' in entry ? entry.type : '') });
    } catch (err) {
      throw new BackupError(`${archive} is not a readable Colloquy backup (${(err as Error).message}). Nothing was restored.`);
    }
    const db = path.join(staging, DATABASE_ENTRY);
    checkDatabase(db, archive);
    const stagedUploads = path.join(staging, UPLOADS_ENTRY);
    const uploads = fs.existsSync(stagedUploads) ? fs.readdirSync(stagedUploads).length : 0;
    fs.renameSync(db, paths.databasePath);
    if (uploads > 0) fs.renameSync(stagedUploads, uploadsDir(dataDir));
    return { uploads };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The entries a restore takes: the database and flat uploads/ images. No links, nothing else. */
function wanted(entryPath: string, type: string): boolean {
  const p = entryPath.replace(/^\.\//, '');
  if (type === 'Directory') return p === UPLOADS_ENTRY || p === `${UPLOADS_ENTRY}/`;
  if (type !== 'File' && type !== 'OldFile') return false;
  if (p === DATABASE_ENTRY) return true;
  return p.startsWith(`${UPLOADS_ENTRY}/`) && STORED_NAME.test(p.slice(UPLOADS_ENTRY.length + 1));
}

function checkDatabase(file: string, archive: string): void {
  if (!fs.existsSync(file)) throw new BackupError(`${archive} holds no ${DATABASE_ENTRY}; it is not a Colloquy backup. Nothing was restored.`);
  let ok = false;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      ok = db.pragma('quick_check', { simple: true }) === 'ok'
        && db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    } finally {
      db.close();
    }
  } catch {
    ok = false;
  }
  if (!ok) throw new BackupError(`The database in ${archive} is damaged or not Colloquy's. Nothing was restored.`);
}
