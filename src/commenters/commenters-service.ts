// Signing commenters in: one identity per provider and subject, made or refreshed in
// one transaction from what the provider says. Commenters are readers, not staff.
import type { Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import { isEmail, LIMITS } from '../comments/comment-input.js';
import type { CommentKeys } from '../comments/comment-keys.js';
import { emailKey } from '../comments/comments-repository.js';
import { DomainError } from '../errors.js';
import type { RateLimiter } from '../limits/rate-limiter.js';
import type { Notifications } from '../mail/notifications.js';
import type { Commenter, CommentersRepository } from './commenters-repository.js';
import { EMAIL_LINK_VALID_MS, emailLinkToken, readEmailLinkToken, type EmailLinkClaim } from './email-link.js';

export type { Commenter } from './commenters-repository.js';

export interface SignInInput {
  /** 'email', or a configured OpenID Connect provider's id. */
  provider: string;
  /** The provider's stable id for the person (OIDC `sub`; for 'email' the case-folded address). */
  subject: string;
  name: string;
  /** Only an address the provider says is verified; null otherwise. */
  email: string | null;
  pictureUrl: string | null;
}

const MAX_KEY = 255;
const MAX_PICTURE_URL = 2000;
// Control characters have no place in a name shown in threads and feeds.
const CONTROL = /[\u0000-\u001F\u007F]/g;

/** A provider's name for the person as the thread shows it: cleaned, at most 100 characters, never empty. */
export function commenterName(raw: string, email: string | null): string {
  const name = [...raw.replace(CONTROL, ' ').trim()].slice(0, LIMITS.author).join('').trim();
  if (name !== '') return name;
  const local = email?.slice(0, email.indexOf('@')) ?? '';
  return local !== '' ? [...local].slice(0, LIMITS.author).join('') : 'Reader';
}

/** A picture's address if it is an http(s) URL of sane length; anything else is dropped. */
export function pictureUrl(raw: string | null): string | null {
  if (raw === null || raw.length > MAX_PICTURE_URL) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/** The provider of identities signed in by an email link; the subject is the case-folded address. */
export const EMAIL_PROVIDER = 'email';

export type EmailLinkRequest =
  | { kind: 'invalid' }
  | { kind: 'rate-limited'; retryAfter: number }
  | { kind: 'queued' };

export type EmailLinkState = { kind: 'invalid' } | { kind: 'expired' } | { kind: 'used' } | { kind: 'valid'; email: string };
export type EmailSignIn = Exclude<EmailLinkState, { kind: 'valid' }> | { kind: 'signed-in'; commenter: Commenter; returnTo: string };

export type CommentersService = ReturnType<typeof createCommentersService>;

export interface CommentersServiceDeps {
  db: Db;
  repos: { commenters: CommentersRepository };
  keys: CommentKeys;
  notifications: Pick<Notifications, 'queue'>;
  /** Links sent to one address: counted per recipient, so many senders cannot flood one inbox. */
  recipientLimiter: RateLimiter;
  clock: Clock;
}

export function createCommentersService({ db, repos, keys, notifications, recipientLimiter, clock }: CommentersServiceDeps) {
  function upsert(input: SignInInput): Commenter {
    const provider = input.provider.trim();
    const subject = input.subject.trim();
    if (provider === '' || subject === '' || provider.length > MAX_KEY || subject.length > MAX_KEY) {
      throw new DomainError('invalid', 'The sign-in did not say who you are.');
    }
    const email = input.email !== null && input.email.length <= LIMITS.email && isEmail(input.email.trim()) ? input.email.trim() : null;
    const identity = { provider, subject, name: commenterName(input.name, email), email, pictureUrl: pictureUrl(input.pictureUrl) };
    return repos.commenters.upsert(identity);
  }

  /** What an email link says now, without using it up. */
  function readLink(token: string, now: number): Exclude<EmailLinkState, { kind: 'valid' }> | { kind: 'valid'; claim: EmailLinkClaim } {
    const reading = readEmailLinkToken(keys, token, now);
    if (reading.kind !== 'valid') return reading;
    return repos.commenters.isEmailLinkUsed(reading.claim.nonce) ? { kind: 'used' } : reading;
  }

  return {
    /**
     * The commenter for this provider and subject, made on first sign-in and refreshed
     * (name, verified email, picture) on each later one. Not written to the audit trail:
     * that is the staff's record of changes, and readers signing in are not changes.
     */
    signIn: (input: SignInInput): Commenter => db.transaction(() => upsert(input)).immediate(),

    byId: (id: number): Commenter | undefined => repos.commenters.findById(id),

    /**
     * Queues a one-time sign-in link to `email` through the outbox. The name typed in the
     * comment form (if any) and where to come back to travel inside the signed link.
     */
    requestEmailLink(request: { email: string; name: string; returnTo: string }, now = clock()): EmailLinkRequest {
      const email = request.email.trim();
      if (email === '' || [...email].length > LIMITS.email || !isEmail(email)) return { kind: 'invalid' };
      // Counted before a token is signed or a message queued.
      const rate = recipientLimiter.hit(keys.hash('email-link', emailKey(email)), now);
      if (!rate.allowed) return { kind: 'rate-limited', retryAfter: rate.retryAfter };
      const token = emailLinkToken(keys, { email, askedAt: now, name: request.name.trim().slice(0, 200), returnTo: request.returnTo });
      db.transaction(() => notifications.queue(email, { kind: 'sign-in', token })).immediate();
      return { kind: 'queued' };
    },

    /** For the page the link opens: whether its button can still sign in, and as whom. */
    emailLinkState(token: string): EmailLinkState {
      const link = readLink(token, clock());
      return link.kind === 'valid' ? { kind: 'valid', email: link.claim.email } : link;
    },

    /**
     * The link's button: its one use is recorded and the identity (provider 'email',
     * the address case-folded) made or refreshed in one transaction. The name is the
     * one typed before asking, else the identity's own, else the address's first part.
     */
    signInWithEmailLink(token: string): EmailSignIn {
      const now = clock();
      return db.transaction((): EmailSignIn => {
        const link = readLink(token, now);
        if (link.kind !== 'valid') return link;
        const { claim } = link;
        if (!repos.commenters.useEmailLink(claim.nonce, new Date(now).toISOString())) return { kind: 'used' };
        const subject = emailKey(claim.email);
        const known = repos.commenters.findByIdentity(EMAIL_PROVIDER, subject);
        const commenter = upsert({ provider: EMAIL_PROVIDER, subject, name: claim.name || known?.name || '', email: claim.email, pictureUrl: null });
        // Used links are kept only as long as a link could still be tried.
        repos.commenters.forgetEmailLinksBefore(new Date(now - 2 * EMAIL_LINK_VALID_MS).toISOString());
        return { kind: 'signed-in', commenter, returnTo: claim.returnTo };
      }).immediate();
    },
  };
}
