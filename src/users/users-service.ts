// People: adding them, their roles and passwords, first start's administrator and the
// authors a WordPress import brings. Every change is one transaction with its audit row,
// whoever asks (the desk, the command line, first start, the importer).
import { randomBytes } from 'node:crypto';
import type { AuditRepository } from '../audit/audit-repository.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import { hashPassword, MAX_PASSWORD_LENGTH, needsRehash, verifyPassword } from './passwords.js';
import {
  displayNameProblem, fittingUsername, isRole, isUsername, passwordProblem, roleChangeProblem, USERNAME_RULE, USERNAME_TAKEN, validateNewUser,
  validateOwnPassword, validateProfile, type NewUserInput, type OwnPasswordForm, type PasswordProblem, type ProfileInput, type UserErrors,
} from './user-rules.js';
import type { Profile, Role, User, UsersRepository } from './users-repository.js';
import type { CommentsRepository } from '../comments/comments-repository.js';

export interface UsersDeps {
  db: Db;
  repos: { users: UsersRepository; audit: AuditRepository; comments: CommentsRepository };
  clock: Clock;
  /** log2 of scrypt's N for every hash made here (config.passwordCost). */
  passwordCost: number;
}

/** Who made a change: a signed-in user's id, or null for the command line and first start. */
export type Actor = number | null;

export type ProfileOutcome = { kind: 'saved'; changed: boolean } | { kind: 'invalid'; errors: UserErrors };

export type AddOutcome = { kind: 'added'; user: User } | { kind: 'invalid'; errors: UserErrors };

/** An author the import created, and the WordPress login it came from when that had to be renamed. */
export interface ImportedAuthor {
  id: number;
  created: boolean;
  username: string;
  renamedFrom?: string;
}

export type UsersService = ReturnType<typeof createUsersService>;

