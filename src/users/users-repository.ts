// People who write and moderate: administrators and authors.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

export type Role = 'admin' | 'author';

export interface User {
  id: number;
  username: string;
  display_name: string;
  email: string;
  /** A few lines about them, shown under their posts. */
  bio: string;
  password_hash: string;
  role: Role;
  created_at: string;
  updated_at: string;
}

export interface NewUser {
  username: string;
  display_name: string;
  email?: string;
  password_hash: string;
  role: Role;
}

/** What a person says about themselves on the Account page. */
export type Profile = Pick<User, 'display_name' | 'bio' | 'email'>;

/**
 * The name readers see for a `users` row aliased `u`: the display name, or the username
 * where that is blank (an imported or hand-made row), so no byline is ever empty.
 */
export const SHOWN_NAME = "coalesce(nullif(trim(u.display_name), ''), u.username)";

export type UsersRepository = ReturnType<typeof createUsersRepository>;

export function createUsersRepository(db: Db, clock: Clock) {
  const byId = db.prepare<[number], User>('SELECT * FROM users WHERE id = ?');
  const byUsername = db.prepare<[string], User>('SELECT * FROM users WHERE username = ?');
  const all = db.prepare<[], User>('SELECT * FROM users ORDER BY username COLLATE NOCASE');
  const countAdmins = db.prepare<[], number>("SELECT count(*) FROM users WHERE role = 'admin'").pluck();
  const insert = db.prepare<[string, string, string, string, Role, string, string]>(
    `INSERT INTO users (username, display_name, email, password_hash, role, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const updatePassword = db.prepare<[string, string, number]>('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?');
  const upgradePassword = db.prepare<[string, number, string]>('UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ?');
  const updateRole = db.prepare<[Role, string, number]>('UPDATE users SET role = ?, updated_at = ? WHERE id = ?');
  // updated_at is when sessions were last invalidated (users/signed-in.ts): a new name or bio keeps them.
  const updateProfile = db.prepare<{ id: number; display_name: string; bio: string; email: string }>(
    'UPDATE users SET display_name = @display_name, bio = @bio, email = @email WHERE id = @id',
  );
  const updateDisplayName = db.prepare<[string, number]>('UPDATE users SET display_name = ? WHERE id = ?');
  const updateUsername = db.prepare<[string, number]>('UPDATE users SET username = ? WHERE id = ?');

  return {
    findById: (id: number): User | undefined => byId.get(id),
    findByUsername: (username: string): User | undefined => byUsername.get(username),
    list: (): User[] => all.all(),
    countAdmins: (): number => countAdmins.get() ?? 0,

    create(user: NewUser): User {
      const now = isoNow(clock);
      const { lastInsertRowid } = insert.run(user.username, user.display_name, user.email ?? '', user.password_hash, user.role, now, now);
      return byId.get(Number(lastInsertRowid))!;
    },

    setPasswordHash(id: number, hash: string): void {
      updatePassword.run(hash, isoNow(clock), id);
    },

    /**
     * The same password hashed at today's cost. Leaves updated_at alone, so no session
     * ends, and changes nothing if the password was changed in the meantime.
     */
    upgradePasswordHash(id: number, previous: string, hash: string): void {
      upgradePassword.run(hash, id, previous);
    },

    setRole(id: number, role: Role): void {
      updateRole.run(role, isoNow(clock), id);
    },

    setProfile(id: number, profile: Profile): void {
      updateProfile.run({ id, ...profile });
    },
    setDisplayName: (id: number, name: string): void => void updateDisplayName.run(name, id),
    setUsername: (id: number, username: string): void => void updateUsername.run(username, id),
  };
}
