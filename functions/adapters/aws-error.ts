import type { AwsError } from '../core/types.js';

/**
 * The code and message of an error thrown by an SDK v3 client.
 *
 * SDK v3 sets `name` to the AWS error code (the exception shape's name, modelled or not). Older serializers and a few
 * hand-made errors leave `name` as the generic `Error` and carry the code in `Code` (query/XML protocols) or `__type`
 * (JSON protocols, sometimes qualified as `namespace#Code`), so those are read as fallbacks. Network failures
 * surface as plain Node errors whose `code` (`ECONNREFUSED`, `ENOTFOUND`…) is the only useful name.
 *
 * @see https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/handling-exceptions.html
 * @example
 * describeAwsError(new NoSuchEntityException({ message: 'not found', $metadata: {} }));
 * // → { code: 'NoSuchEntityException', message: 'not found' }
 */
export function describeAwsError(err: unknown): AwsError {
  if (typeof err !== 'object' || err === null) return { code: 'UnknownError', message: String(err) };
  const unparseable = unparseableResponse(err);
  if (unparseable) return unparseable;
  const fields = err as {
    name?: unknown;
    Code?: unknown;
    __type?: unknown;
    code?: unknown;
    message?: unknown;
    Message?: unknown;
  };
  const name = nonEmpty(fields.name);
  const code =
    (name !== 'Error' ? name : undefined) ??
    nonEmpty(fields.Code) ??
    shortType(nonEmpty(fields.__type)) ??
    nonEmpty(fields.code) ??
    name ??
    'UnknownError';
  const message = nonEmpty(fields.message) ?? nonEmpty(fields.Message) ?? code;
  return { code, message };
}

/**
 * Like {@link describeAwsError}, but a call cut short by its own timeout signal is reported as code `Timeout`.
 *
 * The SDK's HTTP handler rejects an aborted request with a bare `AbortError` ("Request aborted") that says nothing
 * about why, so the signal the call was given is the only reliable witness that the timeout fired.
 */
export function describeCallError(
  err: unknown,
  signal: AbortSignal,
  operation: string,
  timeoutMs: number,
): AwsError {
  if (signal.aborted) {
    return {
      code: 'Timeout',
      message: `${operation} did not answer within ${timeoutMs} ms`,
    };
  }
  return describeAwsError(err);
}

/** What {@link callWithin} gives back: the call's output, or its error described, with the error itself. */
export type CallOutcome<T> =
  | { readonly ok: true; readonly output: T }
  | { readonly ok: false; readonly error: AwsError; readonly cause: unknown };

/**
 * Makes an AWS call under one deadline and describes its failure. `call` is given an abort signal that fires after
 * `timeoutMs`: pass it to every `send` (or paginator) it makes, so that the deadline covers the SDK's retries and
 * every page. Never throws: a failure comes back as its AWS error (see {@link describeCallError}: `Timeout` when the
 * deadline cut the call short), with what was thrown as `cause`.
 *
 * @example
 * const read = await callWithin('DescribeRegistry', 10_000, (abortSignal) =>
 *   ecr.send(new DescribeRegistryCommand({}), { abortSignal }),
 * );
 * if (!read.ok) throw new AwsCallError('DescribeRegistry', read.error, { cause: read.cause });
 */
export async function callWithin<T>(
  operation: string,
  timeoutMs: number,
  call: (abortSignal: AbortSignal) => Promise<T>,
): Promise<CallOutcome<T>> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    return { ok: true, output: await call(signal) };
  } catch (error) {
    return { ok: false, error: describeCallError(error, signal, operation, timeoutMs), cause: error };
  }
}

/**
 * Is this IAM's "no such role" answer? That is data (the role is absent), not a failure. Takes what the SDK threw
 * or the {@link AwsError} describing it (a call cut short by its deadline is `Timeout`, never absent).
 */
export function isAbsent(err: unknown): boolean {
  return describeAwsError(err).code === 'NoSuchEntityException';
}

/**
 * An answer the client could not parse: the SDK rejects with the parser's `SyntaxError`, carrying the HTTP status in
 * `$metadata` and the raw response in `$response`. That is what an endpoint that does not serve the operation gives
 * (an emulator's HTML 404 page, a proxy's error page), so it is named as such rather than as a `SyntaxError`.
 */
function unparseableResponse(err: object): AwsError | undefined {
  if (!(err instanceof SyntaxError) || !('$response' in err)) return undefined;
  const status = (err as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  const firstLine = err.message.split('\n')[0] ?? '';
  return {
    code: 'UnparseableResponse',
    message: `the endpoint answered${typeof status === 'number' ? ` HTTP ${status}` : ''} with something that is not this service's answer (${firstLine})`,
  };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** `com.amazon.coral.service#UnrecognizedClientException` → `UnrecognizedClientException` (and `Code:url` → `Code`). */
function shortType(type: string | undefined): string | undefined {
  return type?.split('#').pop()?.split(':')[0] || undefined;
}
