// Keyed hashes for comments: the server key is random, kept outside the database, so
// neither an avatar nor a stored address hash can be reversed by hashing guesses
// (as public Gravatar hashes can), and form time stamps cannot be forged.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface CommentKeys {
  /** Hex digest for a purpose ('avatar', 'ip', …) and a value. */
  hash(purpose: string, value: string): string;
  /** A signed "form served at" stamp. */
  stamp(now: number): string;
  /** When a stamp was made; undefined for anything not signed by this server. */
  stampTime(stamp: string): number | undefined;
}

/** Keys from the server's secret (see keys/secret-key.ts), made once at start-up. */
export function createCommentKeys(secret: string): CommentKeys {
  const hash = (purpose: string, value: string) => createHmac('sha256', secret).update(`${purpose}\0${value}`).digest('hex');
  const sign = (time: string) => hash('stamp', time).slice(0, 32);

  return {
    hash,
    stamp: (now) => `${now}.${sign(String(now))}`,
    stampTime(stamp) {
      const match = /^(\d{1,15})\.([0-9a-f]{32})$/.exec(stamp);
      if (!match) return undefined;
      const expected = Buffer.from(sign(match[1]!));
      return timingSafeEqual(expected, Buffer.from(match[2]!)) ? Number(match[1]) : undefined;
    },
  };
}
