import { REPLICATION_ROLE } from './constants.js';

/**
 * The ARNs the reconciler reads the replication role at: every path a role of that name could have. The genuine
 * service-linked role first (the only one `iam:GetServiceLinkedRoleDeletionStatus` is authorized on), then the root
 * path (a look-alike, or where IAM looks when the role is missing), then any other path (a look-alike must be read,
 * not denied, for `ROLE_NOT_SERVICE_LINKED`). `partition` and `account` may be CloudFormation tokens or `*`.
 * @example
 * replicationRoleReadArns('aws', '*')[0];
 * // → 'arn:aws:iam::*:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication'
 */
export function replicationRoleReadArns(partition: string, account: string): string[] {
  const role = (path: string) => `arn:${partition}:iam::${account}:role${path}${REPLICATION_ROLE.name}`;
  return [role(REPLICATION_ROLE.path), role('/'), role('/*/')];
}

/**
 * The read-only role the organization mode deploys in each member account, which the hub's functions and
 * `scan` across an organization assume.
 */
export const MEMBER_READ_ROLE_NAME = 'ecr-replication-role-reconciler-read';

/** What the policy is for: see {@link iamPolicyFor}. */
export const POLICY_PURPOSES = ['scan', 'organization', 'member', 'deploy'] as const;
export type PolicyPurpose = (typeof POLICY_PURPOSES)[number];

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow';
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

const allow = (
  Sid: string,
  Action: readonly string[],
  Resource: string | readonly string[],
): PolicyStatement => ({
  Sid,
  Effect: 'Allow',
  Action,
  Resource,
});

/**
 * The permissions of the member read role ({@link MEMBER_READ_ROLE_NAME}) in one account: what a reconcile of that
 * account reads, and nothing else. One source for the role the organization mode deploys (its StackSet and the
 * management account's stacks, with CloudFormation's `AWS::Partition` and `AWS::AccountId`) and for
 * `ecr-role-reconciler policy --for member`. Both Region reads are there because a Region that answers ECR's
 * `UnrecognizedClientException` is judged not enabled only from the account's own opt-in status: the hub's
 * functions ask the Account Management API (`account:ListRegions`), `scan --organization` asks EC2
 * (`ec2:DescribeRegions`, which also lists the Regions when none are given).
 * `partition` and `account` may be CloudFormation tokens or `*`.
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsaccountmanagement.html
 * @example
 * memberReadPolicy('aws', '111122223333').Statement.map((statement) => statement.Sid);
 * // → ['ReadReplicationConfiguration', 'ReadReplicationRole', 'FollowRoleDeletion', 'ReadRegionOptInStatus', 'ListRegions']
 */
export function memberReadPolicy(partition: string, account: string): PolicyDocument {
  const roleArns = replicationRoleReadArns(partition, account);
  return {
    Version: '2012-10-17',
    Statement: [
      // DescribeRegistry has no resource type: it can only be granted on `*`.
      allow('ReadReplicationConfiguration', ['ecr:DescribeRegistry'], '*'),
      allow(
        'ReadReplicationRole',
        ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
        roleArns,
      ),
      // The deletion task id names the role; IAM authorizes this call on the role's ARN.
      allow('FollowRoleDeletion', ['iam:GetServiceLinkedRoleDeletionStatus'], [roleArns[0] as string]),
      allow(
        'ReadRegionOptInStatus',
        ['account:ListRegions'],
        [`arn:${partition}:account::${account}:account`],
      ),
      // DescribeRegions has no resource type either.
      allow('ListRegions', ['ec2:DescribeRegions'], '*'),
    ],
  };
}

/**
 * The least-privilege IAM policy a person or a CI job needs (in the `aws` partition; for another, replace `arn:aws:`):
 * - `scan`: read every Region's registry, list the Regions, read the role at any path and its deletion status,
 *   and who the caller is;
 * - `organization`: `scan`, plus listing the organization's accounts and assuming the member read role
 *   ({@link MEMBER_READ_ROLE_NAME}) in each;
 * - `deploy`: what `cdk deploy` needs of the deploying principal with the modern CDK bootstrap — assuming the
 *   bootstrap roles (`cdk-*`: deploy, file publishing, lookup), through which CloudFormation acts, and reading the
 *   stacks it deploys and the bootstrap stack;
 * - `member`: the member read role's own permissions ({@link memberReadPolicy}), for any account.
 * @see https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html
 */
export function iamPolicyFor(purpose: PolicyPurpose): PolicyDocument {
  const roleArns = replicationRoleReadArns('aws', '*');
  const scan = [
    // DescribeRegistry has no resource type: it can only be granted on `*`.
    allow('ReadReplicationConfiguration', ['ecr:DescribeRegistry'], '*'),
    allow('ListRegions', ['ec2:DescribeRegions'], '*'),
    allow(
      'ReadReplicationRole',
      ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
      roleArns,
    ),
    // The deletion task id names the role; IAM authorizes this call on the role's ARN.
    allow('FollowRoleDeletion', ['iam:GetServiceLinkedRoleDeletionStatus'], [roleArns[0] as string]),
    allow('WhoAmI', ['sts:GetCallerIdentity'], '*'),
  ];
  switch (purpose) {
    case 'scan':
      return { Version: '2012-10-17', Statement: scan };
    case 'organization':
      return {
        Version: '2012-10-17',
        Statement: [
          ...scan,
          allow(
            'ListOrganizationAccounts',
            ['organizations:ListAccounts', 'organizations:DescribeOrganization'],
            '*',
          ),
          allow('ReadMemberAccounts', ['sts:AssumeRole'], [`arn:aws:iam::*:role/${MEMBER_READ_ROLE_NAME}`]),
        ],
      };
    case 'deploy':
      return {
        Version: '2012-10-17',
        Statement: [
          allow('AssumeCdkBootstrapRoles', ['sts:AssumeRole'], ['arn:aws:iam::*:role/cdk-*']),
          allow(
            'ReadStacks',
            [
              'cloudformation:DescribeStacks',
              'cloudformation:DescribeStackEvents',
              'cloudformation:GetTemplate',
            ],
            [
              'arn:aws:cloudformation:*:*:stack/EcrReplicationRoleReconciler*/*',
              'arn:aws:cloudformation:*:*:stack/CDKToolkit/*',
            ],
          ),
        ],
      };
    case 'member':
      return memberReadPolicy('aws', '*');
  }
}
