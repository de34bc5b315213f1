// Signed single-purpose tokens for the links in our emails, made with the comment keys:
// a confirmation (the address and when it was asked for, good for a week) and an
// unsubscribe (the subscription and its address, good for as long as the mail is kept).
import { timingSafeEqual } from 'node:crypto';
import type { CommentKeys } from '../comments/comment-keys.js';

export const CONFIRM_VALID_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_TOKEN = 2000;
const SIGNATURE = /^[0-9a-f]{32}$/;

export interface ConfirmClaim { email: string; askedAt: number }
export interface UnsubscribeClaim { subscriptionId: number; email: string }

/** A token carrying `fields`, signed with the secret key for this one purpose. */
export function signFields(keys: CommentKeys, purpose: string, fields: readonly string[]): string {
  const body = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${body}.${keys.hash(purpose, body).slice(0, 32)}`;
}

/** The signed fields, or undefined for anything this server did not sign for this purpose. */
export function readSignedFields(keys: CommentKeys, purpose: string, token: string): string[] | undefined {
  if (token.length > MAX_TOKEN) return undefined;
  const dot = token.lastIndexOf('.');
  const body = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (dot < 1 || !SIGNATURE.test(signature)) return undefined;
  if (!timingSafeEqual(Buffer.from(keys.hash(purpose, body).slice(0, 32)), Buffer.from(signature))) return undefined;
  try {
    const fields: unknown = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    return Array.isArray(fields) && fields.every((f) => typeof f === 'string') ? (fields as string[]) : undefined;
  } catch {
    return undefined;
  }
}

export function confirmToken(keys: CommentKeys, claim: ConfirmClaim): string {
  return signFields(keys, 'mail-confirm', [claim.email, String(claim.askedAt)]);
}

/** The claim of a confirmation link still within its week, else undefined. */
export function readConfirmToken(keys: CommentKeys, token: string, now: number): ConfirmClaim | undefined {
  const fields = readSignedFields(keys, 'mail-confirm', token);
  if (fields?.length !== 2) return undefined;
  const askedAt = Number(fields[1]);
  if (!Number.isSafeInteger(askedAt) || now - askedAt > CONFIRM_VALID_MS) return undefined;
  return { email: fields[0]!, askedAt };
}

export function unsubscribeToken(keys: CommentKeys, claim: UnsubscribeClaim): string {
  return signFields(keys, 'mail-unsubscribe', [String(claim.subscriptionId), claim.email]);
}

export function readUnsubscribeToken(keys: CommentKeys, token: string): UnsubscribeClaim | undefined {
  const fields = readSignedFields(keys, 'mail-unsubscribe', token);
  if (fields?.length !== 2) return undefined;
  const subscriptionId = Number(fields[0]);
  return Number.isSafeInteger(subscriptionId) ? { subscriptionId, email: fields[1]! } : undefined;
}
