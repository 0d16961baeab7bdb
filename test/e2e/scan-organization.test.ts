import { describe, expect, it } from 'vitest';
import type { OrganizationReport } from '../../functions/core/organization-report.js';
import { MEMBER_READ_ROLE_NAME } from '../../functions/core/permissions.js';
import { ORGANIZATION_EXPECTED, setUpScenario } from '../../functions/local-account/index.js';
import { runMain } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * `scan --organization` and `scan --accounts` through `main()`, the unmodified SDK clients and the local account's
 * organization: the caller lists the accounts, assumes each member's read role, and reads every account as AWS
 * would answer it.
 */

const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2', 'ap-northeast-1'];
const account = useLocalAccount({ regions: REGIONS });
const scan = (...args: string[]) => runMain(['scan', ...args], { env: account.env, clock: account.clock });
const json = (stdout: string) => JSON.parse(stdout) as OrganizationReport;

const read = ORGANIZATION_EXPECTED.filter((expected) => expected.outcome !== 'skipped');
const skipped = ORGANIZATION_EXPECTED.filter((expected) => expected.outcome === 'skipped');

describe('scan --organization', () => {
  it('reads every ACTIVE account, reports the unassumable one as unreadable, lists the suspended one as skipped', async () => {
    setUpScenario(account, 'organization');

    const run = await scan('--organization', '--format', 'json');

    expect(run.stderr).toBe('');
    expect(run.code).toBe(2);
    const report = json(run.stdout);
    expect(Object.keys(report)).toEqual(['observedAt', 'accounts', 'skipped', 'summary']);
    expect(report.accounts.map((a) => [a.account, a.accountName, a.findings.map((f) => f.code)])).toEqual(
      [...read]
        .sort((a, b) => a.account.localeCompare(b.account))
        .map((e) => [e.account, e.name, e.findings]),
    );
    expect(report.skipped).toEqual(
      skipped.map((e) => ({ account: e.account, accountName: e.name, state: e.state })),
    );
    const unassumable = report.accounts.find((a) => a.account === '555555555555');
    expect(unassumable).toMatchObject({
      desiredRole: 'unknown',
      role: { state: 'unreadable', error: { code: 'AccessDenied' } },
    });
    expect(
      unassumable?.regions.every((r) => r.state === 'unreadable' && r.error?.code === 'AccessDenied'),
    ).toBe(true);
    expect(unassumable?.findings[0]?.message).toContain(
      `arn:aws:iam::555555555555:role/${MEMBER_READ_ROLE_NAME}`,
    );
    expect(report.summary).toEqual({
      accounts: read.length,
      inSync: read.filter((e) => e.findings.length === 0).length,
      withFindings: read.filter((e) => e.findings.some((code) => code !== 'OBSERVATION_INCOMPLETE')).length,
      incomplete: 1,
    });
    // The single-account report's keys, then the name.
    expect(Object.keys(report.accounts[0] ?? {})).toEqual([
      'account',
      'observedAt',
      'desiredRole',
      'role',
      'regions',
      'findings',
      'accountName',
    ]);
    // Nothing was read in the suspended account; the member read roles were assumed with the documented session name.
    expect(account.calls.filter((call) => call.account === '666666666666' && call.service !== 'sts')).toEqual(
      [],
    );
  });

  it('costs at most Regions + 4 calls an account, plus the list pages', async () => {
    setUpScenario(account, 'organization');
    account.resetCalls();

    const run = await scan('--organization', '--format', 'json', '--regions', REGIONS.join(','));

    expect(run.code).toBe(2);
    const pages = account.calls.filter((call) => call.operation === 'ListAccounts').length;
    const accounts = json(run.stdout).accounts.length;
    expect(account.calls.length).toBeLessThanOrEqual(accounts * (REGIONS.length + 4) + pages + 1);
  });

  it('reads an account whose State is absent from its retired Status', async () => {
    setUpScenario(account, 'organization');
    account.configureListAccounts({ accountStateFields: 'Status' });

    const report = json((await scan('--organization', '--format', 'json')).stdout);

    expect(report.skipped.map((s) => [s.account, s.state])).toEqual([['666666666666', 'SUSPENDED']]);
    expect(report.summary.accounts).toBe(read.length);
  });

  it('retries a throttled AssumeRole and still reads the account', async () => {
    setUpScenario(account, 'organization');
    account.setFault({
      account: '111111111111',
      service: 'sts',
      operation: 'AssumeRole',
      fault: 'throttle',
      times: 2,
    });

    const report = json((await scan('--accounts', '111111111111', '--format', 'json')).stdout);

    expect(report.accounts[0]?.findings).toEqual([]);
    expect(report.accounts[0]?.role.state).toBe('present');
  });

  it('exits 1 with the reason and the fix when the caller may not list the organization', async () => {
    setUpScenario(account, 'organization');
    account.setFault({ service: 'organizations', operation: 'ListAccounts', fault: 'access-denied' });

    const run = await scan('--organization');

    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /could not list the organization's accounts .*management account.*delegated administrator.*--accounts/s,
    );
  });
});

describe('scan --accounts', () => {
  it('exits 0 when every account given is in sync, naming it from the organization', async () => {
    setUpScenario(account, 'organization');

    const run = await scan('--accounts', `111111111111,${account.accountId}`);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/111111111111 +prod-eu +present +present +-/);
    expect(run.stdout).toContain('2 accounts: 2 in sync, 0 with findings, 0 incomplete.');
  });

  it('names no account when the organization cannot be read, and still reads them', async () => {
    setUpScenario(account, 'organization');
    account.setFault({ service: 'organizations', fault: 'access-denied' });

    const report = json((await scan('--accounts', '222222222222', '--format', 'json')).stdout);

    expect(report.accounts.map((a) => [a.accountName, a.findings.map((f) => f.code)])).toEqual([
      [null, ['ROLE_MISSING']],
    ]);
  });

  it.each([
    [['--accounts', '12345'], /--accounts: not an AWS account id: 12345/],
    [['--accounts', '111111111111', '--organization'], /--accounts or --organization, not both/],
    [['--role-name', 'reader'], /--role-name applies to many accounts/],
    [['--organization', '--role-name', 'no spaces allowed'], /--role-name .* is not an IAM role name/],
    [['--organization', '--account-concurrency', '0'], /--account-concurrency/],
    [['--organization', '--external-id', 'x'], /--external-id must be 2 to 1224/],
  ])('refuses %j before reading anything', async (args, message) => {
    account.resetCalls();

    const run = await scan(...args);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(message);
    expect(account.calls).toEqual([]);
  });
});
