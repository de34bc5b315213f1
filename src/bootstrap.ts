// First start on an empty database: the administrator, and a welcome post so a
// new user sees at once what the engine does.
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import type { Db } from './db/open.js';
import { generatePassword, hashPassword } from './users/passwords.js';
import { seedWelcome } from './welcome.js';

export interface BootstrapResult {
  /** Set when a password was generated: print it once, then it is gone. */
  generatedPassword?: string;
  createdAdmin?: string;
}

export async function bootstrap(deps: { db: Db } & Pick<AppContext, 'repos' | 'services' | 'clock'>, config: Config): Promise<BootstrapResult> {
  const { db, repos, services } = deps;
  if (repos.users.countAdmins() > 0) return {};
  const password = config.adminPassword ?? generatePassword();
  const hash = await hashPassword(password, config.passwordCost);
  // Re-checked inside the write: two processes starting at once create one admin,
  // and only that one reports a password (the other's was never stored).
  const created = db.transaction((): boolean => {
    const admin = services.users.makeFirstAdmin(config.adminUsername, hash, config.adminDisplayName);
    if (!admin) return false;
    seedWelcome(deps, admin.id);
    return true;
  }).immediate();
  if (!created) return {};
  return config.adminPassword ? { createdAdmin: config.adminUsername } : { createdAdmin: config.adminUsername, generatedPassword: password };
}
