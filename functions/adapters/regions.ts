import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AwsCallError } from '../core/errors.js';
import type { RegionLister } from './account-reader.js';
import { describeCallError } from './aws-error.js';

/** How long `DescribeRegions` may take, the SDK's retries included, unless told otherwise. */
export const DEFAULT_REGIONS_TIMEOUT_MS = 10_000;

/**
 * The Regions enabled for the account, sorted: EC2 `DescribeRegions` with `AllRegions: false`, which by definition
 * returns the Regions enabled for the account (`opt-in-not-required` and `opted-in`). Asking for all Regions and
 * filtering on `OptInStatus` would give the same set from a larger answer; the status is still checked, so an
 * endpoint that ignores `AllRegions` cannot slip in a Region that is `not-opted-in`.
 *
 * @throws {AwsCallError} when the Regions cannot be read (access denied, throttled, timeout…)
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
 * @example
 * await listEnabledRegions(new EC2Client({ region: 'us-east-1' })); // → ['ap-northeast-1', …, 'us-west-2']
 */
export async function listEnabledRegions(
  client: EC2Client,
  timeoutMs = DEFAULT_REGIONS_TIMEOUT_MS,
): Promise<string[]> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const { Regions = [] } = await client.send(new DescribeRegionsCommand({ AllRegions: false }), {
      abortSignal: signal,
    });
    const enabled = Regions.filter((region) => region.OptInStatus !== 'not-opted-in').map(
      (region) => region.RegionName,
    );
    return [...new Set(enabled.filter((name): name is string => Boolean(name)))].sort();
  } catch (error) {
    throw new AwsCallError(
      'DescribeRegions',
      describeCallError(error, signal, 'DescribeRegions', timeoutMs),
      {
        cause: error,
      },
    );
  }
}

/**
 * A {@link RegionLister} over EC2 `DescribeRegions`, with one client for the home Region, made on first use.
 *
 * @example
 * createAccountReader({ regionLister: ec2RegionLister() });
 */
export function ec2RegionLister(
  makeClient: (region: string) => EC2Client = (region) => new EC2Client({ region }),
): RegionLister {
  const clients = new Map<string, EC2Client>();
  return (homeRegion, timeoutMs) => {
    const client = clients.get(homeRegion) ?? makeClient(homeRegion);
    clients.set(homeRegion, client);
    return listEnabledRegions(client, timeoutMs);
  };
}
