// The services over the repositories: the rules of writing, each write in one
// transaction. Built once by the composition root; routes and the command line call them.
import type { Clock } from './clock.js';
import type { CommentKeys } from './comments/comment-keys.js';
import { createCommentsService } from './comments/comments-service.js';
import { createErasureService } from './comments/erasure-service.js';
import { createModerationService } from './comments/moderation-service.js';
import type { Limiters } from './context.js';
import { createNotifications } from './mail/notifications.js';
import { createSubscriptionsService } from './subscriptions/subscriptions-service.js';
import { createPing, type Db } from './db/open.js';
import { createPostsService } from './posts/posts-service.js';
import type { Repositories } from './repositories.js';
import { createSettingsService } from './settings/settings-service.js';
import { createUsersService } from './users/users-service.js';
import { createCommentersService } from './commenters/commenters-service.js';
import { createOidcClient, type OidcFetch } from './oidc/oidc-client.js';
import type { Provider } from './oidc/providers.js';
import { createSignInService } from './oidc/sign-in-service.js';

export interface ServiceDeps {
  db: Db;
  repos: Repositories;
  keys: CommentKeys;
  limiters: Limiters;
  clock: Clock;
  /** BASE_URL: its host names our messages (Message-ID). */
  baseUrl: string;
  /** log2 of scrypt's N for new password hashes. */
  passwordCost: number;
  /** OIDC_PROVIDERS. */
  oidcProviders: readonly Provider[];
  /** Each request to a sign-in provider is given this long; tests hand in a fetch that tampers. */
  oidc: { timeoutMs: number; fetch?: OidcFetch };
}

export type Services = ReturnType<typeof createServices>;

export function createServices({ db, repos, keys, limiters, clock, baseUrl, passwordCost, oidcProviders, oidc }: ServiceDeps) {
  const notifications = createNotifications({ db, repos, clock, domain: new URL(baseUrl).hostname });
  const subscriptions = createSubscriptionsService({ db, repos, keys, notifications, clock });
  const comments = createCommentsService({ db, repos, keys, limiter: limiters.comments, clock, notifications, subscriptions });
  return {
    comments,
    moderation: createModerationService({ db, repos, comments, notifications, clock }),
    notifications,
    subscriptions,
    /** Everything stored under one commenter's email, for the desk and the command line. */
    erasure: createErasureService({ db, repos, subscriptions, clock }),
    posts: createPostsService({ db, repos, clock }),
    users: createUsersService({ db, repos, clock, passwordCost }),
    /** Readers signed in with a provider or an email link: never staff. */
    commenters: createCommentersService({ db, repos, keys, notifications, recipientLimiter: limiters.emailLinkRecipients, clock }),
    settings: createSettingsService({ db, repos, clock }),
    /** Commenters' OpenID Connect providers, and the two halves of signing in with one. */
    signIn: createSignInService({ db, repos, fromEnvironment: oidcProviders, oidc: createOidcClient({ clock, ...oidc }), clock }),
    /** For /healthz: whether the database answers. */
    health: { ping: createPing(db) },
  };
}
