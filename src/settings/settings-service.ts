// Saving the blog's settings with its audit row, in one transaction.
import type { Db } from '../db/open.js';
import type { Repositories } from '../repositories.js';
import type { Settings } from './settings.js';

export function createSettingsService(db: Db, repos: Pick<Repositories, 'settings' | 'audit'>) {
  return {
    /** `changed`: the keys that differ from what was stored, named in the audit row (none, no row). */
    save: db.transaction((values: Partial<Settings>, changed: readonly string[], userId: number): void => {
      repos.settings.save(values);
      if (changed.length) repos.audit.record({ userId, action: 'settings.update', subject: 'settings', detail: changed.join(', ') });
    }),
  };
}
