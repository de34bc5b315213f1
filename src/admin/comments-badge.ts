// The desk's Comments badge: what waits for a moderator, the held comments and the
// reported ones, counted within what this person may moderate.
import type { Repositories } from '../repositories.js';
import type { User } from '../users/users-repository.js';
import { scopeOf } from './permissions.js';

export interface CommentsBadge {
  waiting: number;
  reported: number;
}

export function commentsBadge(repos: Repositories, user: User): CommentsBadge {
  const queues = repos.comments.countQueues(scopeOf(user));
  return { waiting: queues.pending, reported: queues.reported };
}
