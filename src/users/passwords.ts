// Password hashing with scrypt (memory-hard, in node's standard library), compared
// in constant time. Stored as "scrypt$N$r$p$salt$hash": a hash made at an older cost
// still verifies, and needsRehash() says when to store it again at today's.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';

const KEY_LENGTH = 64;
/** log2 of scrypt's N at OWASP's current recommendation (N=2^17, r=8, p=1: 128 MiB, one thread). */
export const DEFAULT_PASSWORD_COST = 17;
/** The range PASSWORD_HASH_COST may take: below 14 is too cheap to guess against, above 20 needs 1 GiB a hash. */
export const PASSWORD_COST_RANGE = { min: 14, max: 20 } as const;
const R = 8;
const P = 1;

interface Params { N: number; r: number; p: number }

function scrypt(password: string, salt: Buffer, { N, r, p }: Params): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; node refuses past maxmem, so allow that with room to spare.
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, { N, r, p, maxmem: 2 * 128 * N * r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** The parameters of a stored hash, or undefined for anything this module did not write. */
function parse(stored: string): (Params & { salt: string; hash: string }) | undefined {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !r || !p || !salt || !hash) return undefined;
  const params = { N: Number(n), r: Number(r), p: Number(p) };
  // Bounds keep a planted or damaged hash from asking for gigabytes.
  const sane = Number.isInteger(params.N) && params.N >= 2 && params.N <= 2 ** PASSWORD_COST_RANGE.max && (params.N & (params.N - 1)) === 0
    && Number.isInteger(params.r) && params.r >= 1 && params.r <= 32 && Number.isInteger(params.p) && params.p >= 1 && params.p <= 4;
  return sane ? { ...params, salt, hash } : undefined;
}

export async function hashPassword(password: string, cost = DEFAULT_PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const params = { N: 2 ** cost, r: R, p: P };
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const expected = Buffer.from(parsed.hash, 'base64');
  const actual = await scrypt(password, Buffer.from(parsed.salt, 'base64'), parsed);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether a stored hash is cheaper than `cost` asks, so it should be made again at the next log-in. */
export function needsRehash(stored: string, cost = DEFAULT_PASSWORD_COST): boolean {
  const parsed = parse(stored);
  return parsed !== undefined && (parsed.N < 2 ** cost || parsed.r < R);
}

/** A random password for the first administrator: 20 characters, easy to copy. */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

export const MIN_PASSWORD_LENGTH = 10;
/** Longer is not a password a person types, and costs scrypt for nothing. */
export const MAX_PASSWORD_LENGTH = 1024;
