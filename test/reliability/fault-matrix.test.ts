import { describe, expect, it, vi } from 'vitest';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import type { Report } from '../../functions/core/types.js';
import type { Fault } from '../../functions/local-account/index.js';
import { runMain } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * Safety invariant 1, by brute force: no conclusion from silence. Every fault the local account can inject, on each
 * thing `scan` reads (one Region's ECR, the role, the Region list / opt-in status), over every replication state
 * (none, one Region, a far Region) and role state (genuine, absent, look-alike), with the Regions listed by the scan
 * or given with --regions: 213 scenarios (see SCENARIOS: one Region's ECR 6 faults × 3 × 3 × 2 = 108, the role
 * 5 × 3 × 3 = 45, the Region list or opt-in status 5 × (3 + 9) = 60), each one `scan` run in process through `main`
 * against one local account, with the SDK clients unmodified.
 *
 * Each scenario's findings are predicted from what could be seen; whenever something relevant was not seen,
 * OBSERVATION_INCOMPLETE is reported, and no ROLE_ORPHANED nor ROLE_MISSING rests on what was not seen.
 *
 * Only the scenarios whose fault is a timeout pay for it, and little: `--timeout 0.05`. The CLI gives that limit to
 * ECR only, so its reader is wrapped to give it to every call (IAM, EC2, STS) too; without that, a role read that
 * never answers would hold a scenario for the reader's default 10 s. On a loaded machine a call that was not meant
 * to time out may then time out too: that only adds silence, so in those scenarios the exact prediction gives way
 * to the invariant alone, checked against what the report itself says was not seen. No retries
 * (AWS_MAX_ATTEMPTS=1): a fault stands on every attempt, and retrying a throttle costs its back-off.
 */

vi.mock('../../functions/cli/reader.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../functions/cli/reader.js')>();
  return {
    ...original,
    cliAccountReader: (options: Parameters<typeof original.cliAccountReader>[0] = {}) =>
      original.cliAccountReader({ ...options, callTimeoutMs: options.regionTimeoutMs }),
  };
});

/** Two enabled Regions, a near and a far one, and one the account has not enabled. */
const ACCOUNT_REGIONS = [
  'us-east-1',
  'ap-southeast-2',
  { name: 'af-south-1', optInStatus: 'not-opted-in' as const },
];
/** What `--regions` names in the `given` scenarios: af-south-1 answers UnrecognizedClientException, as AWS does. */
const GIVEN_REGIONS = 'us-east-1,ap-southeast-2,af-south-1';
/** The far Region: ECR faults hit it, whether it replicates (`far`) or another Region does (`one`). */
const FAR = 'ap-southeast-2';
const REPLICATING = { none: undefined, one: 'us-east-1', far: FAR } as const;

type Target = 'ecr' | 'role' | 'regions';
type Replication = keyof typeof REPLICATING;
type RoleState = 'genuine' | 'absent' | 'look-alike';
type Mode = 'listed' | 'given';

interface Scenario {
  readonly fault: Fault;
  readonly target: Target;
  readonly replication: Replication;
  readonly role: RoleState;
  readonly mode: Mode;
}

/** Where each target's fault goes: one Region's ECR, every IAM read of the role, the Region list / opt-in status. */
const TARGETS: Readonly<Record<Target, { service: string; region?: string }>> = {
  ecr: { service: 'ecr', region: FAR },
  role: { service: 'iam' },
  regions: { service: 'ec2' },
};

/** ECR's code for each fault, as the report carries it for the Region hit. */
const ECR_CODE: Readonly<Record<Exclude<Fault, 'not-enabled'>, string>> = {
  throttle: 'ThrottlingException',
  'access-denied': 'AccessDeniedException',
  'server-error': 'ServerException',
  timeout: 'Timeout',
  'unrecognized-client': 'UnrecognizedClientException',
};

/** Per-call limit in the timeout scenarios, and in the others (never reached by the local account's answers). */
const TIMEOUT_SECONDS = { timeout: '0.05', other: '5' } as const;

const FAULTS: readonly Fault[] = [
  'throttle',
  'access-denied',
  'server-error',
  'timeout',
  'unrecognized-client',
  'not-enabled',
];

const ROLE_STATES: readonly RoleState[] = ['genuine', 'absent', 'look-alike'];
const REPLICATIONS = Object.keys(REPLICATING) as Replication[];

/**
 * Every fault on every target, over every replication and role state, but a dimension is not multiplied where it
 * cannot change what is read: the role read does not depend on how the Regions are named (listed only), and when
 * the scan's own Region list fails no Region is read (one replication state).
 */
const SCENARIOS: Scenario[] = FAULTS.flatMap((fault) =>
  (Object.keys(TARGETS) as Target[])
    // "Not enabled" is a property of a Region: it applies to a Region's ECR only.
    .filter((target) => fault !== 'not-enabled' || target === 'ecr')
    .flatMap((target) =>
      (target === 'role' ? (['listed'] as const) : (['listed', 'given'] as const)).flatMap((mode) =>
        (target === 'regions' && mode === 'listed' ? (['far'] as const) : REPLICATIONS).flatMap(
          (replication) => ROLE_STATES.map((role) => ({ fault, target, replication, role, mode })),
        ),
      ),
    ),
);

