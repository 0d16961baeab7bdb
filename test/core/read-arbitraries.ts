import fc from 'fast-check';
import type {
  AccountRead,
  AwsError,
  DeletionTask,
  RawRole,
  RegionState,
  RegistryRead,
  RoleRead,
} from '../../functions/core/types.js';
import { ACCOUNT, accountRead, genuineRole, lookAlikeRole, registry, role } from '../support/reads.js';

/*
 * Arbitrary account reads for the rule's properties and its characterization. Each generated case says what it
 * is (the state the README gives a Region, the kind of role), so that expectations can come from the README, not
 * from the code under test.
 */

export type RoleKind = 'absent' | 'genuine' | 'drifted' | 'policies-unreadable' | 'look-alike' | 'unreadable';

export interface RegionCase {
  readonly state: RegionState;
  readonly read: RegistryRead;
}

export interface RoleCase {
  readonly kind: RoleKind;
  readonly read: RoleRead;
}

export interface DeletionCase {
  /** Requested (NOT_STARTED, IN_PROGRESS) or FAILED: blocked while a Region replicates. */
  readonly blocking: boolean;
  readonly unreadable: boolean;
  readonly task: DeletionTask;
}

export interface Scenario {
  readonly regions: readonly RegionCase[];
  readonly listError: AwsError | undefined;
  readonly role: RoleCase;
  readonly deletion: DeletionCase | undefined;
}

export const REGION_NAMES = [
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
  (region): RegionCase => ({ state: 'not-enabled', read: registry.notEnabled(region) }),
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

const regionsArbitrary = (minLength: number, maxLength: number) =>
  fc.uniqueArray(
    fc.oneof(
      { withCrossShrink: true },
      { weight: 2, arbitrary: replicatingRegion },
      { weight: 3, arbitrary: notReplicatingRegion },
      { weight: 1, arbitrary: notEnabledRegion },
      { weight: 1, arbitrary: unreadableRegion },
    ),
    { selector: (region) => region.read.region, minLength, maxLength },
  );

const listError = fc.constantFrom<AwsError>(
  { code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' },
  { code: 'Timeout', message: 'DescribeRegions did not answer within 10000 ms' },
);

const regionsAndList = (maxRegions: number) =>
  fc.oneof(
    { withCrossShrink: true },
    {
      weight: 6,
      arbitrary: fc.record({ regions: regionsArbitrary(1, maxRegions), listError: fc.constant(undefined) }),
    },
    // An empty list of Regions proves nothing either.
    {
      weight: 1,
      arbitrary: fc.record({ regions: fc.constant<RegionCase[]>([]), listError: fc.constant(undefined) }),
    },
    // What a scan gives the core when DescribeRegions fails: no Region read at all.
    { weight: 2, arbitrary: fc.record({ regions: fc.constant<RegionCase[]>([]), listError }) },
    // Not produced by a scan today, but the core must not rely on that.
    { weight: 1, arbitrary: fc.record({ regions: regionsArbitrary(1, maxRegions), listError }) },
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

const usages = [[], [{ region: 'eu-west-1', resources: [] }]] as const;

const deletionArbitrary = (usage: readonly (readonly DeletionTask['usage'][number][])[]) =>
  fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          status: fc.constantFrom('SUCCEEDED', 'IN_PROGRESS', 'FAILED', 'NOT_STARTED'),
          usage: fc.constantFrom(...usage),
          reason: fc.constantFrom(undefined, 'Role is in use by replication.ecr.amazonaws.com'),
        })
        .map(
          ({ status, usage, reason }): DeletionCase => ({
            blocking: status !== 'SUCCEEDED',
            unreadable: false,
            task: { taskId: TASK_ID, status, reason, usage },
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

/** Scenarios for the rule's properties: up to five Regions. */
export const scenarios: fc.Arbitrary<Scenario> = fc
  .record({ list: regionsAndList(5), role: roleArbitrary, deletion: deletionArbitrary(usages) })
  .map(({ list, role, deletion }) => ({ ...list, role, deletion }));

/** The account read a scenario stands for. */
export function readOf(scenario: Scenario, extra: Partial<AccountRead> = {}): AccountRead {
  return accountRead(
    scenario.regions.map((region) => region.read),
    scenario.role.read,
    {
      ...(scenario.listError ? { regionsError: scenario.listError } : {}),
      ...(scenario.deletion ? { deletion: scenario.deletion.task } : {}),
      ...extra,
    },
  );
}

/**
 * Wider reads, for characterizing the reports: every Region name (so that long lists are cut), the partitions
 * the managed policy ARN is spelled in, and deletion tasks whose usage names several Regions.
 */
export const accountReads: fc.Arbitrary<AccountRead> = fc
  .record({
    list: fc.oneof(regionsAndList(3), regionsAndList(REGION_NAMES.length)),
    role: roleArbitrary,
    deletion: deletionArbitrary([
      ...usages,
      [
        { region: 'us-west-2', resources: ['arn:aws:ecr:us-west-2:123456789012:registry'] },
        { region: 'eu-west-1', resources: [] },
        { region: 'us-west-2', resources: [] },
      ],
    ]),
    partition: fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'),
  })
  .map(({ list, role, deletion, partition }) => readOf({ ...list, role, deletion }, { partition }));
