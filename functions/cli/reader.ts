import { type AccountReaderOptions, createAccountReader } from '../adapters/account-reader.js';
import { ec2RegionLister } from '../adapters/regions.js';
import type { AccountReader } from '../core/ports.js';

/** The CLI's reader: unlike the Lambda functions, it can list the account's enabled Regions itself. */
export function cliAccountReader(options: Omit<AccountReaderOptions, 'regionLister'> = {}): AccountReader {
  return createAccountReader({ ...options, regionLister: ec2RegionLister() });
}
