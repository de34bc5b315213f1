// The services over the repositories: the rules of writing, each write in one
// transaction. Built once by the composition root; routes and the command line call them.
import type { Clock } from './clock.js';
import type { CommentKeys } from './comments/comment-keys.js';
import { createCommentsService } from './comments/comments-service.js';
import { createModerationService } from './comments/moderation-service.js';
import type { Limiters } from './context.js';
import { createPing, type Db } from './db/open.js';
import { createPostsService } from './posts/posts-service.js';
import type { Repositories } from './repositories.js';
import { createSettingsService } from './settings/settings-service.js';
import { createUsersService } from './users/users-service.js';

export interface ServiceDeps {
  db: Db;
  repos: Repositories;
  keys: CommentKeys;
  limiters: Limiters;
  clock: Clock;
}

export type Services = ReturnType<typeof createServices>;

export function createServices({ db, repos, keys, limiters, clock }: ServiceDeps) {
  const comments = createCommentsService({ db, repos, keys, limiter: limiters.comments, clock });
  return {
    comments,
    moderation: createModerationService({ db, repos, comments, clock }),
    posts: createPostsService({ db, repos, clock }),
    users: createUsersService({ db, repos, clock }),
    settings: createSettingsService({ db, repos, clock }),
    /** For /healthz: whether the database answers. */
    health: { ping: createPing(db) },
  };
}
