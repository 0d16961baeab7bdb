import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEVERITY_BY_CODE } from '../../functions/core/constants.js';
import { reconcileReport } from '../../functions/core/rule.js';
import type {
  AccountRead,
  AwsError,
  DeletionTask,
  FindingCode,
  RawRole,
  RegionState,
  RegistryRead,
  Report,
  RoleRead,
} from '../../functions/core/types.js';
import { ACCOUNT, accountRead, genuineRole, lookAlikeRole, registry, role } from '../support/reads.js';

const codes = (read: AccountRead): FindingCode[] =>
  reconcileReport(read).findings.map((finding) => finding.code);

describe('the rule', () => {
  it.each<[string, RegistryRead[], RoleRead, string, FindingCode[]]>([
    [
      'in sync: one Region replicates and the genuine role exists',
      [registry.replicating('us-east-1'), registry.notReplicating('eu-west-1')],
      role.present(),
      'present',
      [],
    ],
    [
      'in sync: nothing replicates and there is no role',
      [registry.notReplicating('us-east-1'), registry.notReplicating('eu-west-1')],
      role.absent(),
      'absent',
      [],
    ],
    [
      'ROLE_MISSING: a far Region replicates and the role is gone',
      [registry.notReplicating('us-east-1'), registry.replicating('ap-southeast-2', 'ap-northeast-1')],
      role.absent(),
      'present',
      ['ROLE_MISSING'],
    ],
    [
      'ROLE_ORPHANED: every Region read, none replicates, role exists',
      [registry.notReplicating('us-east-1'), registry.notReplicating('eu-west-1')],
      role.present(),
      'absent',
      ['ROLE_ORPHANED'],
    ],
    [
      'not-enabled Regions count as not replicating',
      [registry.notReplicating('us-east-1'), registry.notEnabled('af-south-1')],
      role.present(),
      'absent',
      ['ROLE_ORPHANED'],
    ],
    [
      'ROLE_NOT_SERVICE_LINKED: a look-alike squats the name while a Region replicates',
      [registry.replicating('us-east-1')],
      role.present(lookAlikeRole()),
      'present',
      ['ROLE_NOT_SERVICE_LINKED'],
    ],
    [
      'ROLE_NOT_SERVICE_LINKED, not ROLE_ORPHANED, for a look-alike when nothing replicates',
      [registry.notReplicating('us-east-1')],
      role.present(lookAlikeRole()),
      'absent',
      ['ROLE_NOT_SERVICE_LINKED'],
    ],
    [
      'ROLE_POLICY_DRIFT: an extra attached policy',
      [registry.replicating('us-east-1')],
      role.present(
        genuineRole({
          attachedPolicyArns: [
            genuineRole().attachedPolicyArns?.[0] ?? '',
            'arn:aws:iam::aws:policy/AdministratorAccess',
          ],
        }),
      ),
      'present',
      ['ROLE_POLICY_DRIFT'],
    ],
    [
      'ROLE_POLICY_DRIFT: an inline policy',
      [registry.replicating('us-east-1')],
      role.present(genuineRole({ inlinePolicyNames: ['extra'] })),
      'present',
      ['ROLE_POLICY_DRIFT'],
    ],
    [
      'ROLE_POLICY_DRIFT: the managed policy detached',
      [registry.replicating('us-east-1')],
      role.present(genuineRole({ attachedPolicyArns: [] })),
      'present',
      ['ROLE_POLICY_DRIFT'],
    ],
    [
      'OBSERVATION_INCOMPLETE alone when a Region is unreadable and none replicates',
      [registry.notReplicating('us-east-1'), registry.unreadable('eu-west-1')],
      role.present(),
      'unknown',
      ['OBSERVATION_INCOMPLETE'],
    ],
    [
      'a readable replicating Region still decides when another is unreadable',
      [registry.replicating('us-east-1'), registry.unreadable('eu-west-1')],
      role.absent(),
      'present',
      ['OBSERVATION_INCOMPLETE', 'ROLE_MISSING'],
    ],
    [
      'an unreadable role concludes nothing about the role',
      [registry.replicating('us-east-1')],
      role.unreadable(),
      'present',
      ['OBSERVATION_INCOMPLETE'],
    ],
    [
      'unreadable role policies: no drift concluded, the rest still holds',
      [registry.notReplicating('us-east-1')],
      role.present(
        genuineRole({
          attachedPolicyArns: undefined,
          inlinePolicyNames: undefined,
          policiesError: { code: 'AccessDenied', message: 'no' },
        }),
      ),
      'absent',
      ['OBSERVATION_INCOMPLETE', 'ROLE_ORPHANED'],
    ],
  ])('%s', (_name, registries, roleRead, desired, expected) => {
    // Act
    const report = reconcileReport(accountRead(registries, roleRead));

    // Assess
    expect(report.desiredRole).toBe(desired);
    expect(report.findings.map((finding) => finding.code)).toEqual(expected);
  });

  it('names the replicating Regions in ROLE_MISSING, with evidence and the AWS remediation', () => {
    const report = reconcileReport(
      accountRead(
        [registry.notReplicating('us-east-1'), registry.replicating('ap-southeast-2', 'ap-northeast-1')],
        role.absent(),
      ),
    );

    const [finding] = report.findings;
    expect(finding).toMatchObject({ code: 'ROLE_MISSING', severity: 'high', regions: ['ap-southeast-2'] });
    expect(finding?.message).toContain('ap-southeast-2');
    expect(finding?.evidence).toMatchObject({
      replicating: [
        {
          region: 'ap-southeast-2',
          destinations: [{ region: 'ap-northeast-1', registryId: '123456789012' }],
        },
      ],
    });
    expect(finding?.remediation).toContain(
      'aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com',
    );
  });

  it('gives RoleLastUsed as evidence for an orphan and the delete command', () => {
    const report = reconcileReport(accountRead([registry.notReplicating('us-east-1')], role.present()));

    const [finding] = report.findings;
    expect(finding).toMatchObject({ code: 'ROLE_ORPHANED', severity: 'low', regions: [] });
    expect(finding?.evidence.lastUsed).toEqual({ date: '2026-10-01T00:00:00.000Z', region: 'us-east-1' });
    expect(finding?.remediation).toContain(
      'aws iam delete-service-linked-role --role-name AWSServiceRoleForECRReplication',
    );
  });

  it('lists the unreadable Regions and their error codes in OBSERVATION_INCOMPLETE', () => {
    const report = reconcileReport(
      accountRead(
        [registry.unreadable('eu-west-1', 'ThrottlingException'), registry.unreadable('us-east-1')],
        role.present(),
      ),
    );

    expect(report.findings).toHaveLength(1);
    expect(report.findings[0]).toMatchObject({
      code: 'OBSERVATION_INCOMPLETE',
      severity: 'warning',
      regions: ['eu-west-1', 'us-east-1'],
      evidence: {
        unreadableRegions: [
          {
            region: 'eu-west-1',
            error: { code: 'ThrottlingException', message: 'ThrottlingException in eu-west-1' },
          },
          {
            region: 'us-east-1',
            error: { code: 'AccessDeniedException', message: 'AccessDeniedException in us-east-1' },
          },
        ],
      },
    });
  });

  it('concludes nothing when the list of Regions could not be read', () => {
    const report = reconcileReport(
      accountRead([], role.present(), { regionsError: { code: 'UnauthorizedOperation', message: 'denied' } }),
    );

    expect(report.desiredRole).toBe('unknown');
    expect(report.findings.map((finding) => finding.code)).toEqual(['OBSERVATION_INCOMPLETE']);
    expect(report.findings[0]?.evidence.regionListError).toEqual({
      code: 'UnauthorizedOperation',
      message: 'denied',
    });
  });

  it('concludes nothing from an empty list of Regions', () => {
    expect(codes(accountRead([], role.present()))).toEqual(['OBSERVATION_INCOMPLETE']);
  });
});

