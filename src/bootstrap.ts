// First start on an empty database: the administrator, and a welcome post so a
// new user sees at once what the engine does.
import type { Config } from './config.js';
import type { Repositories } from './repositories.js';
import { generatePassword, hashPassword } from './users/passwords.js';
import { seedWelcome } from './welcome.js';

export interface BootstrapResult {
  /** Set when a password was generated: print it once, then it is gone. */
  generatedPassword?: string;
  createdAdmin?: string;
}

export async function bootstrap(repos: Repositories, config: Config): Promise<BootstrapResult> {
  if (repos.users.countAdmins() > 0) return {};
  const password = config.adminPassword ?? generatePassword();
  const hash = await hashPassword(password, config.passwordCost);
  const created = repos.db.transaction((): boolean => {
    // Re-check inside the write: two processes starting at once create one admin,
    // and only that one reports a password (the other's was never stored).
    if (repos.users.countAdmins() > 0) return false;
    const existing = repos.users.findByUsername(config.adminUsername);
    const admin = existing
      ? (repos.users.setRole(existing.id, 'admin'), existing)
      : repos.users.create({ username: config.adminUsername, display_name: config.adminUsername, password_hash: hash, role: 'admin' });
    if (existing) repos.users.setPasswordHash(existing.id, hash);
    seedWelcome(repos, admin.id);
    return true;
  }).immediate();
  if (!created) return {};
  return config.adminPassword ? { createdAdmin: config.adminUsername } : { createdAdmin: config.adminUsername, generatedPassword: password };
}
