// The rules for people, as plain values, one set for the desk, the command line,
// first start and the WordPress import: usernames, roles and passwords.
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from './passwords.js';
import type { Role } from './users-repository.js';
import { trimHyphens } from '../slug.js';

export const ROLES: readonly Role[] = ['admin', 'author'];

export const isRole = (raw: string): raw is Role => (ROLES as readonly string[]).includes(raw);

export const USERNAME_MAX = 60;
/** The rule in words, for every place that refuses a name. */
export const USERNAME_RULE = `1 to ${USERNAME_MAX} letters, digits, dots, hyphens or underscores, starting with a letter or digit`;
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$/;

export const isUsername = (name: string): boolean => USERNAME.test(name);

/**
 * A WordPress login made to fit the rule: accents dropped, every run of other
 * characters one hyphen, leading punctuation cut, at most 60 characters. A login that
 * already fits comes back unchanged; one with nothing usable becomes "author".
 */
export function fittingUsername(login: string): string {
  if (isUsername(login)) return login;
  const fitted = trimHyphens(login
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, USERNAME_MAX));
  return isUsername(fitted) ? fitted : 'author';
}

export type PasswordProblem = 'too-short' | 'too-long';

/** Lengths in characters (code points) at the low end, UTF-16 units at the high end, as scrypt sees them. */
export function passwordProblem(password: string): PasswordProblem | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return 'too-short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'too-long';
  return undefined;
}

/** The desk's words for a password problem. */
export function passwordMessage(problem: PasswordProblem): string {
  return problem === 'too-short' ? `Use at least ${MIN_PASSWORD_LENGTH} characters.` : `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
}

export const USERNAME_TAKEN = 'That username is taken.';

export interface NewUserInput {
  username: string;
  display_name: string;
  email: string;
  role: string;
  password: string;
}

export type UserErrors = Partial<Record<string, string>>;

/** Every problem with a new person, by field; empty when they may be added. */
export function validateNewUser(input: NewUserInput, usernameTaken: (name: string) => boolean): UserErrors {
  const errors: UserErrors = {};
  const username = input.username.trim();
  if (!isUsername(username)) errors.username = `Use ${USERNAME_RULE}.`;
  else if (usernameTaken(username)) errors.username = USERNAME_TAKEN;
  const display = input.display_name.trim();
  if ([...display].length > 100) errors.display_name = 'Use at most 100 characters.';
  const email = input.email.trim();
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email))) errors.email = 'Give an email address such as name@example.com, or leave it blank.';
  if (!isRole(input.role)) errors.role = 'Choose administrator or author.';
  const problem = passwordProblem(input.password);
  if (problem) errors.password = passwordMessage(problem);
  return errors;
}

/** Changing a role may never leave the blog without an administrator. */
export function roleChangeProblem(current: Role, next: Role, adminCount: number): string | undefined {
  return current === 'admin' && next !== 'admin' && adminCount <= 1 ? 'The blog needs at least one administrator; make someone else an administrator first.' : undefined;
}

export interface OwnPasswordForm {
  current_password: string;
  new_password: string;
  confirm_password: string;
}

/** Checks the shape of a new password; whether the current one is right is checked apart (it is async). */
export function validateOwnPassword(form: OwnPasswordForm, currentIsRight: boolean): UserErrors {
  const errors: UserErrors = {};
  if (!currentIsRight) errors.current_password = 'That is not your current password.';
  const problem = passwordProblem(form.new_password);
  if (problem) errors.new_password = passwordMessage(problem);
  else if (form.new_password !== form.confirm_password) errors.confirm_password = 'The two new passwords differ.';
  return errors;
}
