import { AccountClient, ListRegionsCommand, type Region } from '@aws-sdk/client-account';
import { AwsCallError } from '../core/errors.js';
import { iamRegionFor } from '../core/partition.js';
import type { RegionOptIn } from '../core/ports.js';
import type { RegionOptInReader } from './account-reader.js';
import { callWithin } from './aws-error.js';

/** How long `ListRegions` may take, every page and the SDK's retries included, unless told otherwise. */
const DEFAULT_ACCOUNT_REGIONS_TIMEOUT_MS = 10_000;

/** The largest page `ListRegions` gives. */
const PAGE_SIZE = 50;

/** The Account API's `RegionOptStatus` values; any other (or none) leaves the Region's status unknown. */
const OPT_IN_BY_ACCOUNT_STATUS: Readonly<Record<string, RegionOptIn>> = {
  ENABLED: 'enabled',
  ENABLED_BY_DEFAULT: 'enabled',
  DISABLED: 'not-enabled',
  // A Region being disabled may still hold replication: neither state is concluded while it changes.
  ENABLING: 'changing',
  DISABLING: 'changing',
};

/**
 * The opt-in status of the caller's account's Regions, from the Account Management API `ListRegions`, following
 * `NextToken` to the last page (a page may be empty and still carry a token). `ENABLED` and `ENABLED_BY_DEFAULT`
 * are enabled, `DISABLED` is not, `ENABLING` and `DISABLING` are changing; a Region with another status is left out
 * (unknown). One timeout covers every page.
 *
 * Needs `account:ListRegions` (resource `arn:${Partition}:account::${Account}:account`).
 *
 * @throws {AwsCallError} when the list cannot be read whole (access denied, throttled, timeout, an endpoint that
 *   does not serve the Account API…): a partial list is never returned
 * @see https://docs.aws.amazon.com/accounts/latest/reference/API_ListRegions.html
 * @example
 * const optIn = await readAccountRegionOptIn(new AccountClient({ region: 'us-east-1' }));
 * optIn.get('me-south-1'); // → 'not-enabled'
 */
export async function readAccountRegionOptIn(
  client: AccountClient,
  timeoutMs = DEFAULT_ACCOUNT_REGIONS_TIMEOUT_MS,
): Promise<Map<string, RegionOptIn>> {
  const listed = await callWithin('ListRegions', timeoutMs, (abortSignal) => listPages(client, abortSignal));
  if (!listed.ok) throw new AwsCallError('ListRegions', listed.error, { cause: listed.cause });
  if ('repeatedToken' in listed.output) {
    throw new AwsCallError('ListRegions', {
      code: 'InvalidResponse',
      message: `ListRegions gave the NextToken ${listed.output.repeatedToken} twice`,
    });
  }
  const optIn = new Map<string, RegionOptIn>();
  for (const { RegionName: name, RegionOptStatus: status } of listed.output.regions) {
    const known = status === undefined ? undefined : OPT_IN_BY_ACCOUNT_STATUS[status];
    if (name && known) optIn.set(name, known);
  }
  return optIn;
}

/**
 * Every page of `ListRegions`, following `NextToken` until there is none; stops at a token given twice (a service
 * that would loop forever) and says which.
 */
async function listPages(
  client: AccountClient,
  abortSignal: AbortSignal,
): Promise<{ readonly regions: Region[] } | { readonly repeatedToken: string }> {
  const regions: Region[] = [];
  const tokens = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListRegionsCommand({ MaxResults: PAGE_SIZE, ...(nextToken ? { NextToken: nextToken } : {}) }),
      { abortSignal },
    );
    regions.push(...(page.Regions ?? []));
    nextToken = page.NextToken || undefined;
    if (nextToken !== undefined && tokens.has(nextToken)) return { repeatedToken: nextToken };
    if (nextToken !== undefined) tokens.add(nextToken);
  } while (nextToken !== undefined);
  return { regions };
}

/**
 * The Lambda functions' opt-in source: the Account Management API, a global service, called in the home Region's
 * partition (as IAM is: `us-east-1` in `aws`). Its client is made on first use and kept; the status is read afresh
 * on every call, since a Region's opt-in status changes.
 *
 * @example
 * createAccountReader({ regionOptIn: accountRegionOptIn() });
 */
export function accountRegionOptIn(
  makeClient: (region: string) => AccountClient = (region) => new AccountClient({ region }),
): RegionOptInReader {
  const clients = new Map<string, AccountClient>();
  return (homeRegion, timeoutMs) => {
    const region = iamRegionFor(homeRegion);
    const client = clients.get(region) ?? makeClient(region);
    clients.set(region, client);
    return readAccountRegionOptIn(client, timeoutMs);
  };
}
