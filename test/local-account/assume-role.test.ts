import { DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import { MEMBER_READ_ROLE_NAME } from '../../functions/core/permissions.js';
import { TEST_START } from '../support/clock.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * STS AssumeRole as the unmodified SDK clients see it: the credentials it issues read the member account they
 * belong to, and it refuses as STS does (one AccessDenied whatever the reason, ValidationError for bad input,
 * ExpiredToken(Exception) once the session has expired).
 */

const MEMBER = '111111111111';
const OTHER = '222222222222';
const CALLER_KEYS = { accessKeyId: 'local', secretAccessKey: 'local' };
const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1'] });

const config = (credentials: AwsCredentialIdentity, region = 'us-east-1') => ({
  region,
  endpoint: account.url,
  credentials,
  maxAttempts: 1,
});
const sts = (credentials: AwsCredentialIdentity = CALLER_KEYS) => new STSClient(config(credentials));
const readRoleArn = (id: string) => `arn:aws:iam::${id}:role/${MEMBER_READ_ROLE_NAME}`;
const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** Assumes the read role of `id` with the caller's keys; the credentials, as an SDK client takes them. */
async function assume(id: string, input: Partial<AssumeRoleCommand['input']> = {}) {
  const answer = await sts().send(
    new AssumeRoleCommand({ RoleArn: readRoleArn(id), RoleSessionName: 'reader', ...input }),
  );
  const issued = answer.Credentials;
  const credentials = {
    accessKeyId: issued?.AccessKeyId ?? '',
    secretAccessKey: issued?.SecretAccessKey ?? '',
    sessionToken: issued?.SessionToken ?? '',
  };
  return { answer, credentials };
}

function denial(roleArn: string, by = `arn:aws:iam::${account.accountId}:user/local`) {
  return {
    name: 'AccessDenied',
    message: `User: ${by} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    $metadata: { httpStatusCode: 403 },
  };
}

describe('AssumeRole', () => {
  it("issues credentials that read the member's own state, as AWS shapes them", async () => {
    // Prepare
    const member = account.addAccount({ id: MEMBER, name: 'prod-eu' });
    member.putReplication('eu-west-1', [{ destinations: [{ region: 'us-east-1', registryId: MEMBER }] }]);
    member.createReadRole();

    // Act
    const { answer, credentials } = await assume(MEMBER);
    const registry = await new ECRClient(config(credentials, 'eu-west-1')).send(
      new DescribeRegistryCommand({}),
    );
    const { Role: role } = await new IAMClient(config(credentials)).send(
      new GetRoleCommand({ RoleName: REPLICATION_ROLE.name }),
    );
    const callerRegistry = await new ECRClient(config(CALLER_KEYS, 'eu-west-1')).send(
      new DescribeRegistryCommand({}),
    );
    const identity = await sts(credentials).send(new GetCallerIdentityCommand({}));

    // Assess
    expect(answer.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z0-9]{16}$/);
    expect(answer.Credentials?.SecretAccessKey).toBeTruthy();
    expect(answer.Credentials?.SessionToken).toBeTruthy();
    expect(answer.Credentials?.Expiration).toEqual(new Date(TEST_START.getTime() + 3600_000));
    expect(answer.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${MEMBER}:assumed-role/${MEMBER_READ_ROLE_NAME}/reader`,
    );
    expect(answer.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z0-9]+:reader$/);
    expect(registry.registryId).toBe(MEMBER);
    expect(registry.replicationConfiguration?.rules).toHaveLength(1);
    expect(role?.Arn).toBe(`arn:aws:iam::${MEMBER}:role${REPLICATION_ROLE.path}${REPLICATION_ROLE.name}`);
    expect(callerRegistry.registryId).toBe(account.accountId);
    expect(callerRegistry.replicationConfiguration?.rules ?? []).toEqual([]);
    expect(identity).toMatchObject({ Account: MEMBER, Arn: answer.AssumedRoleUser?.Arn });
    expect(account.calls.map((call) => [call.service, call.operation, call.account])).toEqual([
      ['sts', 'AssumeRole', MEMBER],
      ['ecr', 'DescribeRegistry', MEMBER],
      ['iam', 'GetRole', MEMBER],
      ['ecr', 'DescribeRegistry', account.accountId],
      ['sts', 'GetCallerIdentity', MEMBER],
    ]);
  });

  it('assumes a role at any path, named with its path, and takes the DurationSeconds its role allows', async () => {
    // Prepare
    account.addAccount({ id: MEMBER }).createReadRole({ maxSessionDuration: 43_200 });
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: account.accountId }, Action: 'sts:AssumeRole' }],
    });
    account.getAccount(MEMBER).createRole({ name: 'deep', path: '/team/readers/', trustPolicy: trust });

    // Act
    const long = await assume(MEMBER, { DurationSeconds: 43_200 });
    const deep = await sts().send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${MEMBER}:role/team/readers/deep`,
        RoleSessionName: 'r' + 'x',
      }),
    );

    // Assess
    expect(long.answer.Credentials?.Expiration).toEqual(new Date(TEST_START.getTime() + 43_200_000));
    expect(deep.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/deep/rx`);
  });

  it.each([
    ['a role that does not exist', readRoleArn(MEMBER)],
    ['an account that is not served', readRoleArn('999999999999')],
    ['the role named at another path', `arn:aws:iam::${MEMBER}:role/other/${MEMBER_READ_ROLE_NAME}`],
    ['a role that trusts a service, not the caller', `arn:aws:iam::${MEMBER}:role/ec2-only`],
  ])('refuses %s with AccessDenied, naming the caller and the role', async (_case, roleArn) => {
    // Prepare
    const member = account.addAccount({ id: MEMBER });
    member.createRole({ name: 'ec2-only', path: '/', trustedService: 'ec2.amazonaws.com' });
    if (!roleArn.includes(MEMBER_READ_ROLE_NAME) || roleArn.includes('/other/')) member.createReadRole();

    // Act
    const error = await errorOf(
      sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'reader' })),
    );

    // Assess
    expect(error).toMatchObject(denial(roleArn));
  });

  it('refuses the role of a SUSPENDED account', async () => {
    account.addAccount({ id: MEMBER, state: 'SUSPENDED' }).createReadRole();

    const error = await errorOf(assume(MEMBER));

    expect(error).toMatchObject(denial(readRoleArn(MEMBER)));
  });

  it('requires the external id its role was created with: a missing or wrong one is AccessDenied', async () => {
    account.addAccount({ id: MEMBER }).createReadRole({ externalId: 'org-secret-1' });

    const missing = await errorOf(assume(MEMBER));
    const wrong = await errorOf(assume(MEMBER, { ExternalId: 'org-secret-2' }));
    const right = await assume(MEMBER, { ExternalId: 'org-secret-1' });

    expect(missing).toMatchObject(denial(readRoleArn(MEMBER)));
    expect(wrong).toMatchObject(denial(readRoleArn(MEMBER)));
    expect(right.credentials.accessKeyId).toMatch(/^ASIA/);
  });

  it('reads the trust policy of a role created through IAM CreateRole, external id condition included', async () => {
    // Prepare: the member's own administrator creates the role, through the member's credentials.
    account.addAccount({ id: MEMBER }).createReadRole();
    const { credentials } = await assume(MEMBER);
    const trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: [`arn:aws:iam::${account.accountId}:root`] },
          Action: ['sts:AssumeRole'],
          Condition: { StringEquals: { 'sts:ExternalId': 'abc-123' } },
        },
      ],
    };
    await new IAMClient(config(credentials)).send(
      new CreateRoleCommand({ RoleName: 'audit', AssumeRolePolicyDocument: JSON.stringify(trust) }),
    );
    const roleArn = `arn:aws:iam::${MEMBER}:role/audit`;

    // Act
    const without = await errorOf(
      sts().send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'a1' })),
    );
    const withId = await sts().send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'a1', ExternalId: 'abc-123' }),
    );

    // Assess
    expect(without).toMatchObject(denial(roleArn));
    expect(withId.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/audit/a1`);
  });

  it.each([
    [
      { RoleSessionName: 'x' },
      "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    ],
    [
      { RoleSessionName: 'has space' },
      "1 validation error detected: Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    ],
    [
      { RoleSessionName: 'r'.repeat(65), DurationSeconds: 899 },
      `2 validation errors detected: Value '${'r'.repeat(65)}' at 'roleSessionName' failed to satisfy constraint: Member must have length less than or equal to 64; Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    ],
    [
      { DurationSeconds: 43_201 },
      "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    ],
    [
      { DurationSeconds: 7200 },
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    ],
  ])('refuses %j with ValidationError, as STS words it', async (input, message) => {
    account.addAccount({ id: MEMBER }).createReadRole();

    const error = await errorOf(assume(MEMBER, input));

    expect(error).toMatchObject({ name: 'ValidationError', message, $metadata: { httpStatusCode: 400 } });
  });

  it('refuses a missing RoleSessionName as STS does', async () => {
    account.addAccount({ id: MEMBER }).createReadRole();

    const error = await errorOf(
      sts().send(new AssumeRoleCommand({ RoleArn: readRoleArn(MEMBER) } as AssumeRoleCommand['input'])),
    );

    expect(error).toMatchObject({
      name: 'ValidationError',
      message:
        "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    });
  });

  it('answers role chaining as STS does: trust names the caller, and sessions last an hour at most', async () => {
    // Prepare: OTHER's read role trusts the caller's account; its `hop` role trusts MEMBER's.
    account.addAccount({ id: MEMBER }).createReadRole();
    const other = account.addAccount({ id: OTHER });
    other.createReadRole();
    const trustMember = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MEMBER}:root` }, Action: 'sts:AssumeRole' },
      ],
    });
    other.createRole({ name: 'hop', path: '/', trustPolicy: trustMember, maxSessionDuration: 43_200 });
    const { credentials, answer } = await assume(MEMBER);
    const asMember = sts(credentials);
    const hopArn = `arn:aws:iam::${OTHER}:role/hop`;

    // Act
    const untrusted = await errorOf(
      asMember.send(new AssumeRoleCommand({ RoleArn: readRoleArn(OTHER), RoleSessionName: 'hop' })),
    );
    const tooLong = await errorOf(
      asMember.send(
        new AssumeRoleCommand({ RoleArn: hopArn, RoleSessionName: 'hop', DurationSeconds: 7200 }),
      ),
    );
    const chained = await asMember.send(new AssumeRoleCommand({ RoleArn: hopArn, RoleSessionName: 'hop' }));

    // Assess
    expect(untrusted).toMatchObject(denial(readRoleArn(OTHER), answer.AssumedRoleUser?.Arn));
    expect(tooLong).toMatchObject({
      name: 'ValidationError',
      message:
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
    expect(chained.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${OTHER}:assumed-role/hop/hop`);
  });
});

