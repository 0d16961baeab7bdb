import { type ApiRequest, JSON_ERROR_SERVICES } from './services/wire.js';
import { ApiError, type OptInStatus } from './state.js';

/**
 * What a matched call answers instead of its result, as the service itself would word it:
 * - `throttle`, `access-denied`, `server-error`: the service's own code for each (ECR `ThrottlingException`, EC2
 *   `RequestLimitExceeded`, the Account API and Organizations `TooManyRequestsException`, IAM/STS/SNS
 *   `Throttling`…);
 * - `timeout`: no answer at all, until the caller gives up;
 * - `unrecognized-client`: the service's answer to credentials it does not recognize (ECR, Organizations and the
 *   Account API `UnrecognizedClientException`, EC2 `AuthFailure`, the query services `InvalidClientTokenId`): a bad
 *   or expired token, while the Region's opt-in status stays what it is;
 * - `not-enabled`: the same answer, and when the fault names a Region, that Region is also not enabled as far as
 *   the account's Region lists can tell (EC2 `DescribeRegions` says `not-opted-in`, the Account API `ListRegions`
 *   says `DISABLED`) for as long as the fault stands: a Region the account has not enabled.
 */
export type Fault =
  | 'throttle'
  | 'access-denied'
  | 'server-error'
  | 'timeout'
  | 'unrecognized-client'
  | 'not-enabled';

/** Which calls a fault or a latency applies to; an unset field matches any. */
export interface CallMatch {
  /**
   * The account the call concerns (see `Call.account`): the one whose credentials signed it (the caller's, or a
   * member's through an assumed role), or for `AssumeRole` the account of the role assumed.
   */
  readonly account?: string;
  readonly service?: string;
  readonly region?: string;
  readonly operation?: string;
}

/** A call as faults and latencies see it: where it goes, and the account it is served from. */
export type MatchedCall = Pick<ApiRequest, 'service' | 'region' | 'operation'> & { readonly account: string };

/** A fault set on the account: the calls it matches, and how many more it answers (all, when unset). */
export type FaultRule = CallMatch & { fault: Fault; times?: number };

export function matches(match: CallMatch, request: MatchedCall): boolean {
  return (
    (match.account === undefined || match.account === request.account) &&
    (match.service === undefined || match.service === request.service) &&
    (match.region === undefined || match.region === request.region) &&
    (match.operation === undefined || match.operation === request.operation)
  );
}

export function sameMatch(a: CallMatch, b: CallMatch): boolean {
  return (
    a.account === b.account && a.service === b.service && a.region === b.region && a.operation === b.operation
  );
}

/**
 * An account's Regions as its Region lists report them: a `not-enabled` fault naming a Region (and this account,
 * or no account) disables it.
 */
export function optInStatuses(
  regions: ReadonlyMap<string, OptInStatus>,
  faults: readonly FaultRule[],
  account: string,
): ReadonlyMap<string, OptInStatus> {
  const statuses = new Map(regions);
  for (const fault of faults) {
    const forAccount = fault.account === undefined || fault.account === account;
    if (fault.fault === 'not-enabled' && fault.region !== undefined && forAccount)
      statuses.set(fault.region, 'not-opted-in');
  }
  return statuses;
}

/** The refusal `service` answers a fault with. */
export function faultError(fault: Exclude<Fault, 'timeout'>, service: string): ApiError {
  switch (fault) {
    case 'throttle':
      if (service === 'ecr') return new ApiError('ThrottlingException', 'Rate exceeded');
      if (service === 'organizations') return new ApiError('TooManyRequestsException', 'Rate exceeded', 429);
      if (service === 'account') return new ApiError('TooManyRequestsException', 'Rate exceeded', 429);
      if (service === 'ec2') return new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
      return new ApiError('Throttling', 'Rate exceeded');
    case 'access-denied':
      if (service === 'organizations') return organizationsAccessDenied();
      if (service === 'ecr')
        return new ApiError('AccessDeniedException', 'User is not authorized to perform this operation');
      if (service === 'account')
        return new ApiError('AccessDeniedException', 'User is not authorized to perform this operation', 403);
      if (service === 'ec2')
        return new ApiError(
          'UnauthorizedOperation',
          'You are not authorized to perform this operation.',
          403,
        );
      return new ApiError('AccessDenied', 'User is not authorized to perform this action', 403);
    case 'server-error':
      if (service === 'ecr') return new ApiError('ServerException', 'Service is unavailable', 503);
      if (service === 'organizations')
        return new ApiError(
          'ServiceException',
          "AWS Organizations can't complete your request because of an internal service error. Try again later.",
          500,
        );
      if (service === 'account') return new ApiError('InternalServerException', 'Internal failure', 500);
      return new ApiError('ServiceUnavailable', 'Service is unavailable', 503);
    case 'unrecognized-client':
    case 'not-enabled':
      return unrecognizedClient(service);
  }
}

/** Organizations' refusal of a caller that is neither its management account nor a delegated administrator. */
export function organizationsAccessDenied(): ApiError {
  return new ApiError('AccessDeniedException', "You don't have permissions to access this resource.", 403);
}

/** Each service's answer to credentials it does not recognize (a bad or expired token, or a disabled Region). */
export function unrecognizedClient(service: string): ApiError {
  const invalid = 'The security token included in the request is invalid.';
  if (service === 'ecr' || service === 'organizations')
    return new ApiError('UnrecognizedClientException', invalid);
  if (service === 'account') return new ApiError('UnrecognizedClientException', invalid, 403);
  if (service === 'ec2')
    return new ApiError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
  return new ApiError('InvalidClientTokenId', invalid, 403);
}

/**
 * Each service's answer to a request signed with temporary credentials that have expired: the AWS JSON services
 * `ExpiredTokenException` (HTTP 400), the Account API the same code in REST-JSON (403), EC2 `RequestExpired`, the
 * query services (IAM, STS, SNS) `ExpiredToken` (403).
 */
export function expiredToken(service: string): ApiError {
  const expired = 'The security token included in the request is expired';
  if (JSON_ERROR_SERVICES.has(service)) return new ApiError('ExpiredTokenException', expired);
  if (service === 'account') return new ApiError('ExpiredTokenException', expired, 403);
  if (service === 'ec2') return new ApiError('RequestExpired', 'Request has expired.');
  return new ApiError('ExpiredToken', expired, 403);
}
