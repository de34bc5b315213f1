// Stores settings as key/value rows; reads fall back to the defaults.
import type { Db } from '../db/open.js';
import { DEFAULT_SETTINGS, SETTING_PARSERS, formatSetting, type SettingKey, type Settings } from './settings.js';

export type SettingsRepository = ReturnType<typeof createSettingsRepository>;

export function createSettingsRepository(db: Db) {
  const all = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
  const upsert = db.prepare<[string, string]>(
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  const getRaw = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  const remove = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');

  // Every request reads the settings, and they change rarely: the parsed copy is kept
  // until this repository saves, or until another connection (another worker, the
  // command line) commits anything, which changes SQLite's data_version.
  const dataVersion = db.prepare<[], number>('PRAGMA data_version').pluck();
  let kept: { version: number; settings: Readonly<Settings> } | undefined;

  function read(): Settings {
    const settings: Settings = { ...DEFAULT_SETTINGS };
    const target = settings as unknown as Record<string, unknown>;
    for (const row of all.all()) {
      if (!(row.key in SETTING_PARSERS)) continue;
      const parsed = SETTING_PARSERS[row.key as SettingKey](row.value);
      if (parsed.ok) target[row.key] = parsed.value;
    }
    return settings;
  }

  return {
    /**
     * Every setting, stored values over defaults; a stored value that no longer parses is
     * ignored. Settings are written through save(), which this copy follows.
     */
    load(): Settings {
      const version = dataVersion.get()!;
      if (kept?.version !== version) kept = { version, settings: Object.freeze(read()) };
      return { ...kept.settings };
    },

    save: db.transaction((values: Partial<Settings>) => {
      kept = undefined;
      for (const [key, value] of Object.entries(values)) {
        if (value !== undefined) upsert.run(key, formatSetting(value));
      }
    }),

    /** Internal values that are not user settings (the generated session secret). */
    getInternal(key: string): string | undefined {
      return getRaw.get(`internal:${key}`);
    },

    setInternal(key: string, value: string): void {
      upsert.run(`internal:${key}`, value);
    },

    /**
     * Deletes an internal value so that no copy of the database file holds it any more:
     * its bytes are overwritten (secure_delete), the file is rebuilt without free pages
     * that might keep an older copy (VACUUM), and the write-ahead log is emptied.
     * Rare (a secret moving out of the database), so the cost of a VACUUM is fine.
     */
    forgetInternal(key: string): void {
      const previous = db.pragma('secure_delete', { simple: true }) as number;
      db.pragma('secure_delete = ON');
      try {
        remove.run(`internal:${key}`);
      } finally {
        db.pragma(`secure_delete = ${previous ? 'ON' : 'OFF'}`);
      }
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
  };
}
