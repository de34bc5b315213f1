// What the composition root (compose.ts) hands down: every long-lived object, built once.
// A leaf: it imports types only, so anything may import it without making a circle.
import type { Clock } from './clock.js';
import type { CommentKeys } from './comments/comment-keys.js';
import type { ThreadCache } from './comments/thread-cache.js';
import type { Config } from './config.js';
import type { LoginThrottle } from './limits/login-throttle.js';
import type { RateLimiter } from './limits/rate-limiter.js';
import type { Logger } from './logger.js';
import type { MailWorker } from './mail/mail-worker.js';
import type { Repositories } from './repositories.js';
import type { Services } from './services.js';

/** One per kind of write a stranger can repeat, each keyed by addressKey() and counted in SQLite. */
export interface Limiters {
  comments: RateLimiter;
  likes: RateLimiter;
  reports: RateLimiter;
  /** Each token handed out starts a session. */
  tokens: RateLimiter;
  /** Follow-by-email requests, each of which may send a confirmation. */
  subscriptions: RateLimiter;
  /** Email sign-in links asked for from one address… */
  emailLinks: RateLimiter;
  /** …and sent to one recipient, whoever asks (keyed by the recipient's hash). */
  emailLinkRecipients: RateLimiter;
  logins: LoginThrottle;
}

export interface AppContext {
  config: Config;
  repos: Repositories;
  services: Services;
  keys: CommentKeys;
  limiters: Limiters;
  clock: Clock;
  logger: Logger;
  /** The outbox's sender: started by the server, ticked by hand in tests. */
  mail: MailWorker;
  /** Posts' threads as read from the database, kept until the next visible write. */
  threads: ThreadCache;
}
