import { AccountClient, ListRegionsCommand, paginateListRegions } from '@aws-sdk/client-account';
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRegistryCommand, ECRClient, PutReplicationConfigurationCommand } from '@aws-sdk/client-ecr';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteServiceLinkedRoleCommand,
  GetRoleCommand,
  GetServiceLinkedRoleDeletionStatusCommand,
  IAMClient,
  NoSuchEntityException,
  paginateListAttachedRolePolicies,
  UnmodifiableEntityException,
} from '@aws-sdk/client-iam';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { managedPolicyArn, REPLICATION_ROLE } from '../../functions/core/constants.js';
import type { LocalAccountOptions } from '../../functions/local-account/index.js';
import { runCli } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * The local account as the unmodified SDK clients see it: what it must do the way AWS documents it, because `scan`,
 * the demo and the benchmarks rely on it standing in for a real account.
 */

const REGIONS: LocalAccountOptions['regions'] = [
  'us-east-1',
  'eu-west-1',
  'ap-southeast-2',
  { name: 'af-south-1', optInStatus: 'not-opted-in' },
  { name: 'me-central-1', optInStatus: 'opted-in' },
];
const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' };
const account = useLocalAccount({ regions: REGIONS });

const config = (region: string) => ({
  region,
  endpoint: account.url,
  credentials: CREDENTIALS,
  maxAttempts: 1,
});
const ecr = (region: string) => new ECRClient(config(region));
const ec2 = () => new EC2Client(config('us-east-1'));
const accountApi = () => new AccountClient(config('us-east-1'));
const ec2OptIn = async () => {
  const { Regions = [] } = await ec2().send(new DescribeRegionsCommand({ AllRegions: true }));
  return Object.fromEntries(Regions.map((region) => [region.RegionName, region.OptInStatus]));
};
const accountOptIn = async () => {
  const { Regions = [] } = await accountApi().send(new ListRegionsCommand({}));
  return Object.fromEntries(Regions.map((region) => [region.RegionName, region.RegionOptStatus]));
};
const iam = () => new IAMClient(config('us-east-1'));
const rules = (to: string) => [{ destinations: [{ region: to, registryId: account.accountId }] }];
const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('ECR', () => {
  it('keeps replication per Region, by the Region the request is signed for', async () => {
    // Act
    await ecr('eu-west-1').send(
      new PutReplicationConfigurationCommand({ replicationConfiguration: { rules: rules('us-east-1') } }),
    );
    const inIreland = await ecr('eu-west-1').send(new DescribeRegistryCommand({}));
    const inVirginia = await ecr('us-east-1').send(new DescribeRegistryCommand({}));

    // Assess
    expect(inIreland.registryId).toBe(account.accountId);
    expect(inIreland.replicationConfiguration?.rules).toEqual(rules('us-east-1'));
    expect(inVirginia.replicationConfiguration?.rules ?? []).toEqual([]);
  });

  it('creates the service-linked role when replication is configured and the role is missing', async () => {
    // Prepare
    expect(await errorOf(iam().send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name })))).toBeInstanceOf(
      NoSuchEntityException,
    );

    // Act
    await ecr('ap-southeast-2').send(
      new PutReplicationConfigurationCommand({ replicationConfiguration: { rules: rules('eu-west-1') } }),
    );

    // Assess
    const { Role: role } = await iam().send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name }));
    expect(role?.Path).toBe(REPLICATION_ROLE.path);
    expect(decodeURIComponent(role?.AssumeRolePolicyDocument ?? '')).toContain(
      REPLICATION_ROLE.servicePrincipal,
    );
    const attached = [];
    for await (const page of paginateListAttachedRolePolicies(
      { client: iam() },
      { RoleName: REPLICATION_ROLE.name },
    )) {
      attached.push(...(page.AttachedPolicies ?? []).map((policy) => policy.PolicyArn));
    }
    expect(attached).toEqual([managedPolicyArn()]);
  });

  it('answers UnrecognizedClientException in a Region the account has not enabled', async () => {
    // Act
    const error = await errorOf(ecr('af-south-1').send(new DescribeRegistryCommand({})));

    // Assess
    expect(error).toMatchObject({ name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 400 } });
  });
});

