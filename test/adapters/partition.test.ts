import { describe, expect, it } from 'vitest';
import { iamRegionFor, partitionOfRegion } from '../../functions/adapters/partition.js';

describe('partitionOfRegion', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['ap-southeast-5', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-east-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
  ])('puts %s in %s', (region, partition) => {
    // Act
    const found = partitionOfRegion(region);

    // Assess
    expect(found).toBe(partition);
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
  ])('calls IAM for home Region %s in %s', (home, iamRegion) => {
    // Act
    const region = iamRegionFor(home);

    // Assess
    expect(region).toBe(iamRegion);
  });
});
