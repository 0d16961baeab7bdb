import { describe, expect, it } from 'vitest';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import type { Report } from '../../functions/core/types.js';
import { runCli, runMain } from '../support/cli.js';
import { TEST_START } from '../support/clock.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * `scan` end to end against the local account, in process through `main` (the SDK clients unmodified, reaching the
 * account by AWS_ENDPOINT_URL). The few runs that only a real process can show — `bin` starts, the exit code
 * reaches the shell — run the CLI in a child process with `runCli`.
 */

const REGIONS = [
  'us-east-1',
  'eu-west-1',
  'ap-southeast-2',
  { name: 'af-south-1', optInStatus: 'not-opted-in' as const },
];
const toEuWest1 = [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }];

const account = useLocalAccount({ regions: REGIONS });

const scan = (args: string[], env: Record<string, string | undefined> = account.env) =>
  runMain(['scan', ...args], { env, clock: account.clock });

async function scanJson(...args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const run = await scan(['--format', 'json', ...args]);
  return { code: run.code, report: JSON.parse(run.stdout) as Report, stderr: run.stderr };
}

describe('scan against the local account', () => {
  it('exits 0 in sync, with the documented JSON report', async () => {
    account.putReplication('us-east-1', toEuWest1);

    const { code, report } = await scanJson();

    expect(code).toBe(0);
    expect(report).toMatchObject({
      account: '123456789012',
      desiredRole: 'present',
      role: {
        state: 'present',
        arn: `arn:aws:iam::123456789012:role${REPLICATION_ROLE.path}${REPLICATION_ROLE.name}`,
        path: REPLICATION_ROLE.path,
        serviceLinked: true,
        trustedPrincipals: ['replication.ecr.amazonaws.com'],
        attachedPolicyArns: ['arn:aws:iam::aws:policy/aws-service-role/ECRReplicationServiceRolePolicy'],
        inlinePolicyNames: [],
        lastUsed: null,
        error: null,
      },
      findings: [],
    });
    expect(report.regions).toEqual([
      { region: 'ap-southeast-2', state: 'not-replicating', destinations: [], error: null },
      { region: 'eu-west-1', state: 'not-replicating', destinations: [], error: null },
      {
        region: 'us-east-1',
        state: 'replicating',
        destinations: [{ region: 'eu-west-1', registryId: '123456789012' }],
        error: null,
      },
    ]);
    expect(Date.parse(report.observedAt)).not.toBeNaN();
    expect(report.observedAt).toBe(TEST_START.toISOString());
  });

  it('runs from the package bin in a real process, and exit code 0 reaches the shell', async () => {
    // A child process: only a real one shows that `bin` starts and what the shell gets.
    account.putReplication('us-east-1', toEuWest1);

    const run = await runCli(['scan'], account.env, 'bin');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('In sync: no findings.');
  });

  it('reports ROLE_MISSING and exits 2 when the role is gone while a far Region replicates', async () => {
    account.putReplication('ap-southeast-2', toEuWest1);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);

    const { code, report } = await scanJson();

    expect(code).toBe(2);
    expect(report.findings.map((f) => [f.code, f.severity, f.regions])).toEqual([
      ['ROLE_MISSING', 'high', ['ap-southeast-2']],
    ]);
  });

  it('reports ROLE_ORPHANED with RoleLastUsed when replication is cleared everywhere', async () => {
    account.createServiceLinkedRole();
    account.setRoleLastUsed('2026-09-01T12:00:00.000Z', 'us-east-1');

    const { code, report } = await scanJson();

    expect(code).toBe(2);
    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      code: 'ROLE_ORPHANED',
      severity: 'low',
      evidence: { lastUsed: { date: '2026-09-01T12:00:00.000Z', region: 'us-east-1' } },
    });
  });

  it('reports ROLE_NOT_SERVICE_LINKED for a look-alike role', async () => {
    account.createRole({ name: REPLICATION_ROLE.name, path: '/', trustedService: 'ec2.amazonaws.com' });
    account.putReplication('us-east-1', toEuWest1);

    const { code, report } = await scanJson();

    expect(code).toBe(2);
    expect(report.role).toMatchObject({
      serviceLinked: false,
      path: '/',
      trustedPrincipals: ['ec2.amazonaws.com'],
    });
    expect(report.findings.map((f) => f.code)).toEqual(['ROLE_NOT_SERVICE_LINKED']);
  });

  it('reports ROLE_POLICY_DRIFT for an extra policy on the genuine role', async () => {
    account.putReplication('us-east-1', toEuWest1);
    account.putInlinePolicy(REPLICATION_ROLE.name, 'extra-permissions');

    const { report } = await scanJson();

    expect(report.findings.map((f) => f.code)).toEqual(['ROLE_POLICY_DRIFT']);
    expect(report.role.inlinePolicyNames).toEqual(['extra-permissions']);
  });

  it.each([
    ['access-denied', 'AccessDeniedException'],
    ['throttle', 'ThrottlingException'],
    ['server-error', 'ServerException'],
    ['timeout', 'Timeout'],
    ['unrecognized-client', 'UnrecognizedClientException'],
  ] as const)('never concludes an orphan when a Region fails with %s', async (fault, code) => {
    account.createServiceLinkedRole();
    account.setFault({ service: 'ecr', region: 'eu-west-1', fault });

    // A short real timeout for the Region that never answers; the others get a generous one, so that the SDK's own
    // retries on a busy machine never turn a throttle into a timeout. Nothing here bounds how long the run takes.
    const { code: exit, report } = await scanJson('--timeout', fault === 'timeout' ? '0.2' : '60');

    const euWest1 = report.regions.find((region) => region.region === 'eu-west-1');
    expect(exit).toBe(2);
    expect(euWest1).toMatchObject({ state: 'unreadable', error: { code } });
    expect(report.desiredRole).toBe('unknown');
    expect(report.findings.map((f) => f.code)).toEqual(['OBSERVATION_INCOMPLETE']);
  });

  it.each([
    ['listed by the scan', []],
    ['given with --regions', ['--regions', 'us-east-1,eu-west-1,ap-southeast-2']],
  ])(
    'an enabled Region that replicates but answers UnrecognizedClientException (Regions %s): OBSERVATION_INCOMPLETE, never ROLE_ORPHANED',
    async (_label, regions) => {
      // ECR answers a bad or expired token as it answers a Region that is not enabled; this Region is enabled.
      account.putReplication('ap-southeast-2', toEuWest1);
      account.setFault({ service: 'ecr', region: 'ap-southeast-2', fault: 'unrecognized-client' });

      const { code, report } = await scanJson(...regions);

      expect(code).toBe(2);
      expect(report.regions.find((region) => region.region === 'ap-southeast-2')).toMatchObject({
        state: 'unreadable',
        error: {
          code: 'UnrecognizedClientException',
          message: expect.stringContaining('The security token included in the request is invalid.'),
        },
      });
      expect(report.desiredRole).toBe('unknown');
      expect(report.findings.map((f) => f.code)).toEqual(['OBSERVATION_INCOMPLETE']);
      expect(report.findings[0]?.regions).toEqual(['ap-southeast-2']);
    },
  );

  it('an enabled Region answering UnrecognizedClientException while the role is gone: no ROLE_MISSING from it either', async () => {
    account.putReplication('ap-southeast-2', toEuWest1);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    account.setFault({ service: 'ecr', region: 'ap-southeast-2', fault: 'unrecognized-client' });

    const { report } = await scanJson('--regions', 'us-east-1,eu-west-1,ap-southeast-2');

    expect(report.findings.map((f) => f.code)).toEqual(['OBSERVATION_INCOMPLETE']);
  });

  it('a Region the account has not enabled, given with --regions, is not-enabled and the orphan is still concluded', async () => {
    account.createServiceLinkedRole();
    account.resetCalls();

    const { code, report } = await scanJson('--regions', 'us-east-1,eu-west-1,ap-southeast-2,af-south-1');

    expect(code).toBe(2);
    expect(report.regions.find((region) => region.region === 'af-south-1')).toEqual({
      region: 'af-south-1',
      state: 'not-enabled',
      destinations: [],
      error: {
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      },
    });
    expect(report.findings.map((f) => f.code)).toEqual(['ROLE_ORPHANED']);
    // The opt-in status was asked once, because af-south-1 answered UnrecognizedClientException.
    expect(account.calls.filter((call) => call.operation === 'DescribeRegions')).toHaveLength(1);
  });

  it('a Region made not enabled is left out of the listed Regions, and judged not-enabled when given', async () => {
    account.createServiceLinkedRole();
    account.setFault({ service: 'ecr', region: 'ap-southeast-2', fault: 'not-enabled' });

    const listed = await scanJson();
    const given = await scanJson('--regions', 'us-east-1,eu-west-1,ap-southeast-2');

    expect(listed.report.regions.map((region) => region.region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(listed.report.findings.map((f) => f.code)).toEqual(['ROLE_ORPHANED']);
    expect(given.report.regions.find((region) => region.region === 'ap-southeast-2')?.state).toBe(
      'not-enabled',
    );
    expect(given.report.findings.map((f) => f.code)).toEqual(['ROLE_ORPHANED']);
  });

  it('with --regions, asks no Region list unless a Region answers UnrecognizedClientException (Regions + 3 calls)', async () => {
    account.putReplication('us-east-1', toEuWest1);
    account.resetCalls();

    await scanJson('--regions', 'us-east-1,eu-west-1,ap-southeast-2');

    expect(account.calls.map((call) => call.operation).sort()).toEqual(
      [
        'DescribeRegistry',
        'DescribeRegistry',
        'DescribeRegistry',
        'GetRole',
        'ListAttachedRolePolicies',
        'ListRolePolicies',
      ].sort(),
    );
  });

  it('reads only the Regions given with --regions', async () => {
    account.putReplication('ap-southeast-2', toEuWest1);

    const { report } = await scanJson('--regions', 'us-east-1,ap-southeast-2');

    expect(report.regions.map((region) => region.region)).toEqual(['ap-southeast-2', 'us-east-1']);
  });

  it('makes only read calls (read-only by default, invariant 5)', async () => {
    account.createServiceLinkedRole();
    account.resetCalls();

    await scanJson();

    const operations = new Set(account.calls.map((call) => call.operation));
    expect([...operations].sort()).toEqual(
      [
        'DescribeRegions',
        'DescribeRegistry',
        'GetRole',
        'ListAttachedRolePolicies',
        'ListRolePolicies',
      ].sort(),
    );
  });

  it('prints a readable table by default', async () => {
    account.putReplication('ap-southeast-2', toEuWest1);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);

    // A child process: exit code 2 must reach the shell.
    const run = await runCli(['scan'], account.env);

    expect(run.code).toBe(2);
    expect(run.stdout).toContain('[HIGH] ROLE_MISSING');
    expect(run.stdout).toContain('→ ap-southeast-2');
  });
});

describe('scan cannot run', () => {
  it('exits 1 naming the bad flag', async () => {
    // A child process through `bin`: exit code 1 must reach the shell.
    const run = await runCli(['scan', '--format', 'xml'], {}, 'bin');

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--format must be one of table, json');
  });

  it('exits 1 on a malformed Region list', async () => {
    const run = await scan(['--regions', 'us-east-1,not a region'], {});

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('not a Region name: not a region');
  });

  it('exits 1 with the fix when there are no credentials', async () => {
    const env = { ...account.env, AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined };

    const run = await scan([], env);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/credentials/i);
    expect(run.stderr).toMatch(/AWS_PROFILE|aws sso login/);
    expect(run.stdout).toBe('');
  });

  it('shows help for every command', async () => {
    for (const command of ['scan', 'handle', 'demo', 'local-account']) {
      const run = await runMain([command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toContain(`Usage: ecr-role-reconciler ${command}`);
    }
  });
});
