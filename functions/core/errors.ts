import type { AwsError } from './types.js';

/** An AWS call failed in a way the caller cannot turn into data. Carries the AWS error code and message. */
export class AwsCallError extends Error {
  override readonly name = 'AwsCallError';
  constructor(
    readonly operation: string,
    readonly awsError: AwsError,
    options?: { cause?: unknown },
  ) {
    super(`${operation} failed: ${awsError.code}: ${awsError.message}`, options);
  }
}

/**
 * The input is wrong (a flag, an option, an event file); the message says what and how to fix it. A setting the
 * reconciler cannot use (an environment variable, a construct prop) is a `ConfigError` (`functions/settings.ts`).
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
