// A clock for tests that moves only when told, so expiry and schedules are tested without sleeping.
import type { Clock } from '../../src/clock.js';

export type TestClock = Clock & {
  /** Moves time on by `ms`. */
  advance(ms: number): void;
};

/** Stands still at `start` (now, by default) until advanced. */
export function makeTestClock(start = Date.now()): TestClock {
  let now = start;
  return Object.assign(() => now, { advance: (ms: number) => void (now += ms) });
}
