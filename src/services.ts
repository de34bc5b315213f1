// Every domain service over one database, made once (by the app, the command line or
// first start) and handed down: routes call these, never the database.
import type { Clock } from './clock.js';
import type { Db } from './db/open.js';
import type { Repositories } from './repositories.js';
import type { CommentKeys } from './comments/comment-keys.js';
import { createCommentsService } from './comments/comments-service.js';
import { createModerationService } from './comments/moderation-service.js';
import { createPostsService } from './posts/posts-service.js';
import { createSettingsService } from './settings/settings-service.js';
import { createUsersService } from './users/users-service.js';

export interface ServicesDeps {
  db: Db;
  repos: Repositories;
  keys: CommentKeys;
  clock: Clock;
}

export type Services = ReturnType<typeof createServices>;

export function createServices({ db, repos, keys, clock }: ServicesDeps) {
  const comments = createCommentsService(repos, keys);
  return {
    comments,
    moderation: createModerationService({ db, repos, comments, clock }),
    posts: createPostsService({ db, repos, clock }),
    users: createUsersService({ db, repos, clock }),
    settings: createSettingsService({ db, repos, clock }),
  };
}
