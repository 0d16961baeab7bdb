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

/**
 * The AWS error a failure carries: an {@link AwsCallError}'s own, else the error's name and message (a configuration
 * or programming error, which has no AWS code).
 */
export function awsErrorOf(error: unknown): AwsError {
  if (error instanceof AwsCallError) return error.awsError;
  if (error && typeof error === 'object' && 'awsError' in error)
    return (error as { awsError: AwsError }).awsError;
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return { code: name, message };
}
