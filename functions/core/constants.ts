/**
 * Facts about the ECR replication service-linked role.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/userguide/slr-replication.html
 */
export const REPLICATION_ROLE = {
  name: 'AWSServiceRoleForECRReplication',
  servicePrincipal: 'replication.ecr.amazonaws.com',
  path: '/aws-service-role/replication.ecr.amazonaws.com/',
  managedPolicyName: 'ECRReplicationServiceRolePolicy',
} as const;

/** `arn:<partition>:iam::aws:policy/aws-service-role/ECRReplicationServiceRolePolicy` in any partition. */
export const MANAGED_POLICY_ARN_PATTERN =
  /^arn:aws(?:-[a-z]+)*:iam::aws:policy\/aws-service-role\/ECRReplicationServiceRolePolicy$/;

export function managedPolicyArn(partition = 'aws'): string {
  return `arn:${partition}:iam::aws:policy/aws-service-role/${REPLICATION_ROLE.managedPolicyName}`;
}

export function replicationRoleArn(account: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${account}:role${REPLICATION_ROLE.path}${REPLICATION_ROLE.name}`;
}

export const FINDING_CODES = [
  'ROLE_MISSING',
  'ROLE_ORPHANED',
  'ROLE_NOT_SERVICE_LINKED',
  'ROLE_POLICY_DRIFT',
  'ROLE_DELETION_BLOCKED',
  'OBSERVATION_INCOMPLETE',
] as const;

export const SEVERITY_BY_CODE = {
  ROLE_MISSING: 'high',
  ROLE_NOT_SERVICE_LINKED: 'high',
  ROLE_POLICY_DRIFT: 'medium',
  ROLE_DELETION_BLOCKED: 'medium',
  ROLE_ORPHANED: 'low',
  OBSERVATION_INCOMPLETE: 'warning',
} as const;

/** Process exit codes: a public contract of the CLI. */
export const EXIT_CODES = { inSync: 0, couldNotRun: 1, findings: 2 } as const;
