import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { AwsCallError } from '../core/errors.js';
import type { RegionOptIn } from '../core/ports.js';
import type { RegionLister, RegionOptInReader } from './account-reader.js';
import { callWithin } from './aws-error.js';

/** How long `DescribeRegions` may take, the SDK's retries included, unless told otherwise. */
const DEFAULT_REGIONS_TIMEOUT_MS = 10_000;

/** The account's Regions as one `DescribeRegions` call reports them. */
export interface Ec2Regions {
  /** The Regions to read, sorted: every Region not `not-opted-in` (one whose status is not given included). */
  readonly enabled: readonly string[];
  /** Each Region whose `OptInStatus` is known, with its status. */
  readonly optIn: ReadonlyMap<string, RegionOptIn>;
}

/** EC2's `OptInStatus` values; any other (or none) leaves the Region's status unknown. */
const OPT_IN_BY_EC2_STATUS: Readonly<Record<string, RegionOptIn>> = {
  'opt-in-not-required': 'enabled',
  'opted-in': 'enabled',
  'not-opted-in': 'not-enabled',
};

/**
 * The account's Regions and their opt-in status from one EC2 `DescribeRegions` call with `AllRegions: true`:
 * `opt-in-not-required` and `opted-in` are enabled, `not-opted-in` is not.
 *
 * A Region listed without a status it knows is still in `enabled` (it is read: skipping it could hide a replicating
 * Region) but not in `optIn` (its status is unknown, never taken as "not enabled").
 *
 * @throws {AwsCallError} when the Regions cannot be read (access denied, throttled, timeout…)
 * @see https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeRegions.html
 * @example
 * const { enabled, optIn } = await readEc2Regions(new EC2Client({ region: 'us-east-1' }));
 * // enabled → ['ap-northeast-1', …, 'us-west-2']; optIn.get('me-south-1') → 'not-enabled'
 */
export async function readEc2Regions(
  client: EC2Client,
  timeoutMs = DEFAULT_REGIONS_TIMEOUT_MS,
): Promise<Ec2Regions> {
  const described = await callWithin('DescribeRegions', timeoutMs, (abortSignal) =>
    client.send(new DescribeRegionsCommand({ AllRegions: true }), { abortSignal }),
  );
  if (!described.ok) throw new AwsCallError('DescribeRegions', described.error, { cause: described.cause });
  const enabled = new Set<string>();
  const optIn = new Map<string, RegionOptIn>();
  for (const { RegionName: name, OptInStatus: status } of described.output.Regions ?? []) {
    if (!name) continue;
    const known = status === undefined ? undefined : OPT_IN_BY_EC2_STATUS[status];
    if (known) optIn.set(name, known);
    if (known !== 'not-enabled') enabled.add(name);
  }
  return { enabled: [...enabled].sort(), optIn };
}

/**
 * The Regions enabled for the account, sorted (see {@link readEc2Regions}).
 *
 * @throws {AwsCallError} when the Regions cannot be read
 * @example
 * await listEnabledRegions(new EC2Client({ region: 'us-east-1' })); // → ['ap-northeast-1', …, 'us-west-2']
 */
export async function listEnabledRegions(
  client: EC2Client,
  timeoutMs = DEFAULT_REGIONS_TIMEOUT_MS,
): Promise<string[]> {
  return [...(await readEc2Regions(client, timeoutMs)).enabled];
}

/**
 * The CLI's Region sources over EC2 `DescribeRegions`: the enabled Regions and their opt-in status, both served by
 * one call per home Region, made on first use and kept for the life of this object (one reader, one scan or one
 * `handle` run). A failed call is not kept: the next use asks again.
 *
 * @example
 * createAccountReader({ ...ec2Regions() });
 */
export function ec2Regions(
  makeClient: (region: string) => EC2Client = (region) => new EC2Client({ region }),
): {
  readonly regionLister: RegionLister;
  readonly regionOptIn: RegionOptInReader;
} {
  const clients = new Map<string, EC2Client>();
  const answers = new Map<string, Promise<Ec2Regions>>();
  const read = (homeRegion: string, timeoutMs: number): Promise<Ec2Regions> => {
    const kept = answers.get(homeRegion);
    if (kept) return kept;
    const client = clients.get(homeRegion) ?? makeClient(homeRegion);
    clients.set(homeRegion, client);
    const answer = readEc2Regions(client, timeoutMs);
    answers.set(homeRegion, answer);
    answer.catch(() => {
      if (answers.get(homeRegion) === answer) answers.delete(homeRegion);
    });
    return answer;
  };
  return {
    regionLister: async (homeRegion, timeoutMs) => [...(await read(homeRegion, timeoutMs)).enabled],
    regionOptIn: async (homeRegion, timeoutMs) => (await read(homeRegion, timeoutMs)).optIn,
  };
}
