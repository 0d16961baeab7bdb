import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { MEMBER_READ_ROLE_NAME } from '../../functions/core/permissions.js';
import { listOrganizationAccounts } from '../../functions/organization/accounts.js';
import { TEST_START } from '../support/clock.js';
import { startTestAccount, useLocalAccount } from '../support/local-account.js';

/*
 * AWS Organizations as the unmodified SDK client sees it: ListAccounts pages as AWS documents (MaxResults 1 to 20,
 * a page now and then empty but with a NextToken), only for the management account or a delegated administrator.
 */

const CALLER_KEYS = { accessKeyId: 'local', secretAccessKey: 'local' };
const account = useLocalAccount({ regions: ['us-east-1'] });

const organizations = (credentials: AwsCredentialIdentity = CALLER_KEYS, url = account.url) =>
  new OrganizationsClient({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1 });
const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );
/** `count` member accounts, ids 100000000001 up. */
const addMembers = (count: number) =>
  Array.from({ length: count }, (_, n) => account.addAccount({ id: String(100_000_000_001 + n) }).accountId);

/** The credentials of `id`'s read role, assumed by the caller. */
async function credentialsOf(id: string): Promise<AwsCredentialIdentity> {
  account.getAccount(id).createReadRole();
  const sts = new STSClient({ region: 'us-east-1', endpoint: account.url, credentials: CALLER_KEYS });
  const { Credentials: issued } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${id}:role/${MEMBER_READ_ROLE_NAME}`,
      RoleSessionName: 'org',
    }),
  );
  return {
    accessKeyId: issued?.AccessKeyId ?? '',
    secretAccessKey: issued?.SecretAccessKey ?? '',
    sessionToken: issued?.SessionToken ?? '',
  };
}

describe('ListAccounts', () => {
  it('pages by MaxResults, every third page empty with a NextToken, the caller listed ACTIVE', async () => {
    // Prepare
    const members = addMembers(45);
    const client = organizations();

    // Act
    const pages = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListAccountsCommand({ MaxResults: 20, NextToken: token }));
      pages.push(page);
      token = page.NextToken;
    } while (token);

    // Assess
    expect(pages.map((page) => page.Accounts?.length)).toEqual([20, 20, 0, 6]);
    expect(pages.slice(0, 3).every((page) => page.NextToken)).toBe(true);
    const listed = pages.flatMap((page) => page.Accounts ?? []);
    expect(listed.map((listedAccount) => listedAccount.Id)).toEqual([account.accountId, ...members]);
    const organizationId = account.organizationId;
    expect(organizationId).toMatch(/^o-[a-z0-9]{10}$/);
    expect(listed[0]).toEqual({
      Id: account.accountId,
      Arn: `arn:aws:organizations::${account.accountId}:account/${organizationId}/${account.accountId}`,
      Email: `aws+${account.accountId}@example.com`,
      Name: 'management',
      State: 'ACTIVE',
      JoinedMethod: 'CREATED',
      JoinedTimestamp: TEST_START,
    });
  });

  it('pages 20 accounts at a time when MaxResults is not given', async () => {
    addMembers(24);

    const first = await organizations().send(new ListAccountsCommand({}));

    expect(first.Accounts).toHaveLength(20);
    expect(first.NextToken).toBeTruthy();
  });

  it('is read to the end by the SDK paginator and by the product, through the empty pages', async () => {
    const members = addMembers(60);

    const paged = [];
    for await (const page of paginateListAccounts({ client: organizations(), pageSize: 7 }, {})) {
      paged.push(...(page.Accounts ?? []).map((listed) => listed.Id));
    }
    const product = await listOrganizationAccounts(organizations());

    expect(paged).toEqual([account.accountId, ...members]);
    expect(product.map((listed) => listed.id).sort()).toEqual([account.accountId, ...members].sort());
  });

  it.each([
    [21, 'MAX_VALUE_EXCEEDED'],
    [0, 'MIN_VALUE_EXCEEDED'],
  ])('refuses MaxResults %i with InvalidInputException (%s)', async (maxResults, reason) => {
    const error = await errorOf(organizations().send(new ListAccountsCommand({ MaxResults: maxResults })));

    expect(error).toMatchObject({
      name: 'InvalidInputException',
      Reason: reason,
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('refuses a NextToken it did not give', async () => {
    const error = await errorOf(organizations().send(new ListAccountsCommand({ NextToken: 'not-a-token' })));

    expect(error).toMatchObject({ name: 'InvalidInputException', Reason: 'INVALID_PAGINATION_TOKEN' });
  });

  it.each([
    ['State', { State: 'CLOSED' }],
    ['Status', { Status: 'SUSPENDED' }],
    ['both', { State: 'CLOSED', Status: 'SUSPENDED' }],
  ] as const)('writes %s when told, the retired Status as it was', async (fields, expected) => {
    account.addAccount({ id: '210987654321', state: 'CLOSED' });
    account.configureListAccounts({ accountStateFields: fields, emptyPageEvery: 0 });

    const { Accounts: listed = [] } = await organizations().send(new ListAccountsCommand({}));

    const closed = listed.find((listedAccount) => listedAccount.Id === '210987654321');
    expect({ State: closed?.State, Status: closed?.Status }).toEqual({
      State: undefined,
      Status: undefined,
      ...expected,
    });
  });

  it('never sends an empty page when told so', async () => {
    addMembers(80);
    account.configureListAccounts({ emptyPageEvery: 0 });

    const sizes = [];
    for await (const page of paginateListAccounts({ client: organizations() }, {}))
      sizes.push(page.Accounts?.length);

    expect(sizes).toEqual([20, 20, 20, 20, 1]);
  });

  it('is refused to a member account, AccessDeniedException, and allowed to a delegated administrator', async () => {
    // Prepare
    const [member = '', admin = ''] = addMembers(2);
    const asMember = organizations(await credentialsOf(member));
    const asAdmin = organizations(await credentialsOf(admin));
    account.registerDelegatedAdministrator(admin);

    // Act
    const denied = await errorOf(asMember.send(new ListAccountsCommand({})));
    const described = await asMember.send(new DescribeOrganizationCommand({}));
    const listedByAdmin = await asAdmin.send(new ListAccountsCommand({}));

    // Assess
    expect(denied).toMatchObject({
      name: 'AccessDeniedException',
      message: "You don't have permissions to access this resource.",
    });
    expect(described.Organization).toMatchObject({
      Id: account.organizationId,
      MasterAccountId: account.accountId,
    });
    expect(listedByAdmin.Accounts).toHaveLength(3);
  });

  it('answers AWSOrganizationsNotInUseException to an account in no organization', async () => {
    const standalone = account.addAccount({ id: '777777777777', organization: false }).accountId;
    const alone = await startTestAccount({ regions: ['us-east-1'], organization: false });
    try {
      const fromStandalone = await errorOf(
        organizations(await credentialsOf(standalone)).send(new ListAccountsCommand({})),
      );
      const fromAlone = await errorOf(
        organizations(CALLER_KEYS, alone.url).send(new DescribeOrganizationCommand({})),
      );

      for (const error of [fromStandalone, fromAlone]) {
        expect(error).toMatchObject({
          name: 'AWSOrganizationsNotInUseException',
          message: 'Your account is not a member of an organization.',
        });
      }
      expect(alone.organizationId).toBeUndefined();
    } finally {
      await alone.close();
    }
  });
});

describe('DescribeOrganization', () => {
  it('describes the organization the caller manages', async () => {
    const { Organization: organization } = await organizations().send(new DescribeOrganizationCommand({}));

    const id = account.organizationId;
    expect(organization).toEqual({
      Id: id,
      Arn: `arn:aws:organizations::${account.accountId}:organization/${id}`,
      FeatureSet: 'ALL',
      MasterAccountArn: `arn:aws:organizations::${account.accountId}:account/${id}/${account.accountId}`,
      MasterAccountId: account.accountId,
      MasterAccountEmail: `aws+${account.accountId}@example.com`,
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    });
  });

  it('names another management account when the caller is a member, which may then not list', async () => {
    const member = await startTestAccount({
      regions: ['us-east-1'],
      organization: { managementAccount: '999988887777' },
    });
    try {
      const { Organization: organization } = await organizations(CALLER_KEYS, member.url).send(
        new DescribeOrganizationCommand({}),
      );
      const denied = await errorOf(organizations(CALLER_KEYS, member.url).send(new ListAccountsCommand({})));

      expect(organization?.MasterAccountId).toBe('999988887777');
      expect(denied).toMatchObject({ name: 'AccessDeniedException' });
    } finally {
      await member.close();
    }
  });
});
