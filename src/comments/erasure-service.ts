// Erasing a commenter: everything stored under one email address, for the desk and
// the command line alike. One transaction, and an audit entry that counts what went
// without naming the address.
import type { AuditRepository } from '../audit/audit-repository.js';
import { isoNow, type Clock } from '../clock.js';
import type { Db } from '../db/open.js';
import { DomainError } from '../errors.js';
import { plural } from '../wording.js';
import { emailKey, type CommentsRepository } from './comments-repository.js';
import type { ReportsRepository } from './reports-repository.js';
import type { Commenter, CommentersRepository } from '../commenters/commenters-repository.js';

export interface ErasureResult {
  /** Comments erased. */
  comments: number;
  /** Of those, how many stay as empty "removed" rows because others replied to them. */
  placeholders: number;
  /** Email subscriptions removed (their messages, waiting or sent, go with them). */
  subscriptions: number;
}

/** The address to erase, case-folded, or undefined when it cannot be one (empty would match erased rows). */
export function erasureKey(raw: string): string | undefined {
  const key = emailKey(raw);
  return key.length <= 254 && /^[^\s@]+@[^\s@]+$/.test(key) ? key : undefined;
}

export type ErasureService = ReturnType<typeof createErasureService>;

export interface ErasureDeps {
  db: Db;
  repos: { comments: CommentsRepository; reports: ReportsRepository; audit: AuditRepository; commenters: CommentersRepository };
  /** Following by email: the address's subscriptions and messages go in the same transaction. */
  subscriptions: { eraseAddress(email: string): number };
  clock: Clock;
}

export function createErasureService({ db, repos, subscriptions, clock }: ErasureDeps) {
  const keyOf = (email: string): string => {
    const key = erasureKey(email);
    if (key === undefined) throw new DomainError('invalid', 'An email address is needed to erase a commenter.');
    return key;
  };

  /**
   * Erases these comments: one without replies is deleted; one with replies by others
   * stays as a removed placeholder with nothing personal left, so the thread keeps its
   * shape. Readers' reports on them go too, and the audit trail's details about them,
   * and the address's email subscriptions with every message to it. Inside the caller's transaction.
   */
  function erase(ids: readonly number[], email: string | undefined, actorId: number | null, by: string): ErasureResult {
    const now = isoNow(clock);
    let placeholders = 0;
    // Newest first: replies go before their parents, so a comment whose replies
    // are all erased too is deleted rather than kept as a placeholder.
    for (const id of [...ids].reverse()) {
      if (repos.comments.hasReplies(id)) placeholders += 1;
      repos.comments.deletePermanently(id, now);
    }
    repos.reports.deleteFor(ids);
    repos.audit.forgetDetailsOf(ids.map((id) => `comment:${id}`));
    const followed = email === undefined ? 0 : subscriptions.eraseAddress(email);
    repos.audit.record({
      userId: actorId,
      action: 'commenter.erase',
      detail: `${plural(ids.length, 'comment')} erased${by}, ${placeholders} kept as placeholders for replies${followed === 0 ? '' : `, ${plural(followed, 'email subscription')} removed`}`,
    }, now);
    return { comments: ids.length, placeholders, subscriptions: followed };
  }

  return {
    /** How many comments are stored under this email: what the confirmation step shows. */
    countFor: (email: string): number => repos.comments.idsByEmail(keyOf(email)).length,

    /**
     * Erases every comment under this email (case-folded), whatever its status, with
     * everything erase() names, and any signed-in identity holding that address.
     */
    eraseCommenter(email: string, actorId: number | null): ErasureResult {
      const key = keyOf(email);
      return db.transaction((): ErasureResult => {
        const result = erase(repos.comments.idsByEmail(key), key, actorId, '');
        repos.commenters.removeByEmail(key);
        return result;
      }).immediate();
    },

    /**
     * A signed-in commenter erases themselves from their "Your comments" page: the same
     * erasure, over every comment of their identity and (when they have a verified
     * address) everything under that address, and then the identity itself.
     */
    eraseSignedInCommenter(commenter: Pick<Commenter, 'id' | 'email'>): ErasureResult {
      const key = commenter.email === null ? undefined : erasureKey(commenter.email);
      return db.transaction((): ErasureResult => {
        const ids = [...new Set([...repos.comments.idsByCommenter(commenter.id), ...(key === undefined ? [] : repos.comments.idsByEmail(key))])].sort((a, b) => a - b);
        const result = erase(ids, key, null, ' by the commenter themselves');
        repos.commenters.remove(commenter.id);
        return result;
      }).immediate();
    },
  };
}

/** The outcome in a sentence for the person who asked, without the address. */
export function erasureSummary({ comments, placeholders, subscriptions }: ErasureResult): string {
  const followed = subscriptions === 0 ? '' : `, and ${plural(subscriptions, 'email subscription')}`;
  if (comments === 0) return subscriptions === 0 ? 'Nothing was stored under that address.' : `Erased ${plural(subscriptions, 'email subscription')} stored under that address.`;
  const kept = placeholders === 0 ? '' : ` (${placeholders} kept as an empty “removed” placeholder because others replied)`;
  return `Erased ${plural(comments, 'comment')} stored under that address${kept}${followed}.`;
}