describe('ROLE_DELETION_BLOCKED', () => {
  const task = {
    taskId: 'task/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication/1',
    reason: undefined,
    usage: [],
  };

  it('names the Regions from RoleUsageList when the deletion task FAILED', () => {
    const report = reconcileReport(
      accountRead([registry.replicating('us-east-1'), registry.replicating('eu-west-1')], role.present(), {
        deletion: {
          ...task,
          status: 'FAILED',
          reason: 'in use',
          usage: [{ region: 'eu-west-1', resources: ['arn:aws:ecr:eu-west-1:123456789012:registry'] }],
        },
      }),
    );

    const blocked = report.findings.find((finding) => finding.code === 'ROLE_DELETION_BLOCKED');
    expect(blocked).toMatchObject({ severity: 'medium', regions: ['eu-west-1'] });
    expect(blocked?.evidence.deletionTaskId).toBe(task.taskId);
  });

  it('falls back to the replicating Regions when RoleUsageList is empty', () => {
    const report = reconcileReport(
      accountRead([registry.replicating('us-east-1')], role.present(), {
        deletion: { ...task, status: 'FAILED' },
      }),
    );

    expect(report.findings.find((f) => f.code === 'ROLE_DELETION_BLOCKED')?.regions).toEqual(['us-east-1']);
  });

  it('reports a pending deletion while Regions replicate, and not once it SUCCEEDED', () => {
    const pending = accountRead([registry.replicating('us-east-1')], role.present(), {
      deletion: { ...task, status: 'IN_PROGRESS' },
    });
    const succeeded = accountRead([registry.replicating('us-east-1')], role.absent(), {
      deletion: { ...task, status: 'SUCCEEDED' },
    });

    expect(codes(pending)).toEqual(['ROLE_DELETION_BLOCKED']);
    expect(codes(succeeded)).toEqual(['ROLE_MISSING']);
  });

  it('does not report a pending deletion when nothing replicates', () => {
    const pending = accountRead([registry.notReplicating('us-east-1')], role.present(), {
      deletion: { ...task, status: 'IN_PROGRESS' },
    });

    expect(codes(pending)).toEqual(['ROLE_ORPHANED']);
  });
});

