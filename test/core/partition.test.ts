import { describe, expect, it } from 'vitest';
import { IAM_REGION_BY_PARTITION, iamRegionFor, partitionOfRegion } from '../../functions/core/partition.js';
import { KNOWN_REGIONS } from '../../functions/core/regions.js';

describe('partitionOfRegion', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['ap-southeast-5', 'aws'],
    ['mx-central-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-iso-west-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['us-isob-west-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['us-isof-east-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])('puts %s in %s', (region, partition) => {
    // Act
    const found = partitionOfRegion(region);

    // Assess
    expect(found).toBe(partition);
  });

  it('puts every known Region in the partition that lists it', () => {
    // Act
    const misplaced = Object.entries(KNOWN_REGIONS).flatMap(([partition, regions]) =>
      regions
        .filter((region) => partitionOfRegion(region) !== partition)
        .map((region) => `${region} ∉ ${partition}`),
    );

    // Assess
    expect(Object.keys(KNOWN_REGIONS).length).toBeGreaterThanOrEqual(8);
    expect(misplaced).toEqual([]);
  });

  it('puts a name it does not know, or none, in aws', () => {
    // Act
    const found = ['', 'local', 'moon-base-1'].map(partitionOfRegion);

    // Assess
    expect(found).toEqual(['aws', 'aws', 'aws']);
  });
});

describe('iamRegionFor', () => {
  it.each([
    ['eu-west-1', 'us-east-1'],
    ['us-east-1', 'us-east-1'],
    ['cn-northwest-1', 'cn-north-1'],
    ['us-gov-east-1', 'us-gov-west-1'],
    // No fixed signing Region known here: the SDK's endpoint rules resolve the partition's global endpoint.
    ['us-iso-west-1', 'us-iso-west-1'],
    ['us-isob-east-1', 'us-isob-east-1'],
    ['eu-isoe-west-1', 'eu-isoe-west-1'],
    ['us-isof-south-1', 'us-isof-south-1'],
    ['eusc-de-east-1', 'eusc-de-east-1'],
  ])('calls IAM for home Region %s in %s', (home, iamRegion) => {
    // Act
    const region = iamRegionFor(home);

    // Assess
    expect(region).toBe(iamRegion);
  });

  it('signs IAM in a Region of the partition it names', () => {
    // Act
    const mismatched = Object.entries(IAM_REGION_BY_PARTITION).filter(
      ([partition, region]) => partitionOfRegion(region) !== partition,
    );

    // Assess
    expect(mismatched).toEqual([]);
  });
});