/** What can be seen in a scenario, and therefore which findings must follow (and which must not). */
function expectations(scenario: Scenario) {
  const { fault, target, replication, role, mode } = scenario;
  const farNotEnabled = target === 'ecr' && fault === 'not-enabled';
  const farUnseen = target === 'ecr' && !farNotEnabled;
  const listUnseen = target === 'regions' && mode === 'listed';
  // Given Regions: af-south-1 answers UnrecognizedClientException, and only the opt-in status can say why.
  const optInUnseen = target === 'regions' && mode === 'given';
  const roleUnseen = target === 'role';
  const regionUnseen = farUnseen || listUnseen || optInUnseen;

  const replicating = REPLICATING[replication];
  const seenReplicating =
    replicating !== undefined && !listUnseen && !(replicating === FAR && (farUnseen || farNotEnabled));
  const desired = seenReplicating ? 'present' : regionUnseen ? 'unknown' : 'absent';

  const findings: string[] = [];
  if (regionUnseen || roleUnseen) findings.push('OBSERVATION_INCOMPLETE');
  if (!roleUnseen && role === 'absent' && desired === 'present') findings.push('ROLE_MISSING');
  if (!roleUnseen && role === 'look-alike') findings.push('ROLE_NOT_SERVICE_LINKED');
  if (!roleUnseen && role === 'genuine' && desired === 'absent') findings.push('ROLE_ORPHANED');
  const unseen: Silence = {
    regions: [...(farUnseen ? [FAR] : []), ...(optInUnseen ? ['af-south-1'] : [])],
    role: roleUnseen,
    list: listUnseen,
  };
  return { unseen, farUnseen, desired, findings: findings.sort() };
}

/** What was not seen: Regions, the role, the list of Regions. */
interface Silence {
  readonly regions: readonly string[];
  readonly role: boolean;
  readonly list: boolean;
}

/** What the report itself says was not seen. */
function silenceIn(report: Report): Silence {
  const incomplete = report.findings.find((finding) => finding.code === 'OBSERVATION_INCOMPLETE');
  return {
    regions: report.regions.filter((region) => region.state === 'unreadable').map((region) => region.region),
    role: report.role.state === 'unreadable',
    list: incomplete?.evidence.regionListError !== undefined,
  };
}

/**
 * Safety invariant 1 over one report: when anything was not seen, OBSERVATION_INCOMPLETE says so, no orphan is
 * concluded, and a missing role is concluded only from a Region seen replicating and a role seen absent.
 */
function assertNoConclusionFromSilence(report: Report, silence: Silence): void {
  const codes = report.findings.map((finding) => finding.code);
  const regionSilence = silence.regions.length > 0 || silence.list;
  if (!regionSilence && !silence.role) return;
  expect(codes).toContain('OBSERVATION_INCOMPLETE');
  expect(codes).not.toContain('ROLE_ORPHANED');
  if (regionSilence) expect(report.desiredRole).not.toBe('absent');
  if (codes.includes('ROLE_MISSING')) {
    expect(report.role.state).toBe('absent');
    expect(report.regions.some((region) => region.state === 'replicating')).toBe(true);
  }
}

const sameSilence = (a: Silence, b: Silence) =>
  a.role === b.role && a.list === b.list && [...a.regions].sort().join() === [...b.regions].sort().join();

const account = useLocalAccount({ regions: ACCOUNT_REGIONS });

function arrange({ fault, target, replication, role }: Scenario): void {
  const replicating = REPLICATING[replication];
  // ECR creates the service-linked role when replication is put: the role state is set afterwards.
  if (replicating) {
    account.putReplication(replicating, [
      { destinations: [{ region: 'eu-west-1', registryId: account.accountId }] },
    ]);
  }
  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
  if (role === 'genuine') account.createServiceLinkedRole();
  if (role === 'look-alike') {
    account.createRole({ name: REPLICATION_ROLE.name, path: '/', trustedService: 'ec2.amazonaws.com' });
  }
  account.setFault({ ...TARGETS[target], fault });
}

describe(`fault matrix: ${SCENARIOS.length} scenarios, no conclusion from silence`, () => {
  it.each(SCENARIOS)(
    '$fault on $target, replication $replication, role $role, Regions $mode',
    async (scenario) => {
      // Prepare
      arrange(scenario);
      const expected = expectations(scenario);
      const args = [
        'scan',
        '--format',
        'json',
        '--timeout',
        scenario.fault === 'timeout' ? TIMEOUT_SECONDS.timeout : TIMEOUT_SECONDS.other,
        ...(scenario.mode === 'given' ? ['--regions', GIVEN_REGIONS] : []),
      ];

      // Act
      const run = await runMain(args, {
        env: { ...account.env, AWS_MAX_ATTEMPTS: '1' },
        clock: account.clock,
      });

      // Assess
      if (run.code === 1 && scenario.fault === 'timeout') {
        // On a loaded machine every call may miss the short limit, the identity call too: then the scan could not
        // run at all and says so. Still no conclusion from silence.
        expect(run.stdout).toBe('');
        expect(run.stderr).toMatch(/did not answer within/);
        return;
      }
      const report = JSON.parse(run.stdout) as Report;
      const silence = silenceIn(report);
      assertNoConclusionFromSilence(report, expected.unseen);
      assertNoConclusionFromSilence(report, silence);
      expect(run.code).toBe(report.findings.length > 0 ? 2 : 0);
      if (scenario.fault === 'timeout' && !sameSilence(silence, expected.unseen)) {
        // A call not meant to time out did, on a loaded machine: more silence, checked by the invariant above only.
        if (!silence.list)
          expect(silence.regions).toEqual(expect.arrayContaining([...expected.unseen.regions]));
        return;
      }
      expect(silence).toEqual(expected.unseen);
      expect(report.findings.map((finding) => finding.code).sort()).toEqual(expected.findings);
      expect(report.desiredRole).toBe(expected.desired);
      if (expected.farUnseen && scenario.fault !== 'not-enabled') {
        expect(report.regions.find((region) => region.region === FAR)).toMatchObject({
          state: 'unreadable',
          error: { code: ECR_CODE[scenario.fault as Exclude<Fault, 'not-enabled'>] },
        });
      }
    },
  );
});
