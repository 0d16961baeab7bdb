import type { AccountReaderOptions } from '../adapters/account-reader.js';
import type { AccountReader } from '../core/ports.js';
import type { SdkSetup } from './aws.js';

/**
 * The CLI's reader: unlike the Lambda functions, it can list the account's enabled Regions itself. One EC2
 * `DescribeRegions` (all Regions, with their opt-in status) serves both the list and, when the Regions are given, the
 * opt-in status of a Region that answers `UnrecognizedClientException`.
 *
 * The AWS SDK is loaded on first use, not with this module, because loading it is most of a command's start-up: a
 * command that stops before reading (`--help`, a bad flag) loads none of it, and the EC2 client, by far the largest
 * (2 MB of CommonJS, against 150 KB for ECR), only when the Regions are listed or their opt-in status is read.
 */
export function cliAccountReader(
  options: Omit<AccountReaderOptions, 'regionLister' | 'regionOptIn'> = {},
  /** `--profile` and `--debug`: the clients are then built by `./aws.ts`. */
  sdk?: SdkSetup,
): AccountReader {
  const ec2 = once(async () =>
    (await import('../adapters/regions.js')).ec2Regions(
      sdk ? await (await import('./aws.js')).ec2Clients(sdk) : undefined,
    ),
  );
  const reader = once(async () =>
    (await import('../adapters/account-reader.js')).createAccountReader({
      ...options,
      ...(sdk ? { clients: await (await import('./aws.js')).readerClients(sdk) } : {}),
      regionLister: async (homeRegion, timeoutMs) => (await ec2()).regionLister(homeRegion, timeoutMs),
      regionOptIn: async (homeRegion, timeoutMs) => (await ec2()).regionOptIn(homeRegion, timeoutMs),
    }),
  );
  return {
    identity: async () => (await reader()).identity(),
    listRegions: async () => (await reader()).listRegions(),
    regionOptIn: async () => (await reader()).regionOptIn(),
    readRegistry: async (region) => (await reader()).readRegistry(region),
    readRole: async () => (await reader()).readRole(),
    readDeletionTask: async (taskId) => (await reader()).readDeletionTask(taskId),
  };
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make();
    return made;
  };
}
