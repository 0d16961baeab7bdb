import { describe, expect, it } from 'vitest';
import { reconcileReport } from '../../functions/core/rule.js';
import type { AccountRead, FindingCode, RegistryRead, RoleRead } from '../../functions/core/types.js';
import { accountRead, genuineRole, lookAlikeRole, registry, role } from '../support/reads.js';

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

    const finding = report.findings.find((candidate) => candidate.code === 'ROLE_ORPHANED');
    expect(report.findings).toHaveLength(1);
    expect(finding).toMatchObject({ severity: 'low', regions: [] });
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
    const incomplete = report.findings.find((finding) => finding.code === 'OBSERVATION_INCOMPLETE');
    expect(incomplete?.evidence.regionListError).toEqual({
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