// -----------------------------------------------------------------------------------------------------------
// The rule as properties, over arbitrary reads. Each generated case says what it is (the state the README
// gives a Region, the kind of role), so the expectations below come from the README, not from the code under
// test.
// -----------------------------------------------------------------------------------------------------------

type RoleKind = 'absent' | 'genuine' | 'drifted' | 'policies-unreadable' | 'look-alike' | 'unreadable';

interface RegionCase {
  readonly state: RegionState;
  readonly read: RegistryRead;
}

interface RoleCase {
  readonly kind: RoleKind;
  readonly read: RoleRead;
}

interface DeletionCase {
  /** Requested (NOT_STARTED, IN_PROGRESS) or FAILED: blocked while a Region replicates. */
  readonly blocking: boolean;
  readonly unreadable: boolean;
  readonly task: DeletionTask;
}

interface Scenario {
  readonly regions: readonly RegionCase[];
  readonly listError: AwsError | undefined;
  readonly role: RoleCase;
  readonly deletion: DeletionCase | undefined;
}

const REGION_NAMES = [
  'af-south-1',
  'ap-northeast-1',
  'ap-southeast-2',
  'eu-central-1',
  'eu-west-1',
  'me-south-1',
  'sa-east-1',
  'us-east-1',
  'us-west-2',
] as const;
const MANAGED_POLICY = 'arn:aws:iam::aws:policy/aws-service-role/ECRReplicationServiceRolePolicy';
const TASK_ID = 'task/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication/1';

const trust = (...principals: Record<string, string>[]) =>
  encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: principals.map((principal) => ({
        Effect: 'Allow',
        Principal: principal,
        Action: 'sts:AssumeRole',
      })),
    }),
  );

const regionName = fc.constantFrom(...REGION_NAMES);

