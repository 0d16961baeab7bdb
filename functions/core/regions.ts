import { UsageError } from './errors.js';
import { closestMatch } from './suggest.js';

/**
 * The Regions of each AWS partition: the one list the CLI checks Region names against and the local account is
 * built from. From the partitions file of the AWS SDK for JavaScript v3 (`@aws-sdk/core` 3.1169,
 * `util-endpoints/lib/aws/partitions`); add a Region here when AWS opens one.
 * @see https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
export const KNOWN_REGIONS = {
  aws: [
    'af-south-1',
    'ap-east-1',
    'ap-east-2',
    'ap-northeast-1',
    'ap-northeast-2',
    'ap-northeast-3',
    'ap-south-1',
    'ap-south-2',
    'ap-southeast-1',
    'ap-southeast-2',
    'ap-southeast-3',
    'ap-southeast-4',
    'ap-southeast-5',
    'ap-southeast-6',
    'ap-southeast-7',
    'ca-central-1',
    'ca-west-1',
    'eu-central-1',
    'eu-central-2',
    'eu-north-1',
    'eu-south-1',
    'eu-south-2',
    'eu-west-1',
    'eu-west-2',
    'eu-west-3',
    'il-central-1',
    'me-central-1',
    'me-south-1',
    'me-west-1',
    'mx-central-1',
    'sa-east-1',
    'sa-west-1',
    'us-east-1',
    'us-east-2',
    'us-west-1',
    'us-west-2',
  ],
  'aws-cn': ['cn-north-1', 'cn-northwest-1'],
  'aws-eusc': ['eusc-de-east-1'],
  'aws-iso': ['us-iso-east-1', 'us-iso-west-1'],
  'aws-iso-b': ['us-isob-east-1', 'us-isob-west-1'],
  'aws-iso-e': ['eu-isoe-west-1'],
  'aws-iso-f': ['us-isof-east-1', 'us-isof-south-1'],
  'aws-us-gov': ['us-gov-east-1', 'us-gov-west-1'],
} as const satisfies Readonly<Record<string, readonly string[]>>;

/**
 * The 17 commercial Regions enabled by default in every account (opt-in not required); the others of `aws` must be
 * enabled by the account.
 * @see https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-regions.html
 */
export const DEFAULT_ENABLED_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'sa-east-1',
] as const;

const ALL_KNOWN: readonly string[] = Object.values(KNOWN_REGIONS).flat();
const KNOWN: ReadonlySet<string> = new Set(ALL_KNOWN);

/**
 * Refuses Region names no partition has, naming for each the closest known Region: a misspelt Region would
 * otherwise be read, fail, and be judged `not-enabled` or `unreadable`.
 * @throws {UsageError} naming `source` (a flag or a variable), the unknown names and what each was likely meant to be
 * @example
 * assertKnownRegions(['eu-wst-1'], '--regions');
 * // throws: --regions: eu-wst-1 is not an AWS Region (did you mean eu-west-1?). …
 */
export function assertKnownRegions(regions: readonly string[], source: string): void {
  const unknown = regions.filter((region) => !KNOWN.has(region));
  if (unknown.length === 0) return;
  const described = unknown.map((region) => {
    const near = closestMatch(region, ALL_KNOWN);
    return `${region} is not an AWS Region${near ? ` (did you mean ${near}?)` : ''}`;
  });
  throw new UsageError(
    `${source}: ${described.join('; ')}. Give Region codes separated by commas, e.g. us-east-1,eu-west-1 ` +
      '(`aws ec2 describe-regions --all-regions` lists them).',
  );
}
