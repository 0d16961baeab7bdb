import { hasOnlyManagedPolicy } from '../normalize.js';
import { MANAGED_POLICY_ARN_PATTERN, managedPolicyArn, REPLICATION_ROLE } from '../replication-role.js';
import {
  COMPLIANT,
  type FindingRule,
  NOT_APPLICABLE,
  nonCompliant,
  type Sighting,
  sighting,
} from './finding-rule.js';

const ROLE = REPLICATION_ROLE.name;

export type RolePolicyDriftEvidence = Sighting & {
  readonly arn: string;
  readonly expectedPolicyArns: readonly string[];
  /** Sorted. */
  readonly attachedPolicyArns: readonly string[];
  /** Sorted. */
  readonly inlinePolicyNames: readonly string[];
  readonly missing: readonly string[];
  readonly unexpected: readonly string[];
};

/**
 * The genuine role does not carry exactly the managed policy. Not applicable to a look-alike (its own finding
 * speaks) nor when the policies could not be read (nothing is concluded from what was not seen).
 */
export const rolePolicyDrift: FindingRule<'ROLE_POLICY_DRIFT', RolePolicyDriftEvidence> = {
  code: 'ROLE_POLICY_DRIFT',
  severity: 'medium',
  check(view) {
    const roleRead = view.read.role;
    if (roleRead.outcome !== 'present' || !view.role.serviceLinked) return NOT_APPLICABLE;
    const { role } = roleRead;
    const exact = hasOnlyManagedPolicy(role);
    if (exact === undefined) return NOT_APPLICABLE;
    if (exact) return COMPLIANT;
    const attached = [...(role.attachedPolicyArns ?? [])].sort();
    const inline = [...(role.inlinePolicyNames ?? [])].sort();
    const expected = managedPolicyArn(view.read.partition);
    return nonCompliant({
      message: `The role ${ROLE} does not carry exactly the managed policy ${REPLICATION_ROLE.managedPolicyName}.`,
      regions: [],
      evidence: {
        ...sighting(view),
        arn: role.arn,
        expectedPolicyArns: [expected],
        attachedPolicyArns: attached,
        inlinePolicyNames: inline,
        missing: attached.some((arn) => MANAGED_POLICY_ARN_PATTERN.test(arn)) ? [] : [expected],
        unexpected: [...attached.filter((arn) => !MANAGED_POLICY_ARN_PATTERN.test(arn)), ...inline],
      },
      remediation:
        `Review with \`aws iam list-attached-role-policies --role-name ${ROLE}\` and \`aws iam list-role-policies --role-name ${ROLE}\`. ` +
        'A service-linked role is protected from edits: if it still differs, remove replication in every Region, ' +
        `delete the role (\`aws iam delete-service-linked-role --role-name ${ROLE}\`) and configure replication again, ` +
        'or contact AWS Support.',
    });
  },
  // What differs, not the whole listing: the same difference read again is the same alert.
  substance: (evidence) => ({ unexpected: evidence.unexpected, missing: evidence.missing }),
};
