import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { iamRegionFor } from '../core/partition.js';
import type { AccountReader, RegionOptIn } from '../core/ports.js';
import { ConfigError, ENV } from '../settings.js';
import { DEFAULT_REGION_TIMEOUT_MS, readRegistry } from './ecr-registry.js';
import { readDeletionTask, readRole } from './iam-role.js';
import { readIdentity } from './identity.js';

/** Builds the SDK clients; each is called once per Region it is needed in. Tests inject their own. */
export interface AccountReaderClients {
  readonly ecr?: ((region: string) => ECRClient) | undefined;
  readonly iam?: ((region: string) => IAMClient) | undefined;
  readonly sts?: ((region: string) => STSClient) | undefined;
}

/**
 * Lists the Regions enabled for the account, sorted, asking in the home Region; throws an `AwsCallError` when it
 * cannot. Kept apart from the reader so that a build that is always given its Regions (the Lambda functions) does
 * not carry the EC2 client.
 */
export type RegionLister = (homeRegion: string, timeoutMs: number) => Promise<string[]>;

/**
 * Reads the account's Regions and their opt-in status, asking from the home Region (its partition); throws an
 * `AwsCallError` when it cannot. See `ec2Regions` (CLI) and `accountRegionOptIn` (Lambda).
 */
export type RegionOptInReader = (
  homeRegion: string,
  timeoutMs: number,
) => Promise<ReadonlyMap<string, RegionOptIn>>;

export interface AccountReaderOptions {
  /**
   * The Region the enabled Regions and STS are asked in; its partition picks the IAM endpoint.
   * @default the SDK's own Region chain (`AWS_REGION`, the profile's `region`), else `us-east-1`
   */
  readonly homeRegion?: string | undefined;
  /** How long each Region's `DescribeRegistry` may take, retries included. @default 10_000 */
  readonly regionTimeoutMs?: number | undefined;
  /** How long each IAM, EC2, Account API and STS read may take, retries included. @default 10_000 */
  readonly callTimeoutMs?: number | undefined;
  /** Attempts per call. @default the SDK's (`AWS_MAX_ATTEMPTS`, else 3) */
  readonly maxAttempts?: number | undefined;
  readonly clients?: AccountReaderClients | undefined;
  /**
   * How the enabled Regions are listed (see `ec2RegionLister`). Without one, `listRegions` fails with a message
   * that says to name the Regions.
   */
  readonly regionLister?: RegionLister | undefined;
  /**
   * How the Regions' opt-in status is read (see `ec2Regions`, `accountRegionOptIn`). Without one, `regionOptIn`
   * fails, and a Region that answers `UnrecognizedClientException` stays `unreadable`.
   */
  readonly regionOptIn?: RegionOptInReader | undefined;
}

/** How long each IAM, Region-listing and STS read may take unless told otherwise. */
export const DEFAULT_CALL_TIMEOUT_MS = 10_000;

/** The home Region when neither the options nor the SDK's Region chain name one. */
export const DEFAULT_HOME_REGION = 'us-east-1';

/**
 * An {@link AccountReader} over the AWS SDK v3 clients. Each client is created once, on first use; ECR gets one
 * client per Region.
 *
 * Clients are given only a Region (and `maxAttempts` when set), never `endpoint` or `credentials`, so the standard
 * credential chain, `AWS_PROFILE`, `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` keep working: that is how a
 * local endpoint or an emulator is reached.
 *
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
 * @example
 * const reader = createAccountReader({ homeRegion: 'eu-west-1', regionTimeoutMs: 5_000 });
 * const regions = await reader.listRegions();
 */
export function createAccountReader(options: AccountReaderOptions = {}): AccountReader {
  const config = options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts };
  const make = {
    ecr: options.clients?.ecr ?? ((region: string) => new ECRClient({ region, ...config })),
    iam: options.clients?.iam ?? ((region: string) => new IAMClient({ region, ...config })),
    sts: options.clients?.sts ?? ((region: string) => new STSClient({ region, ...config })),
  };
  const regionTimeoutMs = options.regionTimeoutMs ?? DEFAULT_REGION_TIMEOUT_MS;
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;

  const homeRegion = once(async () => options.homeRegion ?? (await regionFromSdkChain()));
  const sts = once(async () => make.sts(await homeRegion()));
  // IAM is global: its client is pinned to the signing Region of the home Region's partition.
  const iam = once(async () => make.iam(iamRegionFor(await homeRegion())));
  const ecrByRegion = new Map<string, ECRClient>();
  const ecr = (region: string): ECRClient => {
    const client = ecrByRegion.get(region) ?? make.ecr(region);
    ecrByRegion.set(region, client);
    return client;
  };

  return {
    identity: async () => readIdentity(await sts(), callTimeoutMs),
    listRegions: async () => {
      if (!options.regionLister) throw new ConfigError(ENV.regions, NO_REGION_LISTER);
      return options.regionLister(await homeRegion(), callTimeoutMs);
    },
    regionOptIn: async () => {
      if (!options.regionOptIn) throw new Error(NO_OPT_IN_READER);
      return options.regionOptIn(await homeRegion(), callTimeoutMs);
    },
    readRegistry: async (region) => readRegistry(ecr(region), region, regionTimeoutMs),
    readRole: async () => readRole(await iam(), callTimeoutMs),
    readDeletionTask: async (taskId) => readDeletionTask(await iam(), taskId, callTimeoutMs),
  };
}

/**
 * The Region an SDK client would use when given none (`AWS_REGION`, then the profile's `region`), read off a client
 * that makes no call; `us-east-1` when nothing names one, where `DescribeRegions` and STS answer for any account.
 */
async function regionFromSdkChain(): Promise<string> {
  try {
    return await new STSClient({}).config.region();
  } catch {
    return DEFAULT_HOME_REGION;
  }
}

/** A setting to fix: the Regions must be named where nothing can list them. */
const NO_REGION_LISTER = `this build does not list the enabled Regions: name the Regions to read (${ENV.regions})`;

/** A fault of the code that built the reader, not of AWS or of a setting. */
const NO_OPT_IN_READER = 'this reader was given no way to read the Regions’ opt-in status';

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}
