// The composition root: builds every long-lived object once (repositories, services,
// keys, limiters, the clock) for the server, the command line and the tests.
import { systemClock, type Clock } from './clock.js';
import { createCommentKeys, loadCommentSecret } from './comments/comment-keys.js';
import type { Config } from './config.js';
import type { AppContext, Limiters } from './context.js';
import type { Db } from './db/open.js';
import { createLoginThrottle } from './admin/login-throttle.js';
import { createMailWorker } from './mail/mail-worker.js';
import { createMailer } from './mail/mailer.js';
import { outgoingMail } from './mail/outgoing.js';
import { createRateLimiter } from './limits/rate-limiter.js';
import { createLogger, type Logger } from './logger.js';
import { createRepositories } from './repositories.js';
import type { SettingsRepository } from './settings/settings-repository.js';
import { createServices } from './services.js';

// Likes are one click each; this only stops a script from hammering the table.
const LIKES_PER_MINUTE = 30;
// A report is one click too; this stops a script, not a reader.
const REPORTS_PER_MINUTE = 10;
// Each token handed out starts a session: a script must not fill the sessions table.
const TOKENS_PER_MINUTE = 60;
// Each request for a subscription may send a confirmation: a script must not make us mail strangers.
const SUBSCRIPTIONS_PER_MINUTE = 6;
const MINUTE = 60_000;

export interface ContextDeps {
  db: Db;
  config: Config;
  logger?: Logger;
  clock?: Clock;
}

export function buildContext({ db, config, logger = createLogger('silent'), clock = systemClock }: ContextDeps): AppContext {
  const repos = createRepositories(db, clock);
  // Read (or on first start made) now, so no reader's page view ever writes the key.
  const keys = createCommentKeys(loadCommentSecret(repos.settings));
  const limiters = createLimiters(repos.settings, clock);
  const services = createServices({ db, repos, keys, limiters, clock, baseUrl: config.baseUrl });
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
  return { config, repos, services, keys, limiters, clock, logger, mail };
}

function createLimiters(settings: SettingsRepository, clock: Clock): Limiters {
  return {
    // The author sets this one, so it is read at each comment.
    comments: createRateLimiter({ limit: () => settings.load().comment_rate_per_minute, windowMs: MINUTE, clock }),
    likes: createRateLimiter({ limit: LIKES_PER_MINUTE, windowMs: MINUTE, clock }),
    reports: createRateLimiter({ limit: REPORTS_PER_MINUTE, windowMs: MINUTE, clock }),
    tokens: createRateLimiter({ limit: TOKENS_PER_MINUTE, windowMs: MINUTE, clock }),
    subscriptions: createRateLimiter({ limit: SUBSCRIPTIONS_PER_MINUTE, windowMs: MINUTE, clock }),
    logins: createLoginThrottle(),
  };
}
