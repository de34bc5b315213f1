// Rules for people at the desk: names, roles and passwords, as plain values.
import type { Role } from '../users/users-repository.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../users/passwords.js';
import { hasErrors, type FieldErrors } from '../http/forms.js';

export const ROLES: readonly Role[] = ['admin', 'author'];

export const isRole = (raw: string): raw is Role => (ROLES as readonly string[]).includes(raw);

export function passwordProblem(password: string): string | undefined {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  return undefined;
}

export interface NewUserForm {
  username: string;
  display_name: string;
  email: string;
  role: string;
  password: string;
}

export const USERNAME_TAKEN = 'That username is taken.';

export function validateNewUser(form: NewUserForm, usernameTaken: (name: string) => boolean): FieldErrors {
  const errors: FieldErrors = {};
  const username = form.username.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/.test(username)) errors.username = 'Use 1 to 40 letters, digits, dots, hyphens or underscores.';
  else if (usernameTaken(username)) errors.username = USERNAME_TAKEN;
  const display = form.display_name.trim();
  if ([...display].length > 100) errors.display_name = 'Use at most 100 characters.';
  const email = form.email.trim();
  if (email && (email.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(email))) errors.email = 'Give an email address such as name@example.com, or leave it blank.';
  if (!isRole(form.role)) errors.role = 'Choose administrator or author.';
  const problem = passwordProblem(form.password);
  if (problem) errors.password = problem;
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
export function validateOwnPassword(form: OwnPasswordForm, currentIsRight: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (!currentIsRight) errors.current_password = 'That is not your current password.';
  const problem = passwordProblem(form.new_password);
  if (problem) errors.new_password = problem;
  else if (form.new_password !== form.confirm_password) errors.confirm_password = 'The two new passwords differ.';
  return errors;
}
