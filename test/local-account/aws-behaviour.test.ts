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

describe('EC2 and STS', () => {
  it('lists only the Regions enabled for the account', async () => {
    // Act
    const { Regions = [] } = await new EC2Client(config('us-east-1')).send(
      new DescribeRegionsCommand({ AllRegions: false }),
    );

    // Assess
    expect(Regions.map((region) => region.RegionName).sort()).toEqual([
      'ap-southeast-2',
      'eu-west-1',
      'us-east-1',
    ]);
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
