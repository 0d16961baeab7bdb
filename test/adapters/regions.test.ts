import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listEnabledRegions } from '../../functions/adapters/regions.js';
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

  it('asks for the enabled Regions only and returns their names, sorted', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'af-south-1', OptInStatus: 'opted-in' },
        { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
      ],
    });

    // Act
    const regions = await listEnabledRegions(client());

    // Assess
    expect(regions).toEqual(['af-south-1', 'eu-west-1', 'us-east-1']);
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)[0]?.args[0].input).toEqual({ AllRegions: false });
  });

  it('drops Regions not opted in, unnamed entries and duplicates, should an endpoint return them', async () => {
    // Prepare
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
        { RegionName: 'us-east-1' },
        { OptInStatus: 'opted-in' },
      ],
    });

    // Act
    const regions = await listEnabledRegions(client());

    // Assess
    expect(regions).toEqual(['us-east-1']);
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
