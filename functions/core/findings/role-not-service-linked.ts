import { trustedPrincipals } from '../normalize.js';
import { REPLICATION_ROLE } from '../replication-role.js';
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

export type RoleNotServiceLinkedEvidence = Sighting & {
  readonly roleName: string;
  readonly arn: string;
  readonly path: string;
  readonly expectedPath: string;
  readonly trustedPrincipals: readonly string[] | 'unparseable trust policy';
  readonly expectedPrincipal: string;
  readonly createDate: string | null;
};

/**
 * A role of that name exists but is not the genuine service-linked role (see `isServiceLinked`): ECR cannot create
 * the real one, and someone else may assume this one. Applies whether or not a Region replicates.
 */
export const roleNotServiceLinked: FindingRule<'ROLE_NOT_SERVICE_LINKED', RoleNotServiceLinkedEvidence> = {
  code: 'ROLE_NOT_SERVICE_LINKED',
  severity: 'high',
  check(view) {
    const roleRead = view.read.role;
    if (roleRead.outcome !== 'present') return NOT_APPLICABLE;
    if (view.role.serviceLinked) return COMPLIANT;
    const { role } = roleRead;
    const replicating = replicatingRegions(view);
    return nonCompliant({
      message:
        `A role named ${role.roleName} exists but is not the ECR service-linked role: ECR cannot create the genuine role` +
        (replicating.length > 0 ? `, so replication from ${regionList(replicating)} fails.` : '.'),
      regions: replicating,
      evidence: {
        ...sighting(view),
        roleName: role.roleName,
        arn: role.arn,
        path: role.path,
        expectedPath: REPLICATION_ROLE.path,
        trustedPrincipals: trustedPrincipals(role.assumeRolePolicyDocument) ?? 'unparseable trust policy',
        expectedPrincipal: REPLICATION_ROLE.servicePrincipal,
        createDate: role.createDate ?? null,
      },
      remediation:
        `Find who created it (CloudTrail \`CreateRole\` for ${role.roleName}), then remove the look-alike ` +
        `(detach its policies, \`aws iam delete-role --role-name ${role.roleName}\`) and let ECR create the genuine role: ` +
        '`aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com`.',
    });
  },
  // Another look-alike, or the same one trusting someone else, is news.
  substance: (evidence) => ({ arn: evidence.arn, trusted: evidence.trustedPrincipals }),
};