export function createUsersService({ db, repos, clock, passwordCost }: UsersDeps) {
  const now = () => new Date(clock()).toISOString();
  const audit = (userId: Actor, action: string, subject: string, detail?: string) =>
    repos.audit.record({ userId, action, subject, detail }, now());

  /**
   * A person's display name, bio and email, by themselves or an administrator. The
   * name signs their posts at once and their replies too (each reply keeps a copy of
   * it), in one transaction; the content generation moves, so cached pages go.
   */
  function updateProfile(target: User, input: ProfileInput, actor: Actor): ProfileOutcome {
    const errors = validateProfile(input);
    if (Object.values(errors).some(Boolean)) return { kind: 'invalid', errors };
    const profile: Profile = { display_name: input.display_name.trim(), bio: input.bio.trim().replace(/\r\n?/g, '\n'), email: input.email.trim() };
    const changed = (Object.keys(profile) as (keyof Profile)[]).filter((key) => profile[key] !== target[key]);
    if (changed.length === 0) return { kind: 'saved', changed: false };
    db.transaction(() => {
      repos.users.setProfile(target.id, profile);
      if (profile.display_name !== target.display_name) repos.comments.renameStaffAuthor(target.id, profile.display_name);
      audit(actor, 'user.profile', `user:${target.id}`, changed.map((key) => key.replace('_', ' ')).join(', '));
    })();
    return { kind: 'saved', changed: true };
  }

  return {
    findByUsername: (username: string): User | undefined => repos.users.findByUsername(username),

    /** A new person who can log in, after every rule; the name is checked again in the write. */
    async add(input: NewUserInput, actor: Actor): Promise<AddOutcome> {
      const errors = validateNewUser(input, (name) => repos.users.findByUsername(name) !== undefined);
      if (Object.values(errors).some(Boolean) || !isRole(input.role)) return { kind: 'invalid', errors };
      const role: Role = input.role;
      const hash = await hashPassword(input.password, passwordCost);
      const username = input.username.trim();
      // Another request may have taken the name while the password was hashed.
      return db.transaction((): AddOutcome => {
        if (repos.users.findByUsername(username)) return { kind: 'invalid', errors: { username: USERNAME_TAKEN } };
        const user = repos.users.create({ username, display_name: input.display_name.trim() || username, email: input.email.trim(), password_hash: hash, role });
        audit(actor, 'user.create', `user:${user.id}`, `${username} as ${role}`);
        return { kind: 'added', user };
      }).immediate();
    },

    updateProfile,

    /** The command line's `user display-name`: the name alone, by the same rule. */
    setDisplayName(target: User, name: string, actor: Actor): string | undefined {
      const problem = displayNameProblem(name);
      if (problem) return problem;
      const outcome = updateProfile(target, { display_name: name, bio: target.bio, email: target.email }, actor);
      return outcome.kind === 'invalid' ? Object.values(outcome.errors).join(' ') : undefined;
    },

    /**
     * A new username, by the same rule as a new person's; sessions stay. A display name
     * that was only the old username (never chosen) follows it.
     */
    rename(target: User, username: string, actor: Actor): string | undefined {
      const next = username.trim();
      if (!isUsername(next)) return `Use ${USERNAME_RULE}.`;
      return db.transaction((): string | undefined => {
        const holder = repos.users.findByUsername(next);
        if (holder && holder.id !== target.id) return USERNAME_TAKEN;
        if (next === target.username) return undefined;
        repos.users.setUsername(target.id, next);
        if (target.display_name === target.username) {
          repos.users.setDisplayName(target.id, next);
          repos.comments.renameStaffAuthor(target.id, next);
        }
        audit(actor, 'user.rename', `user:${target.id}`, `${target.username} → ${next}`);
        return undefined;
      }).immediate();
    },

    /** Never leaves the blog without an administrator; the reason when refused. */
    changeRole(target: User, role: Role, actor: Actor): string | undefined {
      return db.transaction(() => {
        const why = roleChangeProblem(target.role, role, repos.users.countAdmins());
        if (why) return why;
        repos.users.setRole(target.id, role);
        audit(actor, 'user.role', `user:${target.id}`, `${target.role} → ${role}`);
        return undefined;
      }).immediate();
    },

    /** Someone else's password set (by an administrator, or at the command line). */
    async setPassword(target: User, password: string, actor: Actor): Promise<PasswordProblem | undefined> {
      const problem = passwordProblem(password);
      if (problem) return problem;
      const hash = await hashPassword(password, passwordCost);
      db.transaction(() => {
        repos.users.setPasswordHash(target.id, hash);
        audit(actor, 'user.password-reset', `user:${target.id}`);
      })();
      return undefined;
    },

    /** A person changes their own password, knowing the current one. */
    async changeOwnPassword(user: User, form: OwnPasswordForm): Promise<UserErrors | undefined> {
      const currentIsRight = form.current_password.length > 0 && form.current_password.length <= MAX_PASSWORD_LENGTH
        && (await verifyPassword(form.current_password, user.password_hash));
      const errors = validateOwnPassword(form, currentIsRight);
      if (Object.values(errors).some(Boolean)) return errors;
      const hash = await hashPassword(form.new_password, passwordCost);
      db.transaction(() => {
        repos.users.setPasswordHash(user.id, hash);
        audit(user.id, 'user.password', `user:${user.id}`);
      })();
      return undefined;
    },

    /**
     * At log-in, with the right password at hand: a hash made at an older, cheaper cost is
     * made again at today's. No audit row and no session ends: the password is the same.
     */
    async upgradeHash(user: User, password: string): Promise<void> {
      if (!needsRehash(user.password_hash, passwordCost)) return;
      repos.users.upgradePasswordHash(user.id, user.password_hash, await hashPassword(password, passwordCost));
    },

    /**
     * First start: `username` becomes the administrator (made, or promoted if it exists)
     * with this password hash. Undefined when an administrator exists already.
     * Synchronous: the caller's transaction holds it with the welcome post.
     */
    makeFirstAdmin(username: string, hash: string, displayName = username): User | undefined {
      if (repos.users.countAdmins() > 0) return undefined;
      const existing = repos.users.findByUsername(username);
      if (existing) {
        repos.users.setRole(existing.id, 'admin');
        repos.users.setPasswordHash(existing.id, hash);
        audit(null, 'user.role', `user:${existing.id}`, `${existing.role} → admin, at first start`);
        return existing;
      }
      const admin = repos.users.create({ username, display_name: displayName, password_hash: hash, role: 'admin' });
      audit(null, 'user.create', `user:${admin.id}`, `${username} as admin, at first start`);
      return admin;
    },

    /**
     * A WordPress author: matched to the user of the same (fitted) name, or created as an
     * author with a hash no password matches. Synchronous, inside the import's transaction.
     */
    importAuthor(login: string, displayName: string, email: string): ImportedAuthor {
      const username = fittingUsername(login);
      const renamedFrom = username === login ? undefined : login;
      const existing = repos.users.findByUsername(username);
      if (existing) return { id: existing.id, created: false, username: existing.username, renamedFrom };
      // A random hash no password can match: the person sets one with `colloquy user passwd`.
      const user = repos.users.create({
        username, display_name: displayName || login, email, role: 'author',
        password_hash: `!unusable$${randomBytes(18).toString('base64url')}`,
      });
      audit(null, 'user.create', `user:${user.id}`, `${username} as author, from a WordPress import${renamedFrom === undefined ? '' : ` (login “${renamedFrom}”)`}`);
      return { id: user.id, created: true, username, renamedFrom };
    },
  };
}
