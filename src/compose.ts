// The composition root: builds every long-lived object once (repositories, services,
// keys, limiters, the clock) for the server, the command line and the tests.
import { systemClock, type Clock } from './clock.js';
import { createCommentKeys } from './comments/comment-keys.js';
import type { Config } from './config.js';
import type { AppContext, Limiters } from './context.js';
import type { Db } from './db/open.js';
import type { LimitsRepository } from './limits/limits-repository.js';
import { createLoginThrottle } from './limits/login-throttle.js';
import { createThreadCache } from './comments/thread-cache.js';
import { createMailWorker } from './mail/mail-worker.js';
import { createMailer } from './mail/mailer.js';
import { outgoingMail } from './mail/outgoing.js';
import { createRateLimiter } from './limits/rate-limiter.js';
import { loadSecretKey } from './keys/secret-key.js';
import { createLogger, type Logger } from './logger.js';
import { createRepositories } from './repositories.js';
import type { SettingsRepository } from './settings/settings-repository.js';
import { createServices } from './services.js';
import type { OidcFetch } from './oidc/oidc-client.js';

// Likes are one click each; this only stops a script from hammering the table.
const LIKES_PER_MINUTE = 30;
// A report is one click too; this stops a script, not a reader.
const REPORTS_PER_MINUTE = 10;
// Each token handed out starts a session: a script must not fill the sessions table.
const TOKENS_PER_MINUTE = 60;
// Each request for a subscription may send a confirmation: a script must not make us mail strangers.
const SUBSCRIPTIONS_PER_MINUTE = 6;
// Each sign-in link is an email to an address someone typed: a few a minute from one
// network, and a few per quarter hour to one inbox however many networks ask.
const EMAIL_LINKS_PER_MINUTE = 5;
const EMAIL_LINKS_PER_RECIPIENT = 3;
const QUARTER_HOUR = 15 * 60_000;
const MINUTE = 60_000;
// A sign-in provider that has not answered in 3 seconds is taken as down.
const OIDC_TIMEOUT_MS = 3000;

export interface ContextDeps {
  db: Db;
  config: Config;
  logger?: Logger;
  clock?: Clock;
  /** Requests to sign-in providers: tests shorten the limit and may hand in a fetch that tampers. */
  oidc?: { timeoutMs?: number; fetch?: OidcFetch };
}

export function buildContext({ db, config, logger = createLogger('silent'), clock = systemClock, oidc = {} }: ContextDeps): AppContext {
  const repos = createRepositories(db, clock);
  // Read (or on first start made, outside the database) now, so no reader's page view ever writes the key.
  const keys = createCommentKeys(loadSecretKey(config, repos.settings));
  const limiters = createLimiters(repos.limits, repos.settings, clock);
  const services = createServices({
    db, repos, keys, limiters, clock, baseUrl: config.baseUrl, passwordCost: config.passwordCost,
    oidcProviders: config.oidcProviders, oidc: { timeoutMs: OIDC_TIMEOUT_MS, ...oidc },
  });
  // Posts public before this start are never announced; the checkpoint is set now.
  services.notifications.announceDuePosts();
  const mail = createMailWorker({
    outbox: repos.outbox,
    mailer: createMailer({ smtpUrl: config.smtpUrl, mailDir: config.mailDir, logger }),
    compose: (row) => outgoingMail(row, { baseUrl: config.baseUrl, from: config.mailFrom, keys, siteTitle: () => repos.settings.load().title }),
    beforeSend: () => void services.notifications.announceDuePosts(),
    clock,
    logger,
  });
  // A quarter of the render cache's budget: the pages are the bigger win, the threads serve personal pages.
  const threads = createThreadCache(repos.contentGeneration, Math.floor(config.renderCacheBytes / 4));
  return { config, repos, services, keys, limiters, clock, logger, mail, threads };
}

/** Every limit counts in SQLite, one bucket each, so a restart resets none and every process on the file counts together. */
function createLimiters(store: LimitsRepository, settings: SettingsRepository, clock: Clock): Limiters {
  const perMinute = (bucket: string, limit: number | (() => number)) => createRateLimiter({ store, bucket, limit, windowMs: MINUTE, clock });
  return {
    // The author sets this one, so it is read at each comment.
    comments: perMinute('comment', () => settings.load().comment_rate_per_minute),
    likes: perMinute('like', LIKES_PER_MINUTE),
    reports: perMinute('report', REPORTS_PER_MINUTE),
    tokens: perMinute('token', TOKENS_PER_MINUTE),
    subscriptions: perMinute('subscriptions', SUBSCRIPTIONS_PER_MINUTE),
    emailLinks: perMinute('email-link', EMAIL_LINKS_PER_MINUTE),
    emailLinkRecipients: createRateLimiter({ store, bucket: 'email-link-recipient', limit: EMAIL_LINKS_PER_RECIPIENT, windowMs: QUARTER_HOUR, clock }),
    logins: createLoginThrottle(store),
  };
}
