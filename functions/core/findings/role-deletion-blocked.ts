import { REPLICATION_ROLE } from '../replication-role.js';
import type { DeletionTask } from '../types.js';
import {
  COMPLIANT,
  type FindingRule,
  NOT_APPLICABLE,
  nonCompliant,
  regionList,
  replicatingRegions,
  type Sighting,
  sighting,
} from './finding-rule.js';

const ROLE = REPLICATION_ROLE.name;
const BLOCKING: readonly DeletionTask['status'][] = ['FAILED', 'IN_PROGRESS', 'NOT_STARTED'];

export type RoleDeletionBlockedEvidence = Sighting & {
  readonly deletionTaskId: string;
  readonly status: DeletionTask['status'];
  readonly reason: string | null;
  /** `RoleUsageList` as IAM gave it. */
  readonly roleUsage: DeletionTask['usage'];
  readonly replicating: readonly string[];
};

/**
 * A requested deletion that cannot succeed: the task FAILED (its RoleUsageList names the Regions), or it is still
 * pending while Regions replicate. Not applicable without a followed task, or once it succeeded.
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetServiceLinkedRoleDeletionStatus.html
 */
export const roleDeletionBlocked: FindingRule<'ROLE_DELETION_BLOCKED', RoleDeletionBlockedEvidence> = {
  code: 'ROLE_DELETION_BLOCKED',
  severity: 'medium',
  check(view) {
    const task = view.read.deletion;
    if (!task || !BLOCKING.includes(task.status)) return NOT_APPLICABLE;
    // Level-triggered: a task that FAILED blocks only while something still replicates; once replication is gone
    // everywhere, the orphan rule speaks instead.
    const replicating = replicatingRegions(view);
    if (replicating.length === 0) return COMPLIANT;
    const usageRegions = [...new Set(task.usage.map((usage) => usage.region))].sort();
    const regions = usageRegions.length > 0 ? usageRegions : [...replicating];
    const why =
      regions.length > 0
        ? `${regionList(regions)} still ${regions.length === 1 ? 'uses' : 'use'} it`
        : task.reason;
    return nonCompliant({
      message:
        task.status === 'FAILED'
          ? `Deletion of the role ${ROLE} failed: ${why ?? 'no reason given'}.`
          : `Deletion of the role ${ROLE} was requested but cannot succeed: ${why}.`,
      regions,
      evidence: {
        ...sighting(view),
        deletionTaskId: task.taskId,
        status: task.status,
        reason: task.reason ?? null,
        roleUsage: task.usage,
        replicating,
      },
      remediation:
        `Keep the role if replication is wanted. Otherwise clear replication in ${regions.length > 0 ? regionList(regions) : 'every Region'} ` +
        '(`aws ecr put-replication-configuration --region <region> --replication-configuration \'{"rules":[]}\'`) ' +
        `and delete again: \`aws iam delete-service-linked-role --role-name ${ROLE}\`.`,
    });
  },
  // Another task, or the same task in another state, is news.
  substance: (evidence) => ({ task: evidence.deletionTaskId, status: evidence.status }),
};
