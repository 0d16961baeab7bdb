import { describe, expect, it } from 'vitest';
import { UsageError } from '../../functions/core/errors.js';
import type { OrganizationAccount } from '../../functions/organization/accounts.js';
import type { AssumedRole, AssumeRoleRequest } from '../../functions/organization/assume-role.js';
import {
  type CredentialSource,
  type OrganizationScanPorts,
  scanOrganization,
} from '../../functions/organization/scan-organization.js';
import { testClock } from '../support/clock.js';
import { FakeAccount } from '../support/fakes.js';
import { genuineRole, role } from '../support/reads.js';

const CALLER = '111111111111';
const REGIONS = ['eu-west-1', 'us-east-1'];
const ROLE_NAME = 'ecr-replication-role-reconciler-read';

/** An organization of fake accounts; the test says which roles can be assumed and what listing answers. */
function organization(options: {
  accounts: Record<string, FakeAccount>;
  listed?: OrganizationAccount[] | Error;
  unassumable?: Record<string, string>;
}) {
  const assumed: AssumeRoleRequest[] = [];
  const readers: { account: string; credentials: CredentialSource | undefined }[] = [];
  const ports: OrganizationScanPorts = {
    identity: async () => ({ account: CALLER, partition: 'aws' }),
    listRegions: async () => REGIONS,
    listAccounts: async () => {
      if (options.listed instanceof Error) throw options.listed;
      return options.listed ?? [];
    },
    assumeRole: async (request): Promise<AssumedRole> => {
      assumed.push(request);
      const account = request.roleArn.split(':')[4] as string;
      const code = options.unassumable?.[account];
      if (code) return { ok: false, error: { code, message: `not authorized to assume ${request.roleArn}` } };
      return { ok: true, credentials: async () => ({ accessKeyId: account, secretAccessKey: 'secret' }) };
    },
    readerFor: (account, _partition, credentials) => {
      readers.push({ account, credentials });
      const reader = options.accounts[account];
      if (!reader) throw new Error(`no fake account ${account}`);
      return reader;
    },
  };
  return { ports, assumed, readers };
}

/** An account replicating from us-east-1, whose reads name it (as DescribeRegistry's registryId does). */
const inSync = (id: string) =>
  new FakeAccount().set(
    {
      region: 'us-east-1',
      outcome: 'read',
      registryId: id,
      replicationConfiguration: { rules: [{ destinations: [{ region: 'eu-west-1', registryId: id }] }] },
    },
    { region: 'eu-west-1', outcome: 'read', registryId: id, replicationConfiguration: { rules: [] } },
  );
const withRole = (id: string) => {
  const account = inSync(id);
  account.role = role.present(
    genuineRole({
      arn: `arn:aws:iam::${id}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication`,
    }),
  );
  return account;
};
const options = { roleName: ROLE_NAME, accountConcurrency: 4, concurrency: 4, clock: testClock() };

