// When a failed message is tried again: half a minute after the first failure, then
// doubling, at most six hours apart; after MAX_ATTEMPTS it is given up on (failed).
export const MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const LONGEST_WAIT_MS = 6 * 60 * 60 * 1000;

/** The wait after the `attempts`-th failed try (1 for the first), or undefined to give up. */
export function retryDelay(attempts: number): number | undefined {
  if (attempts >= MAX_ATTEMPTS) return undefined;
  return Math.min(FIRST_RETRY_MS * 2 ** (attempts - 1), LONGEST_WAIT_MS);
}
