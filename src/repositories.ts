// Every repository over one database, made once by the composition root and passed down.
// Repositories only: the database itself and the services are handed out elsewhere.
import type { Clock } from './clock.js';
import type { Db } from './db/open.js';
import { createCommentsRepository } from './comments/comments-repository.js';
import { createLikesRepository } from './comments/likes-repository.js';
import { createPostsRepository } from './posts/posts-repository.js';
import { createTagsRepository } from './posts/tags-repository.js';
import { createRevisionsRepository } from './posts/revisions-repository.js';
import { createSessionsRepository } from './sessions/sessions-repository.js';
import { createSettingsRepository } from './settings/settings-repository.js';
import { createUsersRepository } from './users/users-repository.js';
import { createSearchRepository } from './search/search-repository.js';
import { createWxrRepository } from './wxr/wxr-repository.js';
import { createImportSourcesRepository } from './wxr/import-sources-repository.js';
import { createAuditRepository } from './audit/audit-repository.js';
import { createUploadsRepository } from './uploads/uploads-repository.js';
import { createReportsRepository } from './comments/reports-repository.js';
import { createOutboxRepository } from './mail/outbox-repository.js';
import { createSubscriptionsRepository } from './subscriptions/subscriptions-repository.js';
import { createLimitsRepository } from './limits/limits-repository.js';
import { createContentGenerationRepository } from './content/content-generation-repository.js';
import { createCommentersRepository } from './commenters/commenters-repository.js';
import { createProvidersRepository } from './oidc/providers-repository.js';

export type Repositories = ReturnType<typeof createRepositories>;

/** `clock` is the default "now" of every query that compares with it (what is public yet) or stamps a row. */
export function createRepositories(db: Db, clock: Clock) {
  return {
    posts: createPostsRepository(db, clock),
    tags: createTagsRepository(db, clock),
    revisions: createRevisionsRepository(db, clock),
    comments: createCommentsRepository(db, clock),
    users: createUsersRepository(db, clock),
    settings: createSettingsRepository(db),
    sessions: createSessionsRepository(db, clock),
    search: createSearchRepository(db, clock),
    wxr: createWxrRepository(db),
    importSources: createImportSourcesRepository(db),
    audit: createAuditRepository(db, clock),
    uploads: createUploadsRepository(db, clock),
    likes: createLikesRepository(db, clock),
    reports: createReportsRepository(db, clock),
    outbox: createOutboxRepository(db, clock),
    subscriptions: createSubscriptionsRepository(db, clock),
    limits: createLimitsRepository(db),
    contentGeneration: createContentGenerationRepository(db),
    commenters: createCommentersRepository(db, clock),
    providers: createProvidersRepository(db, clock),
  };
}
