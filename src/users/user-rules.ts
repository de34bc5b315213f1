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
  if ([...display].length > DISPLAY_NAME_MAX) errors.display_name = `Use at most ${DISPLAY_NAME_MAX} characters.`;
  else if (CONTROL.test(display)) errors.display_name = ONE_LINE;
  const email = emailProblem(input.email.trim());
  if (email) errors.email = email;
  if (!isRole(input.role)) errors.role = 'Choose administrator or author.';
  const problem = passwordProblem(input.password);
  if (problem) errors.password = passwordMessage(problem);
  return errors;
}

export const DISPLAY_NAME_MAX = 100;
export const BIO_MAX = 500;
// A name goes into bylines, feeds and email subjects: one line, no control characters.
const CONTROL = /[\u0000-\u001f\u007f]/;
// A bio may keep its line breaks and nothing else invisible.
const CONTROL_BUT_BREAKS = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f]/;
const ONE_LINE = 'Use one line of text, without control characters.';

/** An optional email address: blank, or one by a loose rule (the desk's and the command line's). */
function emailProblem(email: string): string | undefined {
  return email && (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email)) ? 'Give an email address such as name@example.com, or leave it blank.' : undefined;
}

/** The problem with a display name, if any: what readers see, so never blank. */
export function displayNameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the name readers should see on your posts and replies.';
  if ([...trimmed].length > DISPLAY_NAME_MAX) return `Use at most ${DISPLAY_NAME_MAX} characters.`;
  return CONTROL.test(trimmed) ? ONE_LINE : undefined;
}

export interface ProfileInput {
  display_name: string;
  bio: string;
  email: string;
}

/** Every problem with a profile as typed, by field; empty when it may be saved (trimmed). */
export function validateProfile(input: ProfileInput): UserErrors {
  const errors: UserErrors = {};
  const display = displayNameProblem(input.display_name);
  if (display) errors.display_name = display;
  const bio = input.bio.trim();
  if ([...bio].length > BIO_MAX) errors.bio = `Use at most ${BIO_MAX} characters.`;
  else if (CONTROL_BUT_BREAKS.test(bio)) errors.bio = 'Use plain text: line breaks are fine, other control characters are not.';
  const email = emailProblem(input.email.trim());
  if (email) errors.email = email;
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
