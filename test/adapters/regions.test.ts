import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ec2Regions, listEnabledRegions, readEc2Regions } from '../../functions/adapters/regions.js';
import { AwsCallError } from '../../functions/core/errors.js';

const ec2Mock = mockClient(EC2Client);
const client = () => new EC2Client({ region: 'us-east-1' });

describe('listEnabledRegions', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('asks for every Region and returns the enabled ones’ names, sorted', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'opted-in' },
        { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
      ],
    });

    // Act
    const regions = await listEnabledRegions(client());

    // Assess
    expect(regions).toEqual(['af-south-1', 'eu-west-1', 'us-east-1']);
    // All Regions, so that the same answer also gives each one's opt-in status.
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)[0]?.args[0].input).toEqual({ AllRegions: true });
  });

  it('drops Regions not opted in, unnamed entries and duplicates; keeps a Region of unknown status, to read it', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'us-east-1' },
        { RegionName: 'il-central-1' },
        { OptInStatus: 'opted-in' },
      ],
    });

    // Act
    const regions = await listEnabledRegions(client());

    // Assess
    // A Region whose status is not given is read rather than skipped: skipping could hide a replicating Region.
    expect(regions).toEqual(['il-central-1', 'us-east-1']);
  });

  it('returns no Regions when EC2 lists none', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({});

    // Act
    const regions = await listEnabledRegions(client());

    // Assess
    expect(regions).toEqual([]);
  });

  it('throws an AwsCallError naming the operation and the AWS error', async () => {
    // Prepare
    const denied = new EC2ServiceException({
      name: 'UnauthorizedOperation',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'You are not authorized to perform this operation.',
    });
    ec2Mock.on(DescribeRegionsCommand).rejects(denied);

    // Act
    const listing = listEnabledRegions(client());

    // Assess
    await expect(listing).rejects.toBeInstanceOf(AwsCallError);
    await expect(listing).rejects.toMatchObject({
      operation: 'DescribeRegions',
      awsError: {
        code: 'UnauthorizedOperation',
        message: 'You are not authorized to perform this operation.',
      },
      cause: denied,
    });
  });

  it('reports a listing cut short by its timeout as Timeout, not as the bare AbortError', async () => {
    // Prepare
    // The timeout has already fired: no waiting on the clock.
    vi.spyOn(AbortSignal, 'timeout').mockReturnValue(AbortSignal.abort());
    // What @smithy/node-http-handler rejects with when the call's signal fires.
    const aborted = Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    ec2Mock.on(DescribeRegionsCommand).rejects(aborted);

    // Act
    const listing = listEnabledRegions(client(), 2_500);

    // Assess
    await expect(listing).rejects.toMatchObject({
      name: 'AwsCallError',
      operation: 'DescribeRegions',
      awsError: { code: 'Timeout', message: 'DescribeRegions did not answer within 2500 ms' },
      cause: aborted,
    });
    expect(AbortSignal.timeout).toHaveBeenCalledWith(2_500);
  });
});

describe('readEc2Regions', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('gives each Region’s opt-in status: opted in or not required is enabled, not opted in is not', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'opted-in' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'il-central-1' },
        { RegionName: 'mx-central-1', OptInStatus: 'some-future-status' },
      ],
    });

    // Act
    const regions = await readEc2Regions(client());

    // Assess
    expect(regions.enabled).toEqual(['af-south-1', 'il-central-1', 'mx-central-1', 'us-east-1']);
    // A status it does not know is left out of the map: that Region's status is unknown, never "not enabled".
    expect(Object.fromEntries(regions.optIn)).toEqual({
      'us-east-1': 'enabled',
      'af-south-1': 'enabled',
      'me-south-1': 'not-enabled',
    });
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)).toHaveLength(1);
  });

  it('throws an AwsCallError naming DescribeRegions when EC2 refuses', async () => {
    // Prepare
    const throttled = new EC2ServiceException({
      name: 'RequestLimitExceeded',
      $fault: 'client',
      $metadata: { httpStatusCode: 503 },
      message: 'Request limit exceeded.',
    });
    ec2Mock.on(DescribeRegionsCommand).rejects(throttled);

    // Act
    const reading = readEc2Regions(client());

    // Assess
    await expect(reading).rejects.toBeInstanceOf(AwsCallError);
    await expect(reading).rejects.toMatchObject({
      operation: 'DescribeRegions',
      awsError: { code: 'RequestLimitExceeded', message: 'Request limit exceeded.' },
    });
  });
});

describe('ec2Regions', () => {
  beforeEach(() => {
    ec2Mock.reset();
  });

  it('serves the enabled Regions and their opt-in status from one DescribeRegions call', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
      ],
    });
    const { regionLister, regionOptIn } = ec2Regions();

    // Act
    const [listed, optIn] = await Promise.all([
      regionLister('us-east-1', 1_000),
      regionOptIn('us-east-1', 1_000),
    ]);
    const again = await regionOptIn('us-east-1', 1_000);

    // Assess
    expect(listed).toEqual(['us-east-1']);
    expect(Object.fromEntries(optIn)).toEqual({ 'us-east-1': 'enabled', 'me-south-1': 'not-enabled' });
    expect(again).toBe(optIn);
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)).toHaveLength(1);
  });

  it('asks again after a failure instead of keeping it', async () => {
    // Prepare
    ec2Mock
      .on(DescribeRegionsCommand)
      .rejectsOnce(
        new EC2ServiceException({
          name: 'RequestLimitExceeded',
          $fault: 'client',
          $metadata: { httpStatusCode: 503 },
          message: 'Request limit exceeded.',
        }),
      )
      .resolves({ Regions: [{ RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' }] });
    const { regionLister } = ec2Regions();

    // Act
    const first = await regionLister('us-east-1', 1_000).catch((error: unknown) => error);
    const second = await regionLister('us-east-1', 1_000);

    // Assess
    expect(first).toBeInstanceOf(AwsCallError);
    expect(second).toEqual(['us-east-1']);
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)).toHaveLength(2);
  });
});
