// The one source of "now" (ms since the epoch), handed down from the composition root so
// that tests of expiry, throttles, schedules and tokens move time instead of sleeping.
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** The clock's now as the ISO text the database stores and compares. */
export const isoNow = (clock: Clock): string => new Date(clock()).toISOString();
