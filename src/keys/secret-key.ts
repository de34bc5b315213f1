// The server's secret key (for keyed hashes of reader addresses and emails, and signed
// stamps and links) lives outside the database: in COLLOQUY_KEY or in KEY_FILE (mode
// 0600), so a copy of the database cannot be used to undo the hashes by trying every
// IPv4 address. A key kept in the database by an older version is moved out, not
// replaced, so avatars, stored hashes and form stamps stay the same.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, MIN_SECRET_KEY_LENGTH, type Config } from '../config.js';
import type { SettingsRepository } from '../settings/settings-repository.js';

/** Where versions before KEY_FILE kept the key, as an internal setting. */
const LEGACY_SETTING = 'comment_key';

type KeySettings = Pick<SettingsRepository, 'getInternal' | 'forgetInternal'>;

/**
 * The secret key: COLLOQUY_KEY if given, else KEY_FILE's, made on first start.
 * A key still in the database is first written to KEY_FILE (when that has none yet)
 * and then deleted from the database.
 */
export function loadSecretKey(config: Pick<Config, 'keyFile' | 'secretKey'>, settings: KeySettings): string {
  const legacy = settings.getInternal(LEGACY_SETTING);
  if (legacy !== undefined) {
    // Written first, deleted second: a crash in between leaves the key in both places,
    // and the next start finishes the move.
    const kept = createKeyFile(config.keyFile, legacy);
    if (kept !== legacy) {
      throw new ConfigError(
        `The database holds a secret key from an older version, and KEY_FILE (${config.keyFile}) holds a different one. ` +
          'Keep the one this database was used with: move the other file away and start again.',
      );
    }
    settings.forgetInternal(LEGACY_SETTING);
  }
  if (config.secretKey !== undefined) return config.secretKey;
  return readKeyFile(config.keyFile) ?? createKeyFile(config.keyFile, randomBytes(32).toString('base64url'));
}

/** The key in `file`, or undefined when there is no such file. */
function readKeyFile(file: string): string | undefined {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`KEY_FILE (${file}) cannot be read: ${(err as Error).message}`);
  }
  if (!stat.isFile()) throw new ConfigError(`KEY_FILE (${file}) is not a file.`);
  // As ssh does with private keys: a key others can read is no longer a secret.
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new ConfigError(
      `KEY_FILE (${file}) can be read or changed by other users (mode ${(stat.mode & 0o777).toString(8)}). ` +
        `Run: chmod 600 ${file}`,
    );
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < MIN_SECRET_KEY_LENGTH) {
    throw new ConfigError(`KEY_FILE (${file}) must hold a key of at least ${MIN_SECRET_KEY_LENGTH} characters.`);
  }
  return key;
}

/**
 * Puts `key` in `file` unless it exists already, and returns the key the file then
 * holds. The key is written to a private temporary file (created with mode 0600, so it
 * is never readable by others, not even for a moment) and linked into place, which
 * fails rather than overwrites when another process made the file first.
 */
function createKeyFile(file: string, key: string): string {
  const existing = readKeyFile(file);
  if (existing !== undefined) return existing;
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    try {
      fs.writeFileSync(fd, `${key}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(temp, file);
    syncFolder(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return readKeyFile(file)!;
}

/** The new name reaches the disk too, so a power cut cannot lose a key already in use. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
