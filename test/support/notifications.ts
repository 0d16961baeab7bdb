import type { Notification } from '../../functions/core/alert-types.js';
import type { AnnouncedFinding } from '../../functions/core/types.js';
import { ACCOUNT, OBSERVED_AT } from './reads.js';

/** Builders for the notifications the alert channels are given. Each call returns a fresh object. */

/** A ROLE_MISSING finding as it is announced: two Regions, its evidence, a remediation holding a command. */
export function announcedFinding(overrides: Partial<AnnouncedFinding> = {}): AnnouncedFinding {
  return {
    code: 'ROLE_MISSING',
    severity: 'high',
    message: 'eu-west-1 replicates but the role AWSServiceRoleForECRReplication does not exist.',
    regions: ['eu-west-1', 'us-west-2'],
    evidence: {
      observedAt: OBSERVED_AT,
      account: ACCOUNT,
      getRole: 'NoSuchEntity',
      replicating: ['eu-west-1'],
    },
    remediation:
      'Re-create the role with `aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com`.',
    ...overrides,
  };
}

/** The first announcement of {@link announcedFinding} (`opened`, no trigger: found by the schedule). */
export function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    transition: 'opened',
    account: ACCOUNT,
    finding: announcedFinding(),
    observedAt: OBSERVED_AT,
    ...overrides,
  };
}
