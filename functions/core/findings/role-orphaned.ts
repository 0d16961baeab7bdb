import { REPLICATION_ROLE } from '../replication-role.js';
import {
  COMPLIANT,
  type FindingRule,
  NOT_APPLICABLE,
  nonCompliant,
  regionsIn,
  type Sighting,
  sighting,
} from './finding-rule.js';

const ROLE = REPLICATION_ROLE.name;

export type RoleOrphanedEvidence = Sighting & {
  readonly arn: string;
  readonly createDate: string | null;
  /** `RoleLastUsed` as IAM gave it. */
  readonly lastUsed: { readonly date: string | undefined; readonly region: string | undefined } | null;
  readonly regionsRead: readonly string[];
  readonly regionsNotEnabled: readonly string[];
};

/**
 * Every Region was read, none replicates, and the genuine role exists: an unused privileged role. Not applicable
 * while the role is wanted or that is unknown (a Region unseen), nor to a look-alike (its own finding speaks).
 */
export const roleOrphaned: FindingRule<'ROLE_ORPHANED', RoleOrphanedEvidence> = {
  code: 'ROLE_ORPHANED',
  severity: 'low',
  check(view) {
    const roleRead = view.read.role;
    if (view.desiredRole !== 'absent' || roleRead.outcome === 'unreadable') return NOT_APPLICABLE;
    if (roleRead.outcome === 'absent') return COMPLIANT;
    if (!view.role.serviceLinked) return NOT_APPLICABLE;
    const { role } = roleRead;
    return nonCompliant({
      message: `No Region replicates (${view.regions.length} read), yet the role ${ROLE} exists: an unused privileged role.`,
      regions: [],
      evidence: {
        ...sighting(view),
        arn: role.arn,
        createDate: role.createDate ?? null,
        lastUsed: role.lastUsed ?? null,
        regionsRead: regionsIn(view, 'not-replicating'),
        regionsNotEnabled: regionsIn(view, 'not-enabled'),
      },
      remediation:
        'Replication is already removed in every Region. If none is planned, delete the role: ' +
        `\`aws iam delete-service-linked-role --role-name ${ROLE}\`, then follow the task with ` +
        '`aws iam get-service-linked-role-deletion-status --deletion-task-id <DeletionTaskId>`.',
    });
  },
  substance: () => ({}),
};