const replicatingRegion = fc
  .record({
    region: regionName,
    to: fc.constantFrom('eu-west-1', 'ap-northeast-1', 'us-west-2'),
    mixed: fc.boolean(),
  })
  .map(
    ({ region, to, mixed }): RegionCase => ({
      state: 'replicating',
      read: mixed
        ? // One rule without destinations next to one with: the Region still replicates.
          registry.notReplicating(region, {
            rules: [{ destinations: [] }, { destinations: [{ region: to, registryId: ACCOUNT }] }],
          })
        : registry.replicating(region, to),
    }),
  );

// "A missing, null or empty configuration, or rules with no destinations, do not [replicate]" (README).
const notReplicatingRegion = fc
  .record({
    region: regionName,
    configuration: fc.constantFrom<unknown>(
      undefined,
      null,
      {},
      { rules: [] },
      { rules: [{ destinations: [] }] },
    ),
  })
  .map(
    ({ region, configuration }): RegionCase => ({
      state: 'not-replicating',
      read: registry.notReplicating(region, configuration),
    }),
  );

const notEnabledRegion = regionName.map(
  (region): RegionCase => ({
    state: 'not-enabled',
    read: registry.notEnabled(region),
  }),
);

const unreadableRegion = fc
  .record({
    region: regionName,
    code: fc.constantFrom(
      'AccessDeniedException',
      'ThrottlingException',
      'ServerException',
      'Timeout',
      'ECONNREFUSED',
    ),
  })
  .map(({ region, code }): RegionCase => ({ state: 'unreadable', read: registry.unreadable(region, code) }));

const regionsArbitrary = (minLength: number) =>
  fc.uniqueArray(
    fc.oneof(
      { withCrossShrink: true },
      { weight: 2, arbitrary: replicatingRegion },
      { weight: 3, arbitrary: notReplicatingRegion },
      { weight: 1, arbitrary: notEnabledRegion },
      { weight: 1, arbitrary: unreadableRegion },
    ),
    { selector: (region) => region.read.region, minLength, maxLength: 5 },
  );

const listError = fc.constantFrom<AwsError>(
  { code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' },
  { code: 'Timeout', message: 'DescribeRegions did not answer within 10000 ms' },
);

const regionsAndList = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.record({ regions: regionsArbitrary(1), listError: fc.constant(undefined) }) },
  // An empty list of Regions proves nothing either.
  {
    weight: 1,
    arbitrary: fc.record({ regions: fc.constant<RegionCase[]>([]), listError: fc.constant(undefined) }),
  },
  // What a scan gives the core when DescribeRegions fails: no Region read at all.
  { weight: 2, arbitrary: fc.record({ regions: fc.constant<RegionCase[]>([]), listError }) },
  // Not produced by a scan today, but the core must not rely on that.
  { weight: 1, arbitrary: fc.record({ regions: regionsArbitrary(1), listError }) },
);

const roleCase = (kind: RoleKind, ...raws: RawRole[]) =>
  fc.constantFrom(...raws).map((raw): RoleCase => ({ kind, read: role.present(raw) }));