describe('scanOrganization', () => {
  it('reads the caller with its own credentials and every other account through its read role', async () => {
    const { ports, assumed, readers } = organization({
      accounts: { [CALLER]: withRole(CALLER), '222222222222': withRole('222222222222') },
    });
    const report = await scanOrganization(ports, {
      ...options,
      accounts: ['222222222222', CALLER],
      externalId: 'ext-1',
    });
    expect(assumed).toEqual([
      { roleArn: `arn:aws:iam::222222222222:role/${ROLE_NAME}`, externalId: 'ext-1' },
    ]);
    expect(readers.find((r) => r.account === CALLER)?.credentials).toBeUndefined();
    expect(readers.find((r) => r.account === '222222222222')?.credentials).toBeTypeOf('function');
    expect(report.accounts.map((a) => [a.account, a.accountName, a.findings.length])).toEqual([
      [CALLER, null, 0],
      ['222222222222', null, 0],
    ]);
    expect(report.summary).toEqual({ accounts: 2, inSync: 2, withFindings: 0, incomplete: 0 });
    expect(report.skipped).toEqual([]);
  });

  it('reports an account whose role cannot be assumed as unreadable, concluding nothing, and reads the rest', async () => {
    const { ports } = organization({
      accounts: { '333333333333': inSync('333333333333') },
      unassumable: { '222222222222': 'AccessDenied' },
    });
    const report = await scanOrganization(ports, {
      ...options,
      accounts: ['222222222222', '333333333333'],
    });
    const [unreadable, read] = report.accounts;
    expect(unreadable?.account).toBe('222222222222');
    expect(unreadable?.desiredRole).toBe('unknown');
    expect(unreadable?.role.state).toBe('unreadable');
    expect(unreadable?.role.error?.code).toBe('AccessDenied');
    expect(unreadable?.regions.map((r) => [r.region, r.state, r.error?.code])).toEqual([
      ['eu-west-1', 'unreadable', 'AccessDenied'],
      ['us-east-1', 'unreadable', 'AccessDenied'],
    ]);
    expect(unreadable?.findings.map((f) => f.code)).toEqual(['OBSERVATION_INCOMPLETE']);
    expect(unreadable?.findings[0]?.message).toContain(`arn:aws:iam::222222222222:role/${ROLE_NAME}`);
    expect(unreadable?.findings[0]?.evidence).toMatchObject({
      assumeRoleError: {
        roleArn: `arn:aws:iam::222222222222:role/${ROLE_NAME}`,
        error: { code: 'AccessDenied' },
      },
    });
    // The other account is read, and its missing role is found.
    expect(read?.findings.map((f) => f.code)).toEqual(['ROLE_MISSING']);
    expect(report.summary).toEqual({ accounts: 2, inSync: 0, withFindings: 1, incomplete: 1 });
  });

  it('with the organization, reads the ACTIVE accounts and lists the others as skipped with their state', async () => {
    const { ports, assumed } = organization({
      accounts: { [CALLER]: inSync(CALLER), '222222222222': withRole('222222222222') },
      listed: [
        { id: '444444444444', name: 'closed-one', state: 'CLOSED' },
        { id: '222222222222', name: 'prod-eu', state: 'ACTIVE' },
        { id: CALLER, name: 'central', state: 'ACTIVE' },
        { id: '333333333333', name: 'old-dev', state: 'SUSPENDED' },
      ],
    });
    const report = await scanOrganization(ports, { ...options, accounts: 'organization' });
    expect(report.accounts.map((a) => [a.account, a.accountName])).toEqual([
      [CALLER, 'central'],
      ['222222222222', 'prod-eu'],
    ]);
    expect(report.skipped).toEqual([
      { account: '333333333333', accountName: 'old-dev', state: 'SUSPENDED' },
      { account: '444444444444', accountName: 'closed-one', state: 'CLOSED' },
    ]);
    expect(assumed.map((a) => a.roleArn)).toEqual([`arn:aws:iam::222222222222:role/${ROLE_NAME}`]);
    expect(report.summary).toEqual({ accounts: 2, inSync: 1, withFindings: 1, incomplete: 0 });
  });

  it('fails with the reason and the fix when the organization cannot be listed', async () => {
    const denied = Object.assign(new Error('denied'), {
      awsError: {
        code: 'AccessDeniedException',
        message: 'You don’t have permissions to access this resource.',
      },
    });
    const { ports } = organization({ accounts: {}, listed: denied });
    const scanning = scanOrganization(ports, { ...options, accounts: 'organization' });
    await expect(scanning).rejects.toBeInstanceOf(UsageError);
    await expect(scanning).rejects.toThrow(
      /AccessDeniedException.*management account.*delegated administrator.*--accounts/s,
    );
  });

  it('names given accounts when the organization can be read, and leaves them null when it cannot', async () => {
    const named = organization({
      accounts: { '222222222222': inSync('222222222222') },
      listed: [{ id: '222222222222', name: 'prod-eu', state: 'ACTIVE' }],
    });
    const unnamed = organization({
      accounts: { '222222222222': inSync('222222222222') },
      listed: new Error('denied'),
    });
    const scan = (ports: OrganizationScanPorts) =>
      scanOrganization(ports, { ...options, accounts: ['222222222222'] });
    expect((await scan(named.ports)).accounts[0]?.accountName).toBe('prod-eu');
    expect((await scan(unnamed.ports)).accounts[0]?.accountName).toBeNull();
  });

  it('reads at most accountConcurrency accounts at once', async () => {
    let inFlight = 0;
    let most = 0;
    const slow = (id: string) => {
      const account = inSync(id);
      const read = account.readRegistry.bind(account);
      account.readRegistry = async (region) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return read(region);
      };
      return account;
    };
    const ids = Array.from({ length: 9 }, (_, i) => String(200000000000 + i));
    const { ports } = organization({ accounts: Object.fromEntries(ids.map((id) => [id, slow(id)])) });
    const report = await scanOrganization(ports, {
      ...options,
      concurrency: 1,
      accountConcurrency: 3,
      accounts: ids,
    });
    expect(report.accounts).toHaveLength(9);
    expect(most).toBe(3);
  });
});
