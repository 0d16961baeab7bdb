import { setTimeout as wait } from 'node:timers/promises';

/**
 * Time, as the reconciler sees it. Every decision that depends on time (event memory, claims, reminders, the grace
 * pause, report stamps) takes it from a `Clock` given by the code that wires the dependencies, so that one
 * reconcile reads one clock and tests give the code its time.
 */
export interface Clock {
  now(): Date;
  /** Waits `ms` milliseconds of this clock's time. */
  sleep(ms: number): Promise<void>;
}

/** The only place that reads the system clock (a test over the sources holds every other module to that). */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => wait(ms),
};
