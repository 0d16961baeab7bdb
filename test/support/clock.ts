import type { Clock } from '../../functions/clock.js';

/** The instant every test clock starts at: tests never read today's date. */
export const TEST_START = new Date('2026-11-24T10:00:00.000Z');

/** A {@link Clock} that only moves when told: `sleep` advances it at once and records the pause. */
export interface TestClock extends Clock {
  /** Every pause asked for through `sleep`, in ms, in order. */
  readonly sleeps: readonly number[];
  /** Moves the clock forward by `ms` without recording a pause. */
  tick(ms: number): void;
  /** Back to the start instant, with no pauses recorded. */
  reset(): void;
}

/**
 * A test clock starting at {@link TEST_START} (or `start`). A 60-second grace pause costs no real time, and the
 * test can assert that it was asked for.
 * @example
 * const clock = testClock();
 * await clock.sleep(1000);
 * clock.sleeps; // [1000]
 * clock.now().toISOString(); // '2026-11-24T10:00:01.000Z'
 */
export function testClock(start: Date = TEST_START): TestClock {
  let current = start.getTime();
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => new Date(current),
    sleep: async (ms) => {
      sleeps.push(ms);
      current += Math.max(0, ms);
    },
    tick: (ms) => {
      current += ms;
    },
    reset: () => {
      current = start.getTime();
      sleeps.splice(0);
    },
  };
}
