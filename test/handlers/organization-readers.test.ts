import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  RegionDisabledException,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readIdentity } from '../../functions/adapters/identity.js';
import { organizationReaders } from '../../functions/app/organization/account-readers.js';
import type { AccountReader } from '../../functions/core/ports.js';
import { assumeRole } from '../../functions/organization/assume-role.js';
import type { CredentialSource } from '../../functions/organization/scan-organization.js';
import { testClock } from '../support/clock.js';
import { FakeAccount } from '../support/fakes.js';

/*
 * Organization mode's reader per account: the hub's own account with its own credentials, every other account
 * through its read role, credentials assumed once per account and kept. STS is the real client, its transport
 * mocked, its errors the SDK's own classes.
 */

const HUB = '999999999999';
const MEMBER = '111111111111';
const ROLE_NAME = 'ecr-replication-role-reconciler-read';
const roleArn = (account: string) => `arn:aws:iam::${account}:role/${ROLE_NAME}`;

const sts = mockClient(STSClient);
let own: FakeAccount;
let built: { account: string; partition: string; credentials: CredentialSource }[];

beforeEach(() => {
  own = new FakeAccount();
  built = [];
  sts.on(GetCallerIdentityCommand).resolves({
    Account: HUB,
    Arn: `arn:aws-us-gov:sts::${HUB}:assumed-role/ecr-replication-role-reconciler-recheck/fn`,
  });
  sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn: string }) => ({
    Credentials: {
      AccessKeyId: `key-for-${input.RoleArn.split(':')[4]}`,
      SecretAccessKey: 'secret',
      SessionToken: 'token',
      Expiration: new Date(testClock().now().getTime() + 3600_000),
    },
  }));
});
afterEach(() => {
  sts.reset();
});

function readers(maxReaders?: number) {
  const client = new STSClient({ region: 'us-gov-west-1' });
  const clock = testClock();
  return organizationReaders({
    roleName: ROLE_NAME,
    identity: () => readIdentity(client),
    ownReader: own,
    assume: (arn) => assumeRole(client, { roleArn: arn }, clock),
    memberReader: (account, partition, credentials): AccountReader => {
      built.push({ account, partition, credentials });
      return new FakeAccount();
    },
    maxReaders,
  });
}

const assumedArns = () => sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn);

describe('organizationReaders', () => {
  it('reads the hub’s own account with its own credentials, assuming nothing', async () => {
    const access = await readers()(HUB);

    expect(access).toEqual({ ok: true, reader: own });
    expect(assumedArns()).toEqual([]);
  });

  it('reads a member through its read role, in the hub’s partition, with the role’s credentials', async () => {
    // Act
    const access = await readers()(MEMBER);

    // Assess
    expect(access.ok).toBe(true);
    expect(assumedArns()).toEqual([`arn:aws-us-gov:iam::${MEMBER}:role/${ROLE_NAME}`]);
    expect(built.map(({ account, partition }) => ({ account, partition }))).toEqual([
      { account: MEMBER, partition: 'aws-us-gov' },
    ]);
    expect((await built[0]?.credentials())?.accessKeyId).toBe(`key-for-${MEMBER}`);
  });

  it('asks who the hub is once, and assumes each account’s role once for the container’s life', async () => {
    // Prepare
    const readerFor = readers();

    // Act
    const [first, concurrent] = await Promise.all([readerFor(MEMBER), readerFor(MEMBER)]);
    const later = await readerFor(MEMBER);
    await readerFor(HUB);
    await readerFor('222222222222');

    // Assess
    expect(sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(assumedArns()).toEqual([
      `arn:aws-us-gov:iam::${MEMBER}:role/${ROLE_NAME}`,
      `arn:aws-us-gov:iam::222222222222:role/${ROLE_NAME}`,
    ]);
    expect(first.ok && concurrent.ok && later.ok && first.reader === later.reader).toBe(true);
  });

  it('keeps the credentials of an account whose reader was let go, and makes it a new reader', async () => {
    // Prepare
    const readerFor = readers(1);

    // Act
    await readerFor(MEMBER);
    await readerFor('222222222222');
    await readerFor(MEMBER);

    // Assess
    expect(built.map((reader) => reader.account)).toEqual([MEMBER, '222222222222', MEMBER]);
    expect(assumedArns()).toHaveLength(2);
  });

  it.each([
    [
      'access denied',
      new STSServiceException({
        name: 'AccessDenied',
        $fault: 'client',
        $metadata: {},
        message: `not authorized to perform sts:AssumeRole on ${roleArn(MEMBER)}`,
      }),
      'AccessDenied',
    ],
    [
      'STS not activated in the Region',
      new RegionDisabledException({ message: 'STS is not activated in this region', $metadata: {} }),
      'RegionDisabledException',
    ],
  ])(
    'reports an account whose role cannot be assumed (%s), naming the role, and tries again next time',
    async (_what, error, code) => {
      // Prepare
      sts.on(AssumeRoleCommand).rejects(error);
      const readerFor = readers();

      // Act
      const first = await readerFor(MEMBER);
      const second = await readerFor(MEMBER);

      // Assess
      expect(first).toEqual({
        ok: false,
        partition: 'aws-us-gov',
        roleArn: `arn:aws-us-gov:iam::${MEMBER}:role/${ROLE_NAME}`,
        error: { code, message: error.message },
      });
      expect(second.ok).toBe(false);
      expect(assumedArns()).toHaveLength(2);
      expect(built).toEqual([]);
    },
  );

  it('fails, and asks again next time, when the hub’s own identity cannot be read', async () => {
    // Prepare
    sts
      .on(GetCallerIdentityCommand)
      .rejectsOnce(
        new STSServiceException({ name: 'ExpiredToken', $fault: 'client', $metadata: {}, message: 'x' }),
      )
      .resolves({ Account: HUB, Arn: `arn:aws:sts::${HUB}:assumed-role/r/s` });
    const readerFor = readers();

    // Act
    const failing = readerFor(HUB);

    // Assess
    await expect(failing).rejects.toMatchObject({ name: 'AwsCallError' });
    expect(await readerFor(HUB)).toEqual({ ok: true, reader: own });
  });
});
