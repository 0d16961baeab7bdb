import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  IAMClient,
  NoSuchEntityException,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccountReader } from '../../functions/adapters/account-reader.js';
import { ec2Regions } from '../../functions/adapters/regions.js';

const ACCOUNT = '123456789012';
const ecrMock = mockClient(ECRClient);
const iamMock = mockClient(IAMClient);
const ec2Mock = mockClient(EC2Client);
const stsMock = mockClient(STSClient);

/** Client factories that build the real clients and record the Region each was built for. */
function recordingClients() {
  const made = { ecr: [] as string[], iam: [] as string[], ec2: [] as string[], sts: [] as string[] };
  const recording =
    <T>(made: string[], make: (region: string) => T) =>
    (region: string): T => {
      made.push(region);
      return make(region);
    };
  return {
    made,
    clients: {
      ecr: recording(made.ecr, (region) => new ECRClient({ region })),
      iam: recording(made.iam, (region) => new IAMClient({ region })),
      sts: recording(made.sts, (region) => new STSClient({ region })),
    },
    ...ec2Regions(recording(made.ec2, (region) => new EC2Client({ region }))),
  };
}

describe('createAccountReader', () => {
  beforeEach(() => {
    for (const mock of [ecrMock, iamMock, ec2Mock, stsMock]) mock.reset();
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT });
    iamMock.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: 'none', $metadata: {} }));
    iamMock.on(GetServiceLinkedRoleDeletionStatusCommand).resolves({ Status: 'IN_PROGRESS' });
    ec2Mock.on(DescribeRegionsCommand).resolves({
      Regions: [
        { RegionName: 'eu-west-1', OptInStatus: 'opt-in-not-required' },
        { RegionName: 'me-south-1', OptInStatus: 'not-opted-in' },
      ],
    });
    stsMock
      .on(GetCallerIdentityCommand)
      .resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/ci` });
  });

  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it.each([
    ['eu-west-1', 'us-east-1'],
    ['cn-northwest-1', 'cn-north-1'],
    ['us-gov-east-1', 'us-gov-west-1'],
  ])('calls IAM, a global service, for home Region %s in %s', async (homeRegion, iamRegion) => {
    // Prepare
    const { made, clients } = recordingClients();
    const reader = createAccountReader({ homeRegion, clients });

    // Act
    await reader.readRole();

    // Assess
    expect(made.iam).toEqual([iamRegion]);
  });

  it('builds its default IAM client in the partition’s IAM Region', async () => {
    // Prepare
    const regions: string[] = [];
    iamMock.on(GetRoleCommand).callsFake(async (_input, getClient) => {
      regions.push(await getClient().config.region());
      throw new NoSuchEntityException({ message: 'none', $metadata: {} });
    });
    const reader = createAccountReader({ homeRegion: 'us-gov-east-1' });

    // Act
    const read = await reader.readRole();

    // Assess
    expect(read).toEqual({ outcome: 'absent' });
    expect(regions).toEqual(['us-gov-west-1']);
  });

  it('calls EC2 and STS in the home Region', async () => {
    // Prepare
    const { made, clients, regionLister, regionOptIn } = recordingClients();
    const reader = createAccountReader({ homeRegion: 'ap-southeast-2', clients, regionLister, regionOptIn });

    // Act
    const regions = await reader.listRegions();
    const optIn = await reader.regionOptIn();
    const identity = await reader.identity();

    // Assess
    expect(regions).toEqual(['eu-west-1']);
    expect(Object.fromEntries(optIn)).toEqual({ 'eu-west-1': 'enabled', 'me-south-1': 'not-enabled' });
    expect(identity).toEqual({ account: ACCOUNT, partition: 'aws' });
    expect(made.ec2).toEqual(['ap-southeast-2']);
    // One DescribeRegions answers both.
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)).toHaveLength(1);
    expect(made.sts).toEqual(['ap-southeast-2']);
  });

  it('creates each client once, and one ECR client per Region', async () => {
    // Prepare
    const { made, clients, regionLister, regionOptIn } = recordingClients();
    const reader = createAccountReader({ homeRegion: 'us-east-1', clients, regionLister, regionOptIn });

    // Act
    await Promise.all([
      reader.readRegistry('eu-west-1'),
      reader.readRegistry('us-east-1'),
      reader.readRole(),
      reader.readDeletionTask('task/x'),
      reader.listRegions(),
      reader.listRegions(),
      reader.regionOptIn(),
      reader.identity(),
    ]);
    await reader.readRegistry('eu-west-1');
    await reader.readRole();
    await reader.identity();

    // Assess
    expect(made).toEqual({
      ecr: ['eu-west-1', 'us-east-1'],
      iam: ['us-east-1'],
      ec2: ['us-east-1'],
      sts: ['us-east-1'],
    });
    expect(ecrMock.commandCalls(DescribeRegistryCommand)).toHaveLength(3);
    expect(ec2Mock.commandCalls(DescribeRegionsCommand)).toHaveLength(1);
  });

  it('reads each Region with the ECR client of that Region', async () => {
    // Prepare
    ecrMock.on(DescribeRegistryCommand).callsFake(async (_input, getClient) => ({
      registryId: ACCOUNT,
      replicationConfiguration: {
        rules: [{ destinations: [{ region: await getClient().config.region() }] }],
      },
    }));
    const reader = createAccountReader({ homeRegion: 'us-east-1' });

    // Act
    const read = await reader.readRegistry('sa-east-1');

    // Assess
    expect(read).toMatchObject({
      region: 'sa-east-1',
      outcome: 'read',
      replicationConfiguration: { rules: [{ destinations: [{ region: 'sa-east-1' }] }] },
    });
  });

  it('passes maxAttempts to the clients only when given', async () => {
    // Prepare
    vi.stubEnv('AWS_MAX_ATTEMPTS', '7');
    const attempts: number[] = [];
    ecrMock.on(DescribeRegistryCommand).callsFake(async (_input, getClient) => {
      attempts.push(await getClient().config.maxAttempts());
      return { registryId: ACCOUNT };
    });

    // Act
    await createAccountReader({ homeRegion: 'us-east-1', maxAttempts: 2 }).readRegistry('eu-west-1');
    await createAccountReader({ homeRegion: 'us-east-1' }).readRegistry('eu-west-1');

    // Assess
    expect(attempts).toEqual([2, 7]);
  });

  it('takes the home Region from the SDK’s Region chain when none is given', async () => {
    // Prepare
    vi.stubEnv('AWS_REGION', 'cn-northwest-1');
    const { made, clients, regionLister, regionOptIn } = recordingClients();
    const reader = createAccountReader({ clients, regionLister, regionOptIn });

    // Act
    await reader.listRegions();
    await reader.readRole();

    // Assess
    expect(made.ec2).toEqual(['cn-northwest-1']);
    expect(made.iam).toEqual(['cn-north-1']);
  });

  it('uses us-east-1 when nothing names a Region', async () => {
    // Prepare
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/aws/config');
    vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/aws/credentials');
    const { made, clients, regionLister, regionOptIn } = recordingClients();
    const reader = createAccountReader({ clients, regionLister, regionOptIn });

    // Act
    await reader.listRegions();

    // Assess
    expect(made.ec2).toEqual(['us-east-1']);
  });

  it('without a Region lister, says to name the Regions instead of reading none', async () => {
    // Prepare
    const reader = createAccountReader({ homeRegion: 'us-east-1' });

    // Act
    const listing = reader.listRegions();

    // Assess
    await expect(listing).rejects.toMatchObject({
      name: 'ConfigError',
      setting: 'RECONCILER_REGIONS',
      message: expect.stringContaining('RECONCILER_REGIONS'),
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('without an opt-in source, says the opt-in status cannot be read instead of guessing it', async () => {
    // Prepare
    const reader = createAccountReader({ homeRegion: 'us-east-1' });

    // Act
    const reading = reader.regionOptIn();

    // Assess
    await expect(reading).rejects.toMatchObject({
      name: 'Error',
      message: expect.stringContaining('opt-in status'),
    });
    expect(ec2Mock.calls()).toHaveLength(0);
  });

  it('asks its opt-in source in the home Region, with the call timeout', async () => {
    // Prepare
    const asked: [string, number][] = [];
    const reader = createAccountReader({
      homeRegion: 'eu-central-1',
      callTimeoutMs: 2_500,
      regionOptIn: async (homeRegion, timeoutMs) => {
        asked.push([homeRegion, timeoutMs]);
        return new Map([['eu-central-1', 'enabled' as const]]);
      },
    });

    // Act
    const optIn = await reader.regionOptIn();

    // Assess
    expect(Object.fromEntries(optIn)).toEqual({ 'eu-central-1': 'enabled' });
    expect(asked).toEqual([['eu-central-1', 2_500]]);
  });
});
