// Which status a new comment gets, and why, from plain facts about it. Risk holds
// (personal data, links, blocklist) apply whatever the moderation mode; a signed-in author is trusted,
// a signed-in commenter only once their identity has an approved comment.
import { describeFindings, type Finding } from '../risk/personal-data.js';
import type { ModerationMode } from '../settings/settings.js';
import type { CommentStatus } from './comments-repository.js';
import { plural } from '../wording.js';

export interface ModerationFacts {
  mode: ModerationMode;
  /** An earlier approved comment has this name and email (both case-folded, the name trimmed), or this signed-in commenter's identity. */
  approvedBefore: boolean;
  /** Written by a signed-in commenter (a reader with an identity, never staff). */
  commenter?: boolean;
  /** Written by a signed-in author or admin. */
  signedIn: boolean;
  /** Personal data found in the comment's text (src/risk/personal-data.ts). */
  personalData: readonly Finding[];
  linkCount: number;
  linkLimit: number;
  /** The comment's text, name, email and website, searched for blocklisted words. */
  text: string;
  /** The settings' blocklist: one word or phrase a line. */
  blocklist: string;
  /** Something was typed into the honeypot field. */
  trapFilled: boolean;
}

export interface Decision {
  status: CommentStatus;
  /** Why it was held or caught, for moderators; empty when approved. */
  reason: string;
}

export function decideStatus(f: ModerationFacts): Decision {
  if (f.trapFilled) return { status: 'spam', reason: 'Filled in the hidden honeypot field' };
  if (f.signedIn) return { status: 'approved', reason: '' };
  if (f.personalData.length > 0) return { status: 'pending', reason: `Contains personal data: ${describeFindings(f.personalData)}` };
  const word = blocklistHit(f.text, f.blocklist);
  if (word !== undefined) return { status: 'pending', reason: `Contains the blocklisted “${word}”` };
  if (f.linkCount > f.linkLimit) {
    return { status: 'pending', reason: `Has ${f.linkCount} links (more than ${f.linkLimit})` };
  }
  if (f.mode === 'all') return { status: 'pending', reason: 'Every comment is moderated' };
  if (f.mode === 'first_time' && !f.approvedBefore) {
    return { status: 'pending', reason: f.commenter ? 'First comment from this signed-in commenter' : 'First comment from this name and email address' };
  }
  return { status: 'approved', reason: '' };
}

/** The first blocklist entry found in the text, case-insensitively; undefined when none. */
export function blocklistHit(text: string, blocklist: string): string | undefined {
  const haystack = text.toLowerCase();
  for (const line of blocklist.split(/\r?\n/)) {
    const word = line.trim();
    if (word !== '' && haystack.includes(word.toLowerCase())) return word;
  }
  return undefined;
}

export interface ReportFacts {
  /** Distinct reader addresses (IPv6 by /64) whose open reports may count: none that reported it before a review. */
  addresses: number;
  threshold: number;
  /** Written by a signed-in staff member: listed for moderators, never hidden by readers. */
  byStaff: boolean;
}

/**
 * Readers' reports: a visible comment reported from as many distinct addresses as the
 * threshold asks is held back until a moderator reviews it, so one person clearing a
 * cookie cannot silence anyone. The reason for the queue, or undefined while it stays up.
 */
export function reportHold(f: ReportFacts): string | undefined {
  if (f.byStaff || f.addresses < f.threshold) return undefined;
  return `${REPORT_HOLD_START}${plural(f.addresses, 'reader')}${REPORT_HOLD_END}`;
}

const REPORT_HOLD_START = 'Reported by ';
const REPORT_HOLD_END = '; hidden until reviewed';

/** Whether a held comment's reason is readers' reports (reportHold's words), so dismissing them shows it again. */
export function isReportHold(status: CommentStatus, reason: string): boolean {
  return status === 'pending' && reason.startsWith(REPORT_HOLD_START) && reason.endsWith(REPORT_HOLD_END);
}
