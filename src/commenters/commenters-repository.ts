// Signed-in commenters: one row per provider and subject, and the used email links.
import type { Db } from '../db/open.js';
import { isoNow, type Clock } from '../clock.js';

export interface Commenter {
  id: number;
  /** 'email', or the id of an OpenID Connect provider. */
  provider: string;
  /** The provider's stable id for the person; for 'email', the case-folded address. */
  subject: string;
  name: string;
  /** Only an address the provider vouched for; null when it did not. */
  email: string | null;
  picture_url: string | null;
  created_at: string;
  last_seen_at: string;
}

export interface CommenterIdentity {
  provider: string;
  subject: string;
  name: string;
  email: string | null;
  pictureUrl: string | null;
}

export type CommentersRepository = ReturnType<typeof createCommentersRepository>;

export function createCommentersRepository(db: Db, clock: Clock) {
  const byId = db.prepare<[number], Commenter>('SELECT * FROM commenters WHERE id = ?');
  const byIdentity = db.prepare<[string, string], Commenter>('SELECT * FROM commenters WHERE provider = ? AND subject = ?');
  // The provider's latest name, email and picture win: they are the person's own.
  const upsert = db.prepare<{ provider: string; subject: string; name: string; email: string | null; pictureUrl: string | null; now: string }, Commenter>(
    `INSERT INTO commenters (provider, subject, name, email, picture_url, created_at, last_seen_at)
     VALUES (@provider, @subject, @name, @email, @pictureUrl, @now, @now)
     ON CONFLICT (provider, subject) DO UPDATE SET
       name = excluded.name, email = excluded.email, picture_url = excluded.picture_url, last_seen_at = excluded.last_seen_at
     RETURNING *`,
  );
  const remove = db.prepare<[number]>('DELETE FROM commenters WHERE id = ?');
  // Addresses are compared case-folded, as comments' email_key is.
  const removeByEmail = db.prepare<[string]>('DELETE FROM commenters WHERE lower(email) = ?');
  const useLink = db.prepare<[string, string]>('INSERT OR IGNORE INTO email_link_uses (nonce, used_at) VALUES (?, ?)');
  const linkUsed = db.prepare<[string], number>('SELECT 1 FROM email_link_uses WHERE nonce = ?').pluck();
  const forgetLinks = db.prepare<[string]>('DELETE FROM email_link_uses WHERE used_at < ?');

  return {
    findById: (id: number): Commenter | undefined => byId.get(id),
    findByIdentity: (provider: string, subject: string): Commenter | undefined => byIdentity.get(provider, subject),
    /** Creates the identity or refreshes what the provider says of it; the row as stored. */
    upsert: (identity: CommenterIdentity, now = isoNow(clock)): Commenter => upsert.get({ ...identity, now })!,
    remove: (id: number): void => void remove.run(id),
    /** Removes every identity holding this (case-folded) verified address. */
    removeByEmail: (emailKey: string): void => void removeByEmail.run(emailKey),
    /** Marks an email link's id used; false when it was used before. */
    useEmailLink: (nonce: string, now = isoNow(clock)): boolean => useLink.run(nonce, now).changes === 1,
    isEmailLinkUsed: (nonce: string): boolean => linkUsed.get(nonce) !== undefined,
    /** Forgets used links older than `cutoff` (they have expired anyway). */
    forgetEmailLinksBefore: (cutoff: string): number => forgetLinks.run(cutoff).changes,
  };
}
