import { type AccountReaderOptions, createAccountReader } from '../adapters/account-reader.js';
import { ec2Regions } from '../adapters/regions.js';
import type { AccountReader } from '../core/ports.js';

/**
 * The CLI's reader: unlike the Lambda functions, it can list the account's enabled Regions itself. One EC2
 * `DescribeRegions` (all Regions, with their opt-in status) serves both the list and, when the Regions are given, the
 * opt-in status of a Region that answers `UnrecognizedClientException`.
 */
export function cliAccountReader(
  options: Omit<AccountReaderOptions, 'regionLister' | 'regionOptIn'> = {},
): AccountReader {
  return createAccountReader({ ...options, ...ec2Regions() });
}