const roleArbitrary: fc.Arbitrary<RoleCase> = fc.oneof(
  { withCrossShrink: true },
  { weight: 2, arbitrary: fc.constant<RoleCase>({ kind: 'absent', read: role.absent() }) },
  {
    weight: 2,
    arbitrary: roleCase(
      'genuine',
      genuineRole(),
      genuineRole({ lastUsed: undefined }),
      // IAM returns the trust policy URL-encoded; plain JSON is read the same.
      genuineRole({
        assumeRolePolicyDocument: decodeURIComponent(trust({ Service: 'replication.ecr.amazonaws.com' })),
      }),
    ),
  },
  roleCase(
    'drifted',
    genuineRole({ attachedPolicyArns: [MANAGED_POLICY, 'arn:aws:iam::aws:policy/AdministratorAccess'] }),
    genuineRole({ inlinePolicyNames: ['extra'] }),
    genuineRole({ attachedPolicyArns: [] }),
    genuineRole({ attachedPolicyArns: [`arn:aws:iam::${ACCOUNT}:policy/ECRReplicationServiceRolePolicy`] }),
  ),
  roleCase(
    'policies-unreadable',
    genuineRole({
      attachedPolicyArns: undefined,
      inlinePolicyNames: undefined,
      policiesError: { code: 'Throttling', message: 'Rate exceeded' },
    }),
    genuineRole({
      inlinePolicyNames: undefined,
      policiesError: { code: 'AccessDenied', message: 'not authorized to perform: iam:ListRolePolicies' },
    }),
  ),
  roleCase(
    'look-alike',
    lookAlikeRole(),
    // The genuine trust policy, at the wrong path.
    genuineRole({ arn: `arn:aws:iam::${ACCOUNT}:role/AWSServiceRoleForECRReplication`, path: '/' }),
    // The reserved path, but someone else may assume it too.
    genuineRole({
      assumeRolePolicyDocument: trust(
        { Service: 'replication.ecr.amazonaws.com' },
        { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      ),
    }),
    // IAM matches names case-insensitively: GetRole returns a role named with other casing too.
    genuineRole({ roleName: 'AWSServiceRoleForEcrReplication' }),
    genuineRole({ assumeRolePolicyDocument: undefined }),
  ),
  fc.constantFrom('AccessDenied', 'Throttling', 'Timeout').map(
    (code): RoleCase => ({
      kind: 'unreadable',
      read: { outcome: 'unreadable', error: { code, message: code } },
    }),
  ),
);

const deletionArbitrary = fc.oneof(
  { withCrossShrink: true },
  { weight: 4, arbitrary: fc.constant(undefined) },
  {
    weight: 2,
    arbitrary: fc
      .record({
        status: fc.constantFrom('SUCCEEDED', 'IN_PROGRESS', 'FAILED', 'NOT_STARTED'),
        usage: fc.constantFrom([], [{ region: 'eu-west-1', resources: [] }]),
      })
      .map(
        ({ status, usage }): DeletionCase => ({
          blocking: status !== 'SUCCEEDED',
          unreadable: false,
          task: { taskId: TASK_ID, status, reason: undefined, usage },
        }),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constant<DeletionCase>({
      blocking: false,
      unreadable: true,
      task: {
        taskId: TASK_ID,
        status: 'UNKNOWN',
        reason: undefined,
        usage: [],
        error: {
          code: 'AccessDenied',
          message: 'not authorized to perform: iam:GetServiceLinkedRoleDeletionStatus',
        },
      },
    }),
  },
);

const scenarios: fc.Arbitrary<Scenario> = fc
  .record({ list: regionsAndList, role: roleArbitrary, deletion: deletionArbitrary })
  .map(({ list, role, deletion }) => ({ ...list, role, deletion }));

function reportOf(scenario: Scenario): Report {
  return reconcileReport(
    accountRead(
      scenario.regions.map((region) => region.read),
      scenario.role.read,
      {
        ...(scenario.listError ? { regionsError: scenario.listError } : {}),
        ...(scenario.deletion ? { deletion: scenario.deletion.task } : {}),
      },
    ),
  );
}

/** What the scenario says, in the README's terms. */
function facts(scenario: Scenario) {
  const states = scenario.regions.map((region) => region.state);
  const replicating = states.includes('replicating');
  // A Region that is not enabled cannot replicate, but it is no answer from a registry either: when not one
  // registry answered (which is also how ECR answers a bad token everywhere), nothing was seen.
  const answered = replicating || states.includes('not-replicating');
  const regionUnseen = scenario.listError !== undefined || states.includes('unreadable') || !answered;
  const roleUnseen = scenario.role.kind === 'unreadable' || scenario.role.kind === 'policies-unreadable';
  const genuine = ['genuine', 'drifted', 'policies-unreadable'].includes(scenario.role.kind);
  const unreadableRegions = scenario.regions
    .filter((region) => region.state === 'unreadable')
    .map((region) => region.read.region)
    .sort();
  return { replicating, regionUnseen, roleUnseen, genuine, unreadableRegions };
}

const RUNS = { numRuns: 500 };

describe('the rule, over arbitrary reads', () => {
  it('concludes nothing from silence: an unseen Region or Region list, with no readable Region replicating, gives `unknown`, OBSERVATION_INCOMPLETE naming what was not seen, and never ROLE_ORPHANED', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        // Prepare
        const { replicating, unreadableRegions } = facts(scenario);
        const unseen = scenario.listError !== undefined || unreadableRegions.length > 0;
        fc.pre(unseen && !replicating);

        // Act
        const report = reportOf(scenario);

        // Assess
        const found = report.findings.map((finding) => finding.code);
        expect(report.desiredRole).toBe('unknown');
        expect(found).toContain('OBSERVATION_INCOMPLETE');
        expect(found).not.toContain('ROLE_ORPHANED');
        expect(found).not.toContain('ROLE_MISSING');
        const incomplete = report.findings.find((finding) => finding.code === 'OBSERVATION_INCOMPLETE');
        expect(incomplete?.regions).toEqual(unreadableRegions);
        expect(incomplete?.evidence.regionListError).toEqual(scenario.listError);
      }),
      RUNS,
    );
  });

  it('concludes nothing about a role it could not read, whatever the Regions say', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        // Act
        const report = reportOf(scenario);

        // Assess
        const found = report.findings.map((finding) => finding.code);
        if (scenario.role.kind === 'unreadable') {
          expect(found).toContain('OBSERVATION_INCOMPLETE');
          expect(found).not.toContain('ROLE_MISSING');
          expect(found).not.toContain('ROLE_ORPHANED');
          expect(found).not.toContain('ROLE_NOT_SERVICE_LINKED');
          expect(found).not.toContain('ROLE_POLICY_DRIFT');
        } else if (scenario.role.kind === 'policies-unreadable') {
          expect(found).toContain('OBSERVATION_INCOMPLETE');
          expect(found).not.toContain('ROLE_POLICY_DRIFT');
        } else {
          // A role that was read adds nothing to OBSERVATION_INCOMPLETE.
          const { regionUnseen } = facts(scenario);
          const deletionUnseen = scenario.deletion?.unreadable === true;
          expect(found.includes('OBSERVATION_INCOMPLETE')).toBe(regionUnseen || deletionUnseen);
          expect(report.role.error).toBeNull();
        }
      }),
      RUNS,
    );
  });

  it('wants the role iff a readable Region replicates; orphan only when every Region was read; missing only when one replicates', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        // Act
        const report = reportOf(scenario);

        // Assess
        const { replicating, regionUnseen, genuine } = facts(scenario);
        const found = report.findings.map((finding) => finding.code);
        expect(report.desiredRole === 'present').toBe(replicating);
        expect(report.desiredRole).toBe(replicating ? 'present' : regionUnseen ? 'unknown' : 'absent');
        expect(found.includes('ROLE_ORPHANED')).toBe(!regionUnseen && !replicating && genuine);
        expect(found.includes('ROLE_MISSING')).toBe(replicating && scenario.role.kind === 'absent');
      }),
      RUNS,
    );
  });

  it('reports exactly the findings the README table gives for the reads', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        // Act
        const report = reportOf(scenario);

        // Assess
        const { replicating, regionUnseen, roleUnseen, genuine } = facts(scenario);
        const desiredAbsent = !replicating && !regionUnseen;
        const expected: FindingCode[] = [];
        if (regionUnseen || roleUnseen || scenario.deletion?.unreadable)
          expected.push('OBSERVATION_INCOMPLETE');
        if (replicating && scenario.role.kind === 'absent') expected.push('ROLE_MISSING');
        if (scenario.role.kind === 'look-alike') expected.push('ROLE_NOT_SERVICE_LINKED');
        if (scenario.role.kind === 'drifted') expected.push('ROLE_POLICY_DRIFT');
        if (genuine && desiredAbsent) expected.push('ROLE_ORPHANED');
        if (replicating && scenario.deletion?.blocking) expected.push('ROLE_DELETION_BLOCKED');
        expect(report.findings.map((finding) => finding.code).sort()).toEqual(expected.sort());
        for (const finding of report.findings) expect(finding.severity).toBe(SEVERITY_BY_CODE[finding.code]);
      }),
      RUNS,
    );
  });
});
