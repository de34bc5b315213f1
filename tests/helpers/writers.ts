// An author for tests that only need posts to have one: no password hashing (scrypt
// takes ~100 ms a call), and no password that could ever match.
import type { Repositories } from '../../src/repositories.js';
import type { Role, User } from '../../src/users/users-repository.js';

export function makeWriter(repos: Repositories, username = 'writer', role: Role = 'author'): User {
  return repos.users.create({ username, display_name: username.charAt(0).toUpperCase() + username.slice(1), password_hash: '!', role });
}
