import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { createAccountReader } from '../../functions/adapters/account-reader.js';
import { readIdentity } from '../../functions/adapters/identity.js';
import { MEMBER_READ_ROLE_NAME } from '../../functions/core/permissions.js';
import { DEFAULT_ENABLED_REGIONS } from '../../functions/core/regions.js';
import {
  expectedOrganization,
  ORGANIZATION_EXPECTED,
  STARTING_SCENARIO_NAMES,
  setUpScenario,
} from '../../functions/local-account/index.js';
import { listOrganizationAccounts } from '../../functions/organization/accounts.js';
import { assumeRole } from '../../functions/organization/assume-role.js';
import {
  type CredentialSource,
  type OrganizationScanPorts,
  scanOrganization,
} from '../../functions/organization/scan-organization.js';
import { startTestAccount, type TestAccount } from '../support/local-account.js';

/*
 * `local-account --scenario organization`, read by the organization scan over the unmodified SDK clients: the
 * caller's credentials list the organization and assume each member's read role, as against AWS.
 */

const CALLER_KEYS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** The organization scan's ports over SDK clients pointed at `account`. */
function portsFor(account: TestAccount): OrganizationScanPorts {
  const client = { region: 'us-east-1', endpoint: account.url, maxAttempts: 1 };
  const sts = new STSClient({ ...client, credentials: CALLER_KEYS });
  return {
    identity: () => readIdentity(sts),
    listRegions: async () => [...DEFAULT_ENABLED_REGIONS],
    listAccounts: () =>
      listOrganizationAccounts(new OrganizationsClient({ ...client, credentials: CALLER_KEYS })),
    assumeRole: (request) => assumeRole(sts, request, account.clock),
    readerFor: (_account, _partition, credentials?: CredentialSource) => {
      const signedWith: AwsCredentialIdentity | CredentialSource = credentials ?? CALLER_KEYS;
      return createAccountReader({
        homeRegion: 'us-east-1',
        maxAttempts: 1,
        clients: {
          ecr: (region) => new ECRClient({ ...client, region, credentials: signedWith }),
          iam: (region) => new IAMClient({ ...client, region, credentials: signedWith }),
          sts: (region) => new STSClient({ ...client, region, credentials: signedWith }),
        },
      });
    },
  };
}

async function scanned(account: TestAccount) {
  return scanOrganization(portsFor(account), {
    accounts: 'organization',
    roleName: MEMBER_READ_ROLE_NAME,
    accountConcurrency: 4,
    concurrency: 8,
    clock: account.clock,
  });
}

describe('the organization scenario', () => {
  it('is a starting scenario of local-account, beside the single-account ones', () => {
    expect(STARTING_SCENARIO_NAMES).toEqual([
      'empty',
      'in-sync',
      'role-missing',
      'orphaned',
      'look-alike',
      'organization',
    ]);
    expect(expectedOrganization('123456789012')).toEqual(ORGANIZATION_EXPECTED);
  });

  it('reads as the expected outcome of every account: read, unassumable or skipped, with its findings', async () => {
    const account = await startTestAccount({ regions: undefined });
    try {
      // Prepare
      const story = setUpScenario(account, 'organization');

      // Act
      const report = await scanned(account);

      // Assess
      expect(story).toMatch(/^scenario organization: 123456789012 manages 6 member accounts \(prod-eu /);
      const expected = expectedOrganization(account.accountId);
      const seen = [
        ...report.accounts.map((read) => ({
          account: read.account,
          name: read.accountName,
          outcome: read.role.error?.code === 'AccessDenied' ? 'unassumable' : 'read',
          findings: read.findings.map((finding) => finding.code),
        })),
        ...report.skipped.map((skipped) => ({
          account: skipped.account,
          name: skipped.accountName,
          outcome: 'skipped',
          findings: [],
        })),
      ];
      const byAccount = (a: { account: string }, b: { account: string }) =>
        a.account.localeCompare(b.account);
      expect(seen.sort(byAccount)).toEqual(
        expected
          .map(({ account: id, name, outcome, findings }) => ({ account: id, name, outcome, findings }))
          .sort(byAccount),
      );
      expect(report.skipped).toEqual([
        { account: '666666666666', accountName: 'closed-dev', state: 'SUSPENDED' },
      ]);
      const unassumable = report.accounts.find((read) => read.account === '555555555555');
      expect(unassumable?.role.error?.message).toBe(
        `User: arn:aws:iam::${account.accountId}:user/local is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::555555555555:role/${MEMBER_READ_ROLE_NAME}`,
      );
    } finally {
      await account.close();
    }
  });

  it('is the same whatever the Regions of the accounts', async () => {
    const account = await startTestAccount({ regions: ['eu-west-1', 'ap-northeast-1'] });
    try {
      setUpScenario(account, 'organization');

      const report = await scanOrganization(portsFor(account), {
        accounts: 'organization',
        roleName: MEMBER_READ_ROLE_NAME,
        regions: ['eu-west-1', 'ap-northeast-1'],
        accountConcurrency: 4,
        concurrency: 2,
        clock: account.clock,
      });

      const findings = Object.fromEntries(
        report.accounts.map((read) => [read.account, read.findings.map((finding) => finding.code)]),
      );
      const expected = ORGANIZATION_EXPECTED.filter((outcome) => outcome.outcome !== 'skipped');
      expect(findings).toEqual(
        Object.fromEntries(expected.map((outcome) => [outcome.account, outcome.findings])),
      );
    } finally {
      await account.close();
    }
  });

  it('needs a local account that manages an organization', async () => {
    const account = await startTestAccount({ regions: ['us-east-1'], organization: false });
    try {
      expect(() => setUpScenario(account, 'organization')).toThrow(/manages an organization/);
    } finally {
      await account.close();
    }
  });
});
