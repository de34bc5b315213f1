// First start on an empty database: the administrator, and a welcome post so a
// new user sees at once what the engine does.
import type { Config } from './config.js';
import type { Db } from './db/open.js';
import type { Repositories } from './repositories.js';
import type { UsersService } from './users/users-service.js';
import { generatePassword, hashPassword } from './users/passwords.js';
import { seedWelcome } from './welcome.js';

export interface BootstrapResult {
  /** Set when a password was generated: print it once, then it is gone. */
  generatedPassword?: string;
  createdAdmin?: string;
}

export interface BootstrapDeps {
  db: Db;
  repos: Repositories;
  services: { users: UsersService };
}

export async function bootstrap({ db, repos, services }: BootstrapDeps, config: Config): Promise<BootstrapResult> {
  if (repos.users.countAdmins() > 0) return {};
  const password = config.adminPassword ?? generatePassword();
  const hash = await hashPassword(password);
  // Re-checked inside the write: two processes starting at once create one admin,
  // and only that one reports a password (the other's was never stored).
  const created = db.transaction((): boolean => {
    const admin = services.users.makeFirstAdmin(config.adminUsername, hash);
    if (!admin) return false;
    seedWelcome(repos, admin.id);
    return true;
  }).immediate();
  if (!created) return {};
  return config.adminPassword ? { createdAdmin: config.adminUsername } : { createdAdmin: config.adminUsername, generatedPassword: password };
}
