/**
 * Region-name prefixes of the partitions other than `aws`, most specific first (`us-isob-` before `us-iso-`). They
 * follow the `regionRegex` of each partition in the SDK's endpoint rules (`partitions.json`).
 *
 * @see https://github.com/aws/aws-sdk-js-v3/blob/main/packages/util-endpoints/src/lib/aws/partitions.json
 */
const PARTITION_BY_PREFIX: readonly (readonly [prefix: string, partition: string])[] = [
  ['cn-', 'aws-cn'],
  ['us-gov-', 'aws-us-gov'],
  ['us-isob-', 'aws-iso-b'],
  ['us-isof-', 'aws-iso-f'],
  ['us-iso-', 'aws-iso'],
  ['eu-isoe-', 'aws-iso-e'],
  ['eusc-', 'aws-eusc'],
];

/**
 * The partition a Region belongs to, from its name: `cn-*`, `us-gov-*`, the isolated `us-iso-*`, `us-isob-*`,
 * `eu-isoe-*`, `us-isof-*`, the European Sovereign Cloud `eusc-*`, else `aws`.
 *
 * @see https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html
 * @example
 * partitionOfRegion('cn-northwest-1'); // → 'aws-cn'
 * partitionOfRegion('eu-west-1'); // → 'aws'
 */
export function partitionOfRegion(region: string): string {
  return PARTITION_BY_PREFIX.find(([prefix]) => region.startsWith(prefix))?.[1] ?? 'aws';
}

/**
 * The Region IAM is called in, per partition. IAM is a global service with one endpoint per partition, signed for
 * a fixed Region of that partition.
 *
 * @see https://docs.aws.amazon.com/general/latest/gr/iam-service.html
 */
export const IAM_REGION_BY_PARTITION: Readonly<Record<string, string>> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
};

/**
 * The Region for an IAM client in the partition of `homeRegion`. For a partition not in
 * {@link IAM_REGION_BY_PARTITION}, the home Region itself: the SDK's IAM endpoint rules resolve any Region of a
 * partition to that partition's global endpoint and signing Region.
 *
 * @example
 * iamRegionFor('eu-west-1'); // → 'us-east-1'
 * iamRegionFor('cn-northwest-1'); // → 'cn-north-1'
 */
export function iamRegionFor(homeRegion: string): string {
  return IAM_REGION_BY_PARTITION[partitionOfRegion(homeRegion)] ?? homeRegion;
}