describe('IAM', () => {
  it('fails the deletion of a role still used by replication, naming the Regions', async () => {
    // Prepare
    account.putReplication('eu-west-1', rules('us-east-1'));
    account.putReplication('ap-southeast-2', rules('us-east-1'));

    // Act
    const { DeletionTaskId } = await iam().send(
      new DeleteServiceLinkedRoleCommand({ RoleName: REPLICATION_ROLE.name }),
    );
    const status = await iam().send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }));

    // Assess
    expect(status.Status).toBe('FAILED');
    expect(status.Reason?.RoleUsageList?.map((usage) => usage.Region).sort()).toEqual([
      'ap-southeast-2',
      'eu-west-1',
    ]);
    expect((await iam().send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name }))).Role).toBeDefined();
  });

  it('deletes the role once no Region replicates', async () => {
    // Prepare
    account.createServiceLinkedRole();

    // Act
    const { DeletionTaskId } = await iam().send(
      new DeleteServiceLinkedRoleCommand({ RoleName: REPLICATION_ROLE.name }),
    );
    const status = await iam().send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }));

    // Assess
    expect(status.Status).toBe('SUCCEEDED');
    expect(await errorOf(iam().send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name })))).toBeInstanceOf(
      NoSuchEntityException,
    );
  });

  it('refuses to edit or delete the protected service-linked role', async () => {
    // Prepare
    account.createServiceLinkedRole();

    // Act
    const attach = await errorOf(
      iam().send(
        new AttachRolePolicyCommand({
          RoleName: REPLICATION_ROLE.name,
          PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      ),
    );
    const remove = await errorOf(iam().send(new DeleteRoleCommand({ RoleName: REPLICATION_ROLE.name })));

    // Assess
    expect(attach).toBeInstanceOf(UnmodifiableEntityException);
    expect(remove).toBeInstanceOf(UnmodifiableEntityException);
  });

  it('pages attached policies the way the SDK paginator follows them', async () => {
    // Prepare
    await iam().send(
      new CreateRoleCommand({ RoleName: 'many-policies', Path: '/', AssumeRolePolicyDocument: '{}' }),
    );
    const arns = Array.from({ length: 7 }, (_, i) => `arn:aws:iam::${account.accountId}:policy/p${i}`);
    for (const arn of arns) account.attachPolicy('many-policies', arn);

    // Act
    const pages: string[][] = [];
    for await (const page of paginateListAttachedRolePolicies(
      { client: iam(), pageSize: 3 },
      { RoleName: 'many-policies' },
    )) {
      pages.push((page.AttachedPolicies ?? []).map((policy) => policy.PolicyArn ?? ''));
    }

    // Assess
    expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
    expect(pages.flat()).toEqual(arns);
  });
});

