import {
  AccessDeniedException,
  ListAccountsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsCallError } from '../../functions/core/errors.js';
import { listOrganizationAccounts } from '../../functions/organization/accounts.js';
import { assumeRole, SESSION_NAME } from '../../functions/organization/assume-role.js';
import { testClock } from '../support/clock.js';

const organizations = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);
afterEach(() => {
  organizations.reset();
  sts.reset();
});

describe('listOrganizationAccounts', () => {
  it('follows NextToken through empty pages until it is absent, State first, else Status', async () => {
    organizations
      .on(ListAccountsCommand, { NextToken: undefined })
      .resolves({
        Accounts: [{ Id: '333333333333', Name: 'b', State: 'SUSPENDED', Status: 'SUSPENDED' }],
        NextToken: 't1',
      })
      .on(ListAccountsCommand, { NextToken: 't1' })
      .resolves({ Accounts: [], NextToken: 't2' })
      .on(ListAccountsCommand, { NextToken: 't2' })
      .resolves({ Accounts: [{ Id: '111111111111', Name: 'a', Status: 'ACTIVE' }, { Id: '222222222222' }] });
    const accounts = await listOrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' }));
    expect(accounts).toEqual([
      { id: '111111111111', name: 'a', state: 'ACTIVE' },
      { id: '222222222222', name: null, state: 'UNKNOWN' },
      { id: '333333333333', name: 'b', state: 'SUSPENDED' },
    ]);
    expect(organizations.commandCalls(ListAccountsCommand)).toHaveLength(3);
    expect(organizations.commandCalls(ListAccountsCommand)[0]?.args[0].input.MaxResults).toBe(20);
  });

  it('throws the AWS error when the caller may not list the organization', async () => {
    organizations
      .on(ListAccountsCommand)
      .rejects(new AccessDeniedException({ message: 'no', $metadata: {} }));
    const listing = listOrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' }));
    await expect(listing).rejects.toBeInstanceOf(AwsCallError);
    await expect(listing).rejects.toMatchObject({ awsError: { code: 'AccessDeniedException' } });
  });
});

describe('assumeRole', () => {
  const ROLE = 'arn:aws:iam::222222222222:role/ecr-replication-role-reconciler-read';

  it('assumes once with the session name and external id, and renews five minutes before expiry', async () => {
    const clock = testClock();
    let issued = 0;
    sts.on(AssumeRoleCommand).callsFake(async () => {
      issued++;
      return {
        Credentials: {
          AccessKeyId: `key-${issued}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(clock.now().getTime() + 60 * 60_000),
        },
      };
    });
    const assumed = await assumeRole(
      new STSClient({ region: 'us-east-1' }),
      { roleArn: ROLE, externalId: 'x' },
      clock,
    );
    if (!assumed.ok) throw new Error('expected credentials');
    expect(sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({
      RoleArn: ROLE,
      RoleSessionName: SESSION_NAME,
      ExternalId: 'x',
    });
    expect((await assumed.credentials()).accessKeyId).toBe('key-1');
    clock.tick(54 * 60_000);
    expect((await assumed.credentials()).accessKeyId).toBe('key-1');
    clock.tick(2 * 60_000);
    const [a, b] = await Promise.all([assumed.credentials(), assumed.credentials()]);
    expect([a.accessKeyId, b.accessKeyId]).toEqual(['key-2', 'key-2']);
    expect(issued).toBe(2);
  });

  it('gives back the error when the role cannot be assumed', async () => {
    sts.on(AssumeRoleCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const assumed = await assumeRole(new STSClient({ region: 'us-east-1' }), { roleArn: ROLE }, testClock());
    expect(assumed).toEqual({ ok: false, error: { code: 'AccessDenied', message: 'not authorized' } });
  });
});