describe('expired role sessions', () => {
  it('answer every protocol with its expired-token error once the clock reaches their expiry', async () => {
    // Prepare
    account.addAccount({ id: MEMBER }).createReadRole();
    const { credentials } = await assume(MEMBER, { DurationSeconds: 900 });
    const ecr = new ECRClient(config(credentials));
    const iam = new IAMClient(config(credentials));
    account.clock.tick(899_999);
    const stillValid = await ecr.send(new DescribeRegistryCommand({}));

    // Act
    account.clock.tick(1);
    const ecrError = await errorOf(ecr.send(new DescribeRegistryCommand({})));
    const iamError = await errorOf(iam.send(new GetRoleCommand({ RoleName: REPLICATION_ROLE.name })));
    const stsError = await errorOf(sts(credentials).send(new GetCallerIdentityCommand({})));
    const callerStillReads = await sts().send(new GetCallerIdentityCommand({}));

    // Assess
    expect(stillValid.registryId).toBe(MEMBER);
    const expired = 'The security token included in the request is expired';
    expect(ecrError).toMatchObject({
      name: 'ExpiredTokenException',
      message: expired,
      $metadata: { httpStatusCode: 400 },
    });
    expect(iamError).toMatchObject({
      name: 'ExpiredToken',
      message: expired,
      $metadata: { httpStatusCode: 403 },
    });
    expect(stsError).toMatchObject({
      name: 'ExpiredToken',
      message: expired,
      $metadata: { httpStatusCode: 403 },
    });
    expect(callerStillReads.Account).toBe(account.accountId);
  });

  it('are forgotten with their account: its keys are then not recognized', async () => {
    account.addAccount({ id: MEMBER }).createReadRole();
    const { credentials } = await assume(MEMBER);

    account.removeAccount(MEMBER);
    const error = await errorOf(new ECRClient(config(credentials)).send(new DescribeRegistryCommand({})));

    expect(error).toMatchObject({ name: 'UnrecognizedClientException' });
  });
});
