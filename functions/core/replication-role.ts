/**
 * Facts about the ECR replication service-linked role. Kept apart from `constants.ts`, which lists the finding
 * rules: the rules read these facts, and importing `constants.ts` from them would be an import cycle.
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
