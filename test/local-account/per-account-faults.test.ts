import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { ListAccountsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it, vi } from 'vitest';
import { MEMBER_READ_ROLE_NAME } from '../../functions/core/permissions.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * Faults and latencies aimed at one account of an organization: the others keep answering, as one throttled or
 * slow member account does not slow the rest in AWS.
 */

const MEMBER = '111111111111';
const OTHER = '222222222222';
const CALLER_KEYS = { accessKeyId: 'local', secretAccessKey: 'local' };
const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1'] });

const config = (credentials: AwsCredentialIdentity = CALLER_KEYS) => ({
  region: 'us-east-1',
  endpoint: account.url,
  credentials,
  maxAttempts: 1,
});
const readRoleArn = (id: string) => `arn:aws:iam::${id}:role/${MEMBER_READ_ROLE_NAME}`;
const assume = (id: string) =>
  new STSClient(config()).send(
    new AssumeRoleCommand({ RoleArn: readRoleArn(id), RoleSessionName: 'faults' }),
  );
const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

async function credentialsOf(id: string): Promise<AwsCredentialIdentity> {
  const { Credentials: issued } = await assume(id);
  return { accessKeyId: issued?.AccessKeyId ?? '', secretAccessKey: issued?.SecretAccessKey ?? '' };
}

function twoMembers(): void {
  account.addAccount({ id: MEMBER }).createReadRole();
  account.addAccount({ id: OTHER }).createReadRole();
}

describe('faults per account', () => {
  it("throttles AssumeRole into one account as STS does, the given number of times, and no other account's", async () => {
    // Prepare
    twoMembers();
    account.setFault({
      account: MEMBER,
      service: 'sts',
      operation: 'AssumeRole',
      fault: 'throttle',
      times: 2,
    });

    // Act
    const first = await errorOf(assume(MEMBER));
    const other = await assume(OTHER);
    const second = await errorOf(assume(MEMBER));
    const third = await assume(MEMBER);

    // Assess
    const throttled = { name: 'Throttling', message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } };
    expect(first).toMatchObject(throttled);
    expect(second).toMatchObject(throttled);
    expect(other.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(third.Credentials?.AccessKeyId).toMatch(/^ASIA/);
    expect(account.calls.map((call) => call.account)).toEqual([MEMBER, OTHER, MEMBER, MEMBER]);
  });

  it('throttles ListAccounts as Organizations does', async () => {
    account.setFault({ account: account.accountId, service: 'organizations', fault: 'throttle' });

    const error = await errorOf(new OrganizationsClient(config()).send(new ListAccountsCommand({})));

    expect(error).toMatchObject({ name: 'TooManyRequestsException', message: 'Rate exceeded' });
  });

  it("denies one member's ECR reads, made with its role's credentials, and not the others'", async () => {
    // Prepare
    twoMembers();
    account.setFault({ account: MEMBER, service: 'ecr', fault: 'access-denied' });
    const [member, other] = [await credentialsOf(MEMBER), await credentialsOf(OTHER)];

    // Act
    const denied = await errorOf(new ECRClient(config(member)).send(new DescribeRegistryCommand({})));
    const read = await new ECRClient(config(other)).send(new DescribeRegistryCommand({}));
    const callerRead = await new ECRClient(config()).send(new DescribeRegistryCommand({}));

    // Assess
    expect(denied).toMatchObject({ name: 'AccessDeniedException' });
    expect(read.registryId).toBe(OTHER);
    expect(callerRead.registryId).toBe(account.accountId);
  });

  it("disables a Region in one member's Region lists only", async () => {
    twoMembers();
    account.setFault({ account: MEMBER, region: 'eu-west-1', fault: 'not-enabled' });
    const enabled = async (credentials: AwsCredentialIdentity) => {
      const { Regions = [] } = await new EC2Client(config(credentials)).send(new DescribeRegionsCommand({}));
      return Regions.map((region) => region.RegionName);
    };

    const member = await enabled(await credentialsOf(MEMBER));
    const other = await enabled(await credentialsOf(OTHER));

    expect(member).toEqual(['us-east-1']);
    expect(other).toEqual(['us-east-1', 'eu-west-1']);
  });
});

describe('latency per account', () => {
  it("delays one member's answers while the caller's come at once", async () => {
    // Prepare: long enough that the caller's answer comes first on any machine; the slow call is then abandoned.
    twoMembers();
    const member = await credentialsOf(MEMBER);
    account.setLatency(2_000, { account: MEMBER });
    const abort = new AbortController();
    let slowSettled = false;

    // Act
    const slow = new ECRClient(config(member))
      .send(new DescribeRegistryCommand({}), { abortSignal: abort.signal })
      .finally(() => {
        slowSettled = true;
      });
    // The slow call is received (and waiting) before the caller's is sent.
    await vi.waitFor(() => expect(account.calls.some((call) => call.service === 'ecr')).toBe(true));
    const fast = await new ECRClient(config()).send(new DescribeRegistryCommand({}));
    const settledBeforeTheCaller = slowSettled;
    abort.abort();
    const slowError = await errorOf(slow);
    account.setLatency(0, { account: MEMBER });

    // Assess
    expect(fast.registryId).toBe(account.accountId);
    expect(settledBeforeTheCaller).toBe(false);
    expect(slowError).toMatchObject({ name: 'AbortError' });
    expect(account.calls.filter((call) => call.service === 'ecr').map((call) => call.account)).toEqual([
      MEMBER,
      account.accountId,
    ]);
  });
});
