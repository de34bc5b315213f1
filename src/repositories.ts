// Every repository over one database, made once per app (or command) and passed down.
import type { Db } from './db/open.js';
import { createCommentsRepository } from './comments/comments-repository.js';
import { createLikesRepository } from './comments/likes-repository.js';
import { createPostsRepository } from './posts/posts-repository.js';
import { createPostsService } from './posts/posts-service.js';
import { createTagsRepository } from './posts/tags-repository.js';
import { createSessionsRepository } from './sessions/sessions-repository.js';
import { createSettingsRepository } from './settings/settings-repository.js';
import { createUsersRepository } from './users/users-repository.js';
import { createSearchRepository } from './search/search-repository.js';
import { createWxrRepository } from './wxr/wxr-repository.js';
import { createAuditRepository } from './audit/audit-repository.js';
import { createUploadsRepository } from './uploads/uploads-repository.js';
import { createReportsRepository } from './comments/reports-repository.js';
import { createLimitsRepository } from './limits/limits-repository.js';

export type Repositories = ReturnType<typeof createRepositories>;

export function createRepositories(db: Db) {
  const posts = createPostsRepository(db);
  const tags = createTagsRepository(db);
  return {
    db,
    posts,
    tags,
    postsService: createPostsService(db, posts, tags),
    comments: createCommentsRepository(db),
    users: createUsersRepository(db),
    settings: createSettingsRepository(db),
    sessions: createSessionsRepository(db),
    search: createSearchRepository(db),
    wxr: createWxrRepository(db),
    audit: createAuditRepository(db),
    uploads: createUploadsRepository(db),
    likes: createLikesRepository(db),
    reports: createReportsRepository(db),
    limits: createLimitsRepository(db),
  };
}
