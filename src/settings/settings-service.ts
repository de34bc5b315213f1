// Changing the blog's settings: the values and the audit row naming what changed, in
// one transaction.
import type { AuditRepository } from '../audit/audit-repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import type { SettingsRepository } from './settings-repository.js';
import type { Settings } from './settings.js';

export interface SettingsDeps {
  db: Db;
  repos: { settings: SettingsRepository; audit: AuditRepository };
  clock: Clock;
}

export type SettingsService = ReturnType<typeof createSettingsService>;

export function createSettingsService({ db, repos, clock }: SettingsDeps) {
  return {
    /** Saves `values`; `changed` names the keys that differ from before (no audit row when none). */
    save(values: Partial<Settings>, changed: readonly string[], actorId: number): void {
      db.transaction(() => {
        repos.settings.save(values);
        if (changed.length) repos.audit.record({ userId: actorId, action: 'settings.update', subject: 'settings', detail: changed.join(', ') }, new Date(clock()).toISOString());
      })();
    },
  };
}
