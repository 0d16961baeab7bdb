import { type ParseArgsConfig, parseArgs } from 'node:util';
import { parseRegions } from '../config.js';
import { UsageError } from '../core/errors.js';
import { assertKnownRegions } from '../core/regions.js';
import { closestMatch } from '../core/suggest.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** The flags every command that calls AWS takes (after the command: `scan --no-color`). */
export const AWS_FLAGS = {
  profile: { type: 'string' },
  debug: { type: 'boolean' },
  'no-color': { type: 'boolean' },
} as const satisfies Options;

/** Their lines in a command's `--help`. */
export const AWS_FLAGS_HELP = `  --profile NAME       Use this profile of the AWS config and credentials files, even when access
                       keys are in the environment (as the AWS CLI does)
  --debug              Write each AWS call on stderr: service, operation, Region, duration, HTTP
                       status (never a credential, a signature or a webhook URL)
  --no-color           No colour, also on a terminal (so does NO_COLOR; colour is only ever used
                       when stdout is a terminal)`;

/** What {@link parseFlags} returns: each flag's value (a boolean flag's `true`, else its text), and the arguments. */
export interface ParsedFlags<T extends Options> {
  readonly values: { readonly [K in keyof T]?: T[K] extends { type: 'boolean' } ? boolean : string } & {
    readonly help?: boolean;
  };
  readonly positionals: string[];
}

/**
 * `parseArgs` with errors a person can act on: the bad flag, the flag it was probably meant to be, and where to read
 * about the good ones.
 */
export function parseFlags<T extends Options>(
  command: string,
  args: readonly string[],
  options: T,
  allowPositionals = false,
): ParsedFlags<T> {
  try {
    return parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals,
      strict: true,
    }) as unknown as ParsedFlags<T>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const see = `Run \`ecr-role-reconciler ${command} --help\` for the flags.`;
    const unknown = /^Unknown option '([^']+)'/.exec(reason)?.[1];
    if (unknown) {
      const flag = unknown.split('=')[0] ?? unknown;
      const near = closestMatch(flag, ['--help', ...Object.keys(options).map((name) => `--${name}`)]);
      throw new UsageError(`${command} has no flag ${flag}.${near ? ` Did you mean ${near}?` : ''}\n${see}`);
    }
    const positional = /^Unexpected argument '([^']+)'/.exec(reason)?.[1];
    if (positional) throw new UsageError(`${command} takes no argument (got "${positional}").\n${see}`);
    throw new UsageError(`${reason}\n${see}`);
  }
}

export function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  const near = closestMatch(value, allowed);
  throw new UsageError(
    `--${flag} must be one of ${allowed.join(', ')} (got "${value}"${near ? `; did you mean ${near}?` : ''}).`,
  );
}

/** A count, a port, a number of milliseconds: digits only, from `min` to `max`. */
export function wholeNumber(
  flag: string,
  value: string | undefined,
  fallback: number,
  { min, max }: { min: number; max: number },
): number {
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${flag} must be a whole number from ${min} to ${max} (got "${value}").`);
  }
  return parsed;
}

/** A duration in seconds: more than 0 (fractions allowed), at most `max`. */
export function seconds(flag: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0 || parsed > max) {
    throw new UsageError(
      `--${flag} must be a number of seconds greater than 0 and at most ${max} (got "${value}").`,
    );
  }
  return parsed;
}

/**
 * `a,b,c` from a flag or a variable → Region names, each one a Region some partition has (a misspelt Region is
 * refused with the closest known one); `undefined` when not given.
 */
export function knownRegions(value: string | undefined, source: string): string[] | undefined {
  const regions = parseRegions(value, source);
  if (regions) assertKnownRegions(regions, source);
  return regions;
}
