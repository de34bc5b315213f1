// The blog's settings: their names, defaults and validation, as plain values.

export type ModerationMode = 'none' | 'first_time' | 'all';

export interface Settings {
  title: string;
  tagline: string;
  comment_moderation: ModerationMode;
  thread_depth: number;
  timezone: string;
  comments_open_default: boolean;
  /** Comments with more links than this are held. */
  comment_link_limit: number;
  /** Minimum seconds between serving the form and receiving the comment. */
  comment_min_seconds: number;
  /** Comment posts allowed from one address per minute. */
  comment_rate_per_minute: number;
  /** Distinct reader addresses whose reports hide a comment until a moderator reviews it. */
  report_hide_threshold: number;
  /** Likes one address group (IPv6 by /64) may give one post. */
  likes_per_address: number;
  /** Words or phrases, one a line, that hold a comment for moderation. */
  moderation_blocklist: string;
  posts_per_page: number;
  /** Each comment held for moderation is emailed to the post's author and the admins. */
  mail_held_comments: boolean;
  /** What "Email me new comments on this post" sends: every new comment, or only replies to the subscriber's own. */
  mail_comment_notices: CommentNotices;
  /** Held-comment emails at once (gathered per post over 10 minutes) or once a day for every post. */
  mail_held_digest: HeldDigest;
  /** Days that reader addresses (as keyed hashes) and user agents are kept. */
  retention_days: number;
  /** Where readers ask for their data to be erased: an email address or a web page; empty for none. */
  privacy_contact: string;
  /** Top-level threads on each page of a post's comments (`?cpage=N`); 0 keeps them all on one page. */
  comments_per_page: number;
  /** Commenters may sign in with a one-time link sent to their email address. */
  email_sign_in: boolean;
  /** Minutes a signed-in commenter may edit or delete their own comment; 0 for never. */
  comment_edit_minutes: number;
  /** Show a signed-in commenter's picture from their provider (loaded from elsewhere); off shows the local identicon. */
  remote_avatars: boolean;
}

export type CommentNotices = 'all' | 'replies';
export type HeldDigest = 'immediate' | 'daily';

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  title: 'Colloquy',
  tagline: 'Writing in public, talking it over',
  comment_moderation: 'first_time',
  thread_depth: 5,
  timezone: 'UTC',
  comments_open_default: true,
  comment_link_limit: 2,
  comment_min_seconds: 2,
  comment_rate_per_minute: 6,
  report_hide_threshold: 3,
  likes_per_address: 50,
  moderation_blocklist: '',
  posts_per_page: 10,
  mail_held_comments: true,
  mail_comment_notices: 'all',
  mail_held_digest: 'immediate',
  retention_days: 30,
  privacy_contact: '',
  comments_per_page: 0,
  email_sign_in: true,
  comment_edit_minutes: 15,
  remote_avatars: false,
});

export type SettingKey = keyof Settings;

/**
 * Parses a raw value (from a form or the database) into a setting: a valid value
 * or a message for the person who typed it; never throws.
 */
export const SETTING_PARSERS: { [K in SettingKey]: (raw: string) => { ok: true; value: Settings[K] } | { ok: false; error: string } } = {
  title: (raw) => lengthCheck(raw, 1, 200, 'Title'),
  tagline: (raw) => lengthCheck(raw, 0, 300, 'Tagline'),
  comment_moderation: (raw) =>
    raw === 'none' || raw === 'first_time' || raw === 'all'
      ? { ok: true, value: raw }
      : { ok: false, error: 'Comment moderation must be none, first_time or all.' },
  thread_depth: (raw) => intCheck(raw, 1, 10, 'Thread depth'),
  timezone: (raw) => {
    const zone = timeZoneNamed(raw);
    return zone ? { ok: true, value: zone } : { ok: false, error: `“${raw}” is not a known time zone: choose one from the list, or type an IANA name such as Europe/London.` };
  },
  comments_open_default: boolCheck,
  comment_link_limit: (raw) => intCheck(raw, 0, 100, 'Link limit'),
  comment_min_seconds: (raw) => intCheck(raw, 0, 600, 'Minimum time'),
  comment_rate_per_minute: (raw) => intCheck(raw, 1, 1000, 'Comments per minute'),
  report_hide_threshold: (raw) => intCheck(raw, 1, 1000, 'Report threshold'),
  likes_per_address: (raw) => intCheck(raw, 1, 100_000, 'Likes per address'),
  moderation_blocklist: (raw) => lengthCheck(raw, 0, 20_000, 'Blocklist'),
  posts_per_page: (raw) => intCheck(raw, 1, 100, 'Posts per page'),
  mail_held_comments: boolCheck,
  mail_comment_notices: (raw) =>
    raw === 'all' || raw === 'replies' ? { ok: true, value: raw } : { ok: false, error: 'Comment emails must be all or replies.' },
  mail_held_digest: (raw) =>
    raw === 'immediate' || raw === 'daily' ? { ok: true, value: raw } : { ok: false, error: 'Held-comment emails must be immediate or daily.' },
  retention_days: (raw) => intCheck(raw, 1, 365, 'Retention'),
  privacy_contact: (raw) => {
    const value = raw.trim();
    if (value === '' || (value.length <= 254 && (/^[^\s@]+@[^\s@]+$/.test(value) || isWebAddress(value)))) return { ok: true, value };
    return { ok: false, error: 'Privacy contact must be an email address or an http(s) web address.' };
  },
  comments_per_page: (raw) => intCheck(raw, 0, 1000, 'Comment threads per page'),
  email_sign_in: boolCheck,
  comment_edit_minutes: (raw) => intCheck(raw, 0, 1440, 'Edit window'),
  remote_avatars: boolCheck,
};

function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function lengthCheck(raw: string, min: number, max: number, label: string): { ok: true; value: string } | { ok: false; error: string } {
  const value = raw.trim();
  const length = [...value].length;
  if (length < min) return { ok: false, error: `${label} is required.` };
  if (length > max) return { ok: false, error: `${label} must be at most ${max} characters.` };
  return { ok: true, value };
}

/** A checkbox as a browser sends it ("on", or our "1"), or as stored ("true"). */
function boolCheck(raw: string): { ok: true; value: boolean } {
  return { ok: true, value: raw === '1' || raw === 'true' || raw === 'on' };
}

function intCheck(raw: string, min: number, max: number, label: string): { ok: true; value: number } | { ok: false; error: string } {
  const trimmed = raw.trim();
  const n = Number(trimmed);
  if (!/^\d{1,9}$/.test(trimmed) || n < min || n > max) {
    return { ok: false, error: `${label} must be a whole number from ${min} to ${max}.` };
  }
  return { ok: true, value: n };
}

// An IANA name's shape: Area/Location words (Etc/GMT+5 too), never an offset such as
// "+01:00", which newer Node versions take as a zone of its own but the contract does not.
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * A time zone as typed, checked against the zones this Node knows, with its letters as
 * the database spells them ("europe/paris" is Europe/Paris); undefined when unknown.
 */
export function timeZoneNamed(raw: string): string | undefined {
  const name = raw.trim();
  if (name.length > 100 || !IANA_NAME.test(name)) return undefined;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
  // Another name for the same zone (Asia/Calcutta for Asia/Kolkata) keeps the one chosen.
  return resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
}

/** Every zone to choose from, UTC (the default) first, then the IANA names, for the settings' searchable list. */
export const TIME_ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];

/** Serialises a setting for storage. */
export function formatSetting(value: Settings[SettingKey]): string {
  return typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
}
