// Signing commenters in: one identity per provider and subject, made or refreshed in
// one transaction from what the provider says. Commenters are readers, not staff.
import type { Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import { isEmail, LIMITS } from '../comments/comment-input.js';
import { DomainError } from '../errors.js';
import type { Commenter, CommentersRepository } from './commenters-repository.js';

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

export type CommentersService = ReturnType<typeof createCommentersService>;

export interface CommentersServiceDeps {
  db: Db;
  repos: { commenters: CommentersRepository };
  clock: Clock;
}

export function createCommentersService({ db, repos, clock }: CommentersServiceDeps) {
  return {
    /**
     * The commenter for this provider and subject, made on first sign-in and refreshed
     * (name, verified email, picture) on each later one. Not written to the audit trail:
     * that is the staff's record of changes, and readers signing in are not changes.
     */
    signIn(input: SignInInput): Commenter {
      const provider = input.provider.trim();
      const subject = input.subject.trim();
      if (provider === '' || subject === '' || provider.length > MAX_KEY || subject.length > MAX_KEY) {
        throw new DomainError('invalid', 'The sign-in did not say who you are.');
      }
      const email = input.email !== null && input.email.length <= LIMITS.email && isEmail(input.email.trim()) ? input.email.trim() : null;
      const identity = { provider, subject, name: commenterName(input.name, email), email, pictureUrl: pictureUrl(input.pictureUrl) };
      return db.transaction(() => repos.commenters.upsert(identity, new Date(clock()).toISOString())).immediate();
    },

    byId: (id: number): Commenter | undefined => repos.commenters.findById(id),
  };
}
