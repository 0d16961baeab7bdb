import { describe, expect, it } from 'vitest';
import { roleDeletionBlocked } from '../../../functions/core/findings/role-deletion-blocked.js';
import type { AccountRead, DeletionTask } from '../../../functions/core/types.js';
import { accountRead, registry, role } from '../../support/reads.js';
import { findingFor, statusOf } from './check.js';

const TASK_ID = 'task/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication/1';
const task = (status: DeletionTask['status'], extra: Partial<DeletionTask> = {}): DeletionTask => ({
  taskId: TASK_ID,
  status,
  reason: undefined,
  usage: [],
  ...extra,
});
const replicating = [registry.replicating('us-east-1'), registry.replicating('eu-west-1')];
const idle = [registry.notReplicating('us-east-1')];

describe('ROLE_DELETION_BLOCKED', () => {
  it.each<[string, AccountRead, string]>([
    [
      'not applicable when no deletion is followed',
      accountRead(replicating, role.present()),
      'not-applicable',
    ],
    [
      'not applicable once the deletion SUCCEEDED',
      accountRead(replicating, role.absent(), { deletion: task('SUCCEEDED') }),
      'not-applicable',
    ],
    [
      'not applicable when the task could not be read (OBSERVATION_INCOMPLETE speaks)',
      accountRead(replicating, role.present(), {
        deletion: task('UNKNOWN', { error: { code: 'AccessDenied', message: 'no' } }),
      }),
      'not-applicable',
    ],
    [
      // Level-triggered: once replication is gone everywhere, the orphan rule speaks instead.
      'compliant when the deletion FAILED but nothing replicates any more',
      accountRead(idle, role.present(), { deletion: task('FAILED') }),
      'compliant',
    ],
    [
      'compliant when a pending deletion has nothing replicating in its way',
      accountRead(idle, role.present(), { deletion: task('IN_PROGRESS') }),
      'compliant',
    ],
    [
      'non-compliant when the deletion FAILED while Regions replicate',
      accountRead(replicating, role.present(), { deletion: task('FAILED') }),
      'non-compliant',
    ],
    [
      'non-compliant when a deletion is in progress while Regions replicate',
      accountRead(replicating, role.present(), { deletion: task('IN_PROGRESS') }),
      'non-compliant',
    ],
    [
      'non-compliant when a deletion is not started while Regions replicate',
      accountRead(replicating, role.present(), { deletion: task('NOT_STARTED') }),
      'non-compliant',
    ],
  ])('%s', (_name, read, status) => {
    expect(statusOf(roleDeletionBlocked, read)).toBe(status);
  });

  it('names the Regions from RoleUsageList when the task FAILED, once each', () => {
    const usage = [
      { region: 'eu-west-1', resources: ['arn:aws:ecr:eu-west-1:123456789012:registry'] },
      { region: 'eu-west-1', resources: [] },
    ];

    const finding = findingFor(
      roleDeletionBlocked,
      accountRead(replicating, role.present(), { deletion: task('FAILED', { reason: 'in use', usage }) }),
    );

    expect(finding).toMatchObject({
      code: 'ROLE_DELETION_BLOCKED',
      severity: 'medium',
      regions: ['eu-west-1'],
    });
    expect(finding.message).toBe(
      'Deletion of the role AWSServiceRoleForECRReplication failed: eu-west-1 still uses it.',
    );
    expect(finding.evidence).toEqual({
      observedAt: '2026-11-24T10:00:00.000Z',
      account: '123456789012',
      deletionTaskId: TASK_ID,
      status: 'FAILED',
      reason: 'in use',
      roleUsage: usage,
      replicating: ['eu-west-1', 'us-east-1'],
    });
    expect(Object.keys(finding.evidence)).toEqual([
      'observedAt',
      'account',
      'deletionTaskId',
      'status',
      'reason',
      'roleUsage',
      'replicating',
    ]);
    expect(finding.remediation).toContain('clear replication in eu-west-1 (');
  });

  it('falls back to the replicating Regions when RoleUsageList is empty', () => {
    const finding = findingFor(
      roleDeletionBlocked,
      accountRead(replicating, role.present(), { deletion: task('IN_PROGRESS') }),
    );

    expect(finding.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(finding.message).toBe(
      'Deletion of the role AWSServiceRoleForECRReplication was requested but cannot succeed: eu-west-1, us-east-1 still use it.',
    );
    expect(finding.evidence.reason).toBeNull();
  });

  it('is the same alert for the same task in the same state, another for another task or state', () => {
    const evidence = findingFor(
      roleDeletionBlocked,
      accountRead(replicating, role.present(), { deletion: task('IN_PROGRESS') }),
    ).evidence;
    const substance = roleDeletionBlocked.substance(evidence);

    expect(substance).toEqual({ task: TASK_ID, status: 'IN_PROGRESS' });
    expect(roleDeletionBlocked.substance({ ...evidence, observedAt: 'later', reason: 'x' })).toEqual(
      substance,
    );
    expect(roleDeletionBlocked.substance({ ...evidence, status: 'FAILED' })).not.toEqual(substance);
    expect(roleDeletionBlocked.substance({ ...evidence, deletionTaskId: `${TASK_ID}2` })).not.toEqual(
      substance,
    );
  });
});
