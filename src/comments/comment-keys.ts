// Keyed hashes for comments: the server key is random, kept in the database, so
// neither an avatar nor a stored address hash can be reversed by hashing guesses
// (as public Gravatar hashes can), and form time stamps cannot be forged.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Repositories } from '../repositories.js';

export interface CommentKeys {
  /** Hex digest for a purpose ('avatar', 'ip', …) and a value. */
  hash(purpose: string, value: string): string;
  /** A signed "form served at" stamp. */
  stamp(now?: number): string;
  /** When a stamp was made; undefined for anything not signed by this server. */
  stampTime(stamp: string): number | undefined;
}

const KEY_NAME = 'comment_key';

// One set of keys per app's repositories, read once rather than on every page.
const loaded = new WeakMap<Repositories, CommentKeys>();

/** The keys for this app, reading (or on first start making) the key once. */
export function commentKeys(repos: Repositories): CommentKeys {
  let keys = loaded.get(repos);
  if (!keys) {
    keys = loadCommentKeys(repos);
    loaded.set(repos, keys);
  }
  return keys;
}

function loadCommentKeys(repos: Repositories): CommentKeys {
  let key = repos.settings.getInternal(KEY_NAME);
  if (!key) {
    key = randomBytes(32).toString('base64url');
    repos.settings.setInternal(KEY_NAME, key);
  }
  const secret = key;
  const hash = (purpose: string, value: string) => createHmac('sha256', secret).update(`${purpose}\0${value}`).digest('hex');
  const sign = (time: string) => hash('stamp', time).slice(0, 32);

  return {
    hash,
    stamp: (now = Date.now()) => `${now}.${sign(String(now))}`,
    stampTime(stamp) {
      const match = /^(\d{1,15})\.([0-9a-f]{32})$/.exec(stamp);
      if (!match) return undefined;
      const expected = Buffer.from(sign(match[1]!));
      return timingSafeEqual(expected, Buffer.from(match[2]!)) ? Number(match[1]) : undefined;
    },
  };
}
