import type { Clock } from '../clock.js';
import { EXIT_CODES } from '../core/constants.js';
import { iamPolicyFor, MEMBER_READ_ROLE_NAME, POLICY_PURPOSES } from '../core/permissions.js';
import { oneOf, parseFlags } from './args.js';
import type { Output } from './output.js';

const POLICY_HELP = `Usage: ecr-role-reconciler policy [--for scan|organization|member|deploy]

Prints the least-privilege IAM policy (JSON) a person or a CI job needs, ready for
\`aws iam create-policy --policy-document file://policy.json\`. Read-only, except deploy.

  scan          (default) scan one account: ecr:DescribeRegistry and ec2:DescribeRegions (*), iam:GetRole,
                ListAttachedRolePolicies, ListRolePolicies on the replication role at any path,
                iam:GetServiceLinkedRoleDeletionStatus on the service-linked role, sts:GetCallerIdentity
  organization  scan, plus organizations:ListAccounts and DescribeOrganization, and sts:AssumeRole on
                ${MEMBER_READ_ROLE_NAME}, the read-only role the organization mode deploys in
                each member account
  member        the permissions of that read role itself (what the member StackSet deploys):
                ecr:DescribeRegistry, the replication role's reads, and the Region opt-in reads
  deploy        what \`cdk deploy\` needs of the deploying principal: sts:AssumeRole on the CDK bootstrap
                roles (cdk-*), through which CloudFormation deploys, and reading the stacks

ARNs are for the aws partition: for another, replace arn:aws: (arn:aws-cn:, arn:aws-us-gov:).

Options:
  --for scan|organization|member|deploy
                                  What the policy is for (default: scan)
  -h, --help                      Show this help`;

/** `policy`: the IAM policy for scan, an organization-wide scan or a deployment, as JSON on stdout. */
export async function policyCommand(
  args: readonly string[],
  output: Output,
  _env: Readonly<Record<string, string | undefined>>,
  _clock: Clock,
): Promise<number> {
  const { values } = parseFlags('policy', args, { for: { type: 'string' } });
  if (values.help) {
    output.out(POLICY_HELP);
    return EXIT_CODES.inSync;
  }
  const purpose = oneOf('for', values.for, POLICY_PURPOSES, 'scan');
  output.out(JSON.stringify(iamPolicyFor(purpose), null, 2));
  return EXIT_CODES.inSync;
}