describe('EC2, the Account API and STS', () => {
  it.each([
    ['false', false],
    ['absent', undefined],
  ])('lists only the Regions enabled for the account when AllRegions is %s', async (_label, allRegions) => {
    // Act
    const { Regions = [] } = await ec2().send(
      new DescribeRegionsCommand(allRegions === undefined ? {} : { AllRegions: allRegions }),
    );

    // Assess
    expect(Regions.map((region) => region.RegionName).sort()).toEqual([
      'ap-southeast-2',
      'eu-west-1',
      'me-central-1',
      'us-east-1',
    ]);
  });

  it('lists every Region with its OptInStatus when AllRegions is true', async () => {
    // Act
    const optIn = await ec2OptIn();

    // Assess
    expect(optIn).toEqual({
      'us-east-1': 'opt-in-not-required',
      'eu-west-1': 'opt-in-not-required',
      'ap-southeast-2': 'opt-in-not-required',
      'af-south-1': 'not-opted-in',
      'me-central-1': 'opted-in',
    });
  });

  it('answers Account ListRegions with each Region’s RegionOptStatus, sorted', async () => {
    // Act
    const { Regions, NextToken } = await accountApi().send(new ListRegionsCommand({ MaxResults: 50 }));

    // Assess
    expect(Regions).toEqual([
      { RegionName: 'af-south-1', RegionOptStatus: 'DISABLED' },
      { RegionName: 'ap-southeast-2', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'eu-west-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
      { RegionName: 'me-central-1', RegionOptStatus: 'ENABLED' },
      { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
    ]);
    expect(NextToken).toBeUndefined();
  });

  it('pages Account ListRegions by MaxResults and NextToken, and filters by RegionOptStatusContains', async () => {
    // Act
    const pages: string[][] = [];
    for await (const page of paginateListRegions({ client: accountApi(), pageSize: 2 }, {})) {
      pages.push((page.Regions ?? []).map((region) => region.RegionName ?? ''));
    }
    const enabled = await accountApi().send(
      new ListRegionsCommand({ RegionOptStatusContains: ['ENABLED', 'ENABLED_BY_DEFAULT'] }),
    );
    const tooMany = await errorOf(accountApi().send(new ListRegionsCommand({ MaxResults: 51 })));

    // Assess
    expect(pages.map((page) => page.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(['af-south-1', 'ap-southeast-2', 'eu-west-1', 'me-central-1', 'us-east-1']);
    expect(enabled.Regions?.map((region) => region.RegionName)).toEqual([
      'ap-southeast-2',
      'eu-west-1',
      'me-central-1',
      'us-east-1',
    ]);
    expect(tooMany).toMatchObject({ name: 'ValidationException' });
  });

  it('names the account', async () => {
    // Act
    const identity = await new STSClient(config('us-east-1')).send(new GetCallerIdentityCommand({}));

    // Assess
    expect(identity.Account).toBe(account.accountId);
  });
});

describe('SQS', () => {
  it('keeps what is sent to a queue it made, with the delay, and refuses an unknown queue', async () => {
    // Prepare
    const queueUrl = account.createQueue('grace');
    const client = new SQSClient(config('us-east-1'));
    const before = account.queued.length;

    // Act
    const sent = await client.send(
      new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"eventId":"e-1"}', DelaySeconds: 90 }),
    );
    const unknown = await errorOf(
      client.send(new SendMessageCommand({ QueueUrl: `${queueUrl}-missing`, MessageBody: '{}' })),
    );

    // Assess
    expect(sent.MessageId).toBeTruthy();
    expect(account.queued.slice(before)).toEqual([{ queueUrl, body: '{"eventId":"e-1"}', delaySeconds: 90 }]);
    expect(unknown).toMatchObject({ name: 'QueueDoesNotExist' });
  });
});

describe('faults and latency', () => {
  it.each([
    ['throttle', 'ThrottlingException'],
    ['access-denied', 'AccessDeniedException'],
    ['server-error', 'ServerException'],
    ['unrecognized-client', 'UnrecognizedClientException'],
    ['not-enabled', 'UnrecognizedClientException'],
  ] as const)('injects %s in one Region and operation only', async (fault, name) => {
    // Prepare
    account.setFault({ service: 'ecr', region: 'eu-west-1', operation: 'DescribeRegistry', fault });

    // Act
    const faulty = await errorOf(ecr('eu-west-1').send(new DescribeRegistryCommand({})));
    const other = await ecr('us-east-1').send(new DescribeRegistryCommand({}));

    // Assess
    expect(faulty).toMatchObject({ name });
    expect(other.registryId).toBe(account.accountId);
  });

  it.each([
    ['throttle', 'RequestLimitExceeded', 'TooManyRequestsException', 'Throttling'],
    ['access-denied', 'UnauthorizedOperation', 'AccessDeniedException', 'AccessDenied'],
    ['server-error', 'ServiceUnavailable', 'InternalServerException', 'ServiceUnavailable'],
    ['unrecognized-client', 'AuthFailure', 'UnrecognizedClientException', 'InvalidClientTokenId'],
  ] as const)(
    'answers %s on EC2, the Account API and IAM in each one’s own words',
    async (fault, ec2Code, accountCode, iamCode) => {
      // Prepare
      for (const service of ['ec2', 'account', 'iam']) account.setFault({ service, fault });

      // Act
      const fromEc2 = await errorOf(ec2().send(new DescribeRegionsCommand({ AllRegions: true })));
      const fromAccount = await errorOf(accountApi().send(new ListRegionsCommand({})));
      const fromIam = await errorOf(iam().send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name })));

      // Assess
      expect(fromEc2).toMatchObject({ name: ec2Code });
      expect(fromAccount).toMatchObject({ name: accountCode });
      expect(fromIam).toMatchObject({ name: iamCode });
    },
  );

  it('a bad token in an enabled Region: ECR refuses it, the Region lists still say it is enabled', async () => {
    // Prepare
    account.setFault({ service: 'ecr', region: 'eu-west-1', fault: 'unrecognized-client' });

    // Act
    const refused = await errorOf(ecr('eu-west-1').send(new DescribeRegistryCommand({})));

    // Assess
    expect(refused).toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 400 },
    });
    expect((await ec2OptIn())['eu-west-1']).toBe('opt-in-not-required');
    expect((await accountOptIn())['eu-west-1']).toBe('ENABLED_BY_DEFAULT');
  });

  it('a Region made not enabled: ECR refuses it and the Region lists say so, until the fault is cleared', async () => {
    // Prepare
    account.setFault({ service: 'ecr', region: 'me-central-1', fault: 'not-enabled' });

    // Act
    const refused = await errorOf(ecr('me-central-1').send(new DescribeRegistryCommand({})));
    const listed = await ec2().send(new DescribeRegionsCommand({}));
    const [ec2Status, accountStatus] = [
      (await ec2OptIn())['me-central-1'],
      (await accountOptIn())['me-central-1'],
    ];
    account.clearFaults();

    // Assess
    expect(refused).toMatchObject({ name: 'UnrecognizedClientException' });
    expect(listed.Regions?.map((region) => region.RegionName)).not.toContain('me-central-1');
    expect([ec2Status, accountStatus]).toEqual(['not-opted-in', 'DISABLED']);
    expect((await accountOptIn())['me-central-1']).toBe('ENABLED');
  });

  it('leaves a call unanswered on a timeout fault, until the caller gives up', async () => {
    // Prepare
    account.setFault({ service: 'ecr', region: 'eu-west-1', fault: 'timeout' });

    // Act
    const error = await errorOf(
      ecr('eu-west-1').send(new DescribeRegistryCommand({}), { abortSignal: AbortSignal.timeout(200) }),
    );

    // Assess
    expect(error).toMatchObject({ name: expect.stringMatching(/Abort|Timeout/) });
  });

  it('applies a fault a given number of times, then answers again', async () => {
    // Prepare
    account.setFault({ service: 'iam', operation: 'GetRole', fault: 'throttle', times: 1 });
    account.createServiceLinkedRole();

    // Act
    const first = await errorOf(iam().send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name })));
    const second = await iam().send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name }));

    // Assess
    expect(first).toMatchObject({ name: 'Throttling' });
    expect(second.Role?.RoleName).toBe(REPLICATION_ROLE.name);
  });

  it('delays answers by the injected latency, and records each call with its Region', async () => {
    // Prepare
    const farRegion = { service: 'ecr', region: 'ap-southeast-2' };
    account.setLatency(150, farRegion);
    account.resetCalls();
    const started = performance.now();

    // Act
    await ecr('ap-southeast-2').send(new DescribeRegistryCommand({}));
    account.setLatency(0, farRegion);

    // Assess
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(account.calls).toEqual([
      expect.objectContaining({ service: 'ecr', region: 'ap-southeast-2', operation: 'DescribeRegistry' }),
    ]);
  });
});

describe('Slack webhook sink', () => {
  it('records what it accepts, and answers as told', async () => {
    // Prepare
    account.slackRespond({ status: 429, headers: { 'retry-after': '1' } });
    const before = account.slackMessages.length;
    const post = (text: string) =>
      fetch(account.slackWebhookUrl, { method: 'POST', body: JSON.stringify({ text }) });

    // Act
    const limited = await post('first');
    const accepted = await post('second');

    // Assess
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
    expect(accepted.status).toBe(200);
    expect(account.slackMessages.slice(before).map((message) => message.body)).toEqual([{ text: 'second' }]);
  });
});

describe('local-account command', () => {
  it('explains itself with --help', async () => {
    // Act
    const run = await runCli(['local-account', '--help'], {});

    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Usage: ecr-role-reconciler local-account/);
    expect(run.stdout).toContain('--latency-ms');
  });
});
