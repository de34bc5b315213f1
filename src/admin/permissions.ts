// Who may do what: administrators everything; authors their own posts and the
// comments on them. Pure, over plain values.
import { forbidden } from '../http/errors.js';
import type { User } from '../users/users-repository.js';

type Actor = Pick<User, 'id' | 'role'>;

export const isAdmin = (user: Actor): boolean => user.role === 'admin';

/** Editing, deleting, and moderating the comments of a post by `postAuthorId`. */
export const mayManagePost = (user: Actor, postAuthorId: number): boolean => isAdmin(user) || user.id === postAuthorId;

/** Whose posts and comments a listing shows: null for everyone's. */
export const scopeOf = (user: Actor): number | null => (isAdmin(user) ? null : user.id);

export function assertAdmin(user: Actor): void {
  if (!isAdmin(user)) throw forbidden('Only an administrator may do that.');
}

export function assertMayManagePost(user: Actor, postAuthorId: number): void {
  if (!mayManagePost(user, postAuthorId)) throw forbidden('That post belongs to another author.');
}
