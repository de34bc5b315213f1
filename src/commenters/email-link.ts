// The one-time sign-in link sent by email: a token signed with the secret key, carrying
// a random id (its one use is recorded), the address, when it was asked for, the name
// typed in the comment form and where to come back to. Good for 15 minutes.
import { randomBytes } from 'node:crypto';
import type { CommentKeys } from '../comments/comment-keys.js';
import { readSignedFields, signFields } from '../subscriptions/mail-tokens.js';

export const EMAIL_LINK_VALID_MS = 15 * 60 * 1000;
const PURPOSE = 'commenter-email-link';

export interface EmailLinkClaim {
  /** Random, recorded at its one use. */
  nonce: string;
  email: string;
  askedAt: number;
  /** The name typed in the comment form, or ''. */
  name: string;
  /** A local path: where the sign-in comes back to. */
  returnTo: string;
}

export type EmailLinkReading =
  | { kind: 'valid'; claim: EmailLinkClaim }
  | { kind: 'expired' }
  | { kind: 'invalid' };

export function emailLinkToken(keys: CommentKeys, claim: Omit<EmailLinkClaim, 'nonce'>): string {
  const nonce = randomBytes(16).toString('base64url');
  return signFields(keys, PURPOSE, [nonce, claim.email, String(claim.askedAt), claim.name, claim.returnTo]);
}

/** What a link says, told apart: one we signed and still good, one run out, anything else. */
export function readEmailLinkToken(keys: CommentKeys, token: string, now: number): EmailLinkReading {
  const fields = readSignedFields(keys, PURPOSE, token);
  if (fields?.length !== 5) return { kind: 'invalid' };
  const [nonce, email, asked, name, returnTo] = fields as [string, string, string, string, string];
  const askedAt = Number(asked);
  if (!Number.isSafeInteger(askedAt) || nonce === '') return { kind: 'invalid' };
  // A link from the future is no more valid than one from the past.
  if (now - askedAt > EMAIL_LINK_VALID_MS || askedAt - now > EMAIL_LINK_VALID_MS) return { kind: 'expired' };
  return { kind: 'valid', claim: { nonce, email, askedAt, name, returnTo } };
}
