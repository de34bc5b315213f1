// The services over the repositories: the rules of writing, each write in one
// transaction. Built once by the composition root; routes and the command line call them.
import type { Clock } from './clock.js';
import type { CommentKeys } from './comments/comment-keys.js';
import { createCommentsService } from './comments/comments-service.js';
import type { Limiters } from './context.js';
import { createPing, type Db } from './db/open.js';
import { createDeskService } from './admin/desk-service.js';
import { createPostsService } from './posts/posts-service.js';
import type { Repositories } from './repositories.js';
import { createSettingsService } from './settings/settings-service.js';

export interface ServiceDeps {
  db: Db;
  repos: Repositories;
  keys: CommentKeys;
  limiters: Limiters;
  clock: Clock;
}

export type Services = ReturnType<typeof createServices>;

export function createServices({ db, repos, keys, limiters, clock }: ServiceDeps) {
  const posts = createPostsService(db, repos.posts, repos.tags, clock);
  const comments = createCommentsService({ db, repos, keys, limiter: limiters.comments, clock });
  return {
    posts,
    comments,
    settings: createSettingsService(db, repos),
    desk: createDeskService(db, repos, { posts, comments }),
    /** For /healthz: whether the database answers. */
    health: { ping: createPing(db) },
  };
}
