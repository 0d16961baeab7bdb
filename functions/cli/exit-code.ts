import { EXIT_CODES } from '../core/constants.js';
import type { Severity } from '../core/types.js';
import { oneOf } from './args.js';

/**
 * `--fail-on`: the least severe finding that makes the exit code 2. `any` (the default) is any finding, `never` is
 * never (the exit code is then 0 unless the command could not run).
 */
const FAIL_ON_LEVELS = ['high', 'medium', 'low', 'warning', 'any', 'never'] as const;
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

export const FAIL_ON_HELP = `  --fail-on LEVEL      Exit 2 only for a finding at or above LEVEL: high, medium, low, warning, any
                       (default: any finding), or never (exit 0 unless it could not run).
                       Severity order: high > medium > low > warning`;

/** Most severe first. */
const RANK: Readonly<Record<Severity, number>> = { high: 0, medium: 1, low: 2, warning: 3 };

/** `--fail-on`'s value, `any` when not given; another word is refused, with the level it was probably meant to be. */
export function parseFailOn(value: string | undefined): FailOn {
  return oneOf('fail-on', value, FAIL_ON_LEVELS, 'any');
}

/** `2` when a finding of these severities reaches the `--fail-on` level, else `0`. */
export function exitCodeFor(severities: readonly Severity[], failOn: FailOn): number {
  const fails =
    failOn === 'never'
      ? false
      : failOn === 'any'
        ? severities.length > 0
        : severities.some((severity) => RANK[severity] <= RANK[failOn]);
  return fails ? EXIT_CODES.findings : EXIT_CODES.inSync;
}
