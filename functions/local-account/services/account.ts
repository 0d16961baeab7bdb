import { ApiError, type OptInStatus } from '../state.js';
import type { ApiRequest, WireResponse } from './wire.js';

/** The Account API's name for each EC2 opt-in status. */
const ACCOUNT_OPT_STATUS: Readonly<Record<OptInStatus, string>> = {
  'opt-in-not-required': 'ENABLED_BY_DEFAULT',
  'opted-in': 'ENABLED',
  'not-opted-in': 'DISABLED',
};
const ACCOUNT_OPT_STATUSES: ReadonlySet<string> = new Set([
  'ENABLED',
  'ENABLING',
  'DISABLING',
  'DISABLED',
  'ENABLED_BY_DEFAULT',
]);
/** Regions per `ListRegions` page when `MaxResults` is not given (the local account's choice). */
const ACCOUNT_DEFAULT_PAGE = 20;

/**
 * The Account Management API over REST-JSON: `ListRegions` (`POST /listRegions`), every Region of the account with
 * its `RegionOptStatus`, filtered by `RegionOptStatusContains`, paged by `MaxResults` (1–50) and `NextToken`.
 * @see https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html
 */
export function serveAccount(
  regions: ReadonlyMap<string, OptInStatus>,
  { operation, json }: ApiRequest,
): WireResponse {
  if (operation !== 'ListRegions')
    throw new ApiError('UnknownOperationException', `Unknown operation ${operation}.`, 404);
  const wanted = json.RegionOptStatusContains;
  if (
    wanted !== undefined &&
    (!Array.isArray(wanted) || wanted.some((status) => !ACCOUNT_OPT_STATUSES.has(String(status))))
  ) {
    throw new ApiError('ValidationException', 'RegionOptStatusContains has an unknown status.');
  }
  const size = json.MaxResults === undefined ? ACCOUNT_DEFAULT_PAGE : Number(json.MaxResults);
  if (!Number.isInteger(size) || size < 1 || size > 50)
    throw new ApiError('ValidationException', 'MaxResults must be from 1 to 50.');
  const start = json.NextToken === undefined ? 0 : Number(json.NextToken);
  if (!Number.isInteger(start) || start < 0) throw new ApiError('ValidationException', 'Invalid NextToken.');

  const all = [...regions.entries()]
    .map(([name, status]) => ({ RegionName: name, RegionOptStatus: ACCOUNT_OPT_STATUS[status] }))
    .filter((region) => !Array.isArray(wanted) || wanted.includes(region.RegionOptStatus))
    .sort((a, b) => a.RegionName.localeCompare(b.RegionName));
  const end = start + size;
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      Regions: all.slice(start, end),
      ...(end < all.length ? { NextToken: String(end) } : {}),
    }),
  };
}
