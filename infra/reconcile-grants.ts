import { Aws } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { REPLICATION_ROLE } from '../functions/core/constants.js';
import { replicationRoleReadArns as rolePathArns } from '../functions/core/permissions.js';
import { addNagSuppressions } from './nag-suppressions.js';
import type { ReconcilerFunction } from './reconciler-function.js';
import { readSlackWebhookGrant } from './slack-webhook-secret.js';

/** What a reconcile writes to, besides the account it reads. */
interface ReconcileResources {
  readonly topic: sns.ITopic;
  readonly key: kms.IKey;
  readonly table: dynamodb.ITable;
  readonly slackWebhookSecret: secretsmanager.ISecret | undefined;
}

/** The IAM resources the reconciler reads: every path a role of that name could have. */
function replicationRoleReadArns(): string[] {
  // The genuine role, the root path, any other path: one list, shared with `ecr-role-reconciler policy`.
  return rolePathArns(Aws.PARTITION, Aws.ACCOUNT_ID);
}

/**
 * What a reconcile reads and writes, granted as explicit statements (the `grant*` helpers give more). The functions
 * are always told the watched Regions, so they never list them (no `ec2:DescribeRegions`); they read the Regions'
 * opt-in status (`account:ListRegions`) only to tell a Region not enabled from a bad token.
 */
export function grantReconcile(fn: ReconcilerFunction, resources: ReconcileResources): void {
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadReplicationConfiguration',
      actions: ['ecr:DescribeRegistry'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadReplicationRole',
      actions: ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
      resources: replicationRoleReadArns(),
    }),
    // Whether a Region that answers UnrecognizedClientException is really not enabled (else it is unreadable):
    // asked only then. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsaccountmanagement.html
    new iam.PolicyStatement({
      sid: 'ReadRegionOptInStatus',
      actions: ['account:ListRegions'],
      resources: [`arn:${Aws.PARTITION}:account::${Aws.ACCOUNT_ID}:account`],
    }),
    // The deletion task id names the role; IAM authorizes this call on the role's ARN.
    new iam.PolicyStatement({
      sid: 'FollowRoleDeletion',
      actions: ['iam:GetServiceLinkedRoleDeletionStatus'],
      resources: [replicationRoleReadArns()[0] as string],
    }),
    new iam.PolicyStatement({
      sid: 'PublishAlerts',
      actions: ['sns:Publish'],
      resources: [resources.topic.topicArn],
    }),
    // Publishing to an encrypted topic: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    new iam.PolicyStatement({
      sid: 'EncryptAlerts',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [resources.key.keyArn],
    }),
    new iam.PolicyStatement({
      sid: 'KeepAlertState',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
      resources: [resources.table.tableArn],
    }),
  ];
  const slack = resources.slackWebhookSecret
    ? readSlackWebhookGrant(fn, resources.slackWebhookSecret)
    : undefined;
  for (const statement of [...statements, ...(slack?.statements ?? [])]) fn.addToRolePolicy(statement);

  const role = fn.role as iam.Role;
  addNagSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'ecr:DescribeRegistry has no resource type: IAM only accepts "*" for it. kms:Decrypt of the Slack ' +
          'secret is on "*" because the secret\'s key is not known here; it is limited to Secrets Manager in the ' +
          "secret's Region and to that secret (kms:ViaService, kms:EncryptionContext:SecretARN). " +
          'The role reads (GetRole, ListAttachedRolePolicies, ListRolePolicies) cover a role named ' +
          `${REPLICATION_ROLE.name} at any path, so that a look-alike role is read and reported, not denied.` +
          (slack?.matchesSuffix
            ? ' A partial secret ARN must match the six characters Secrets Manager appends to the name.'
            : ''),
        appliesTo: [
          'Resource::*',
          `Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*/${REPLICATION_ROLE.name}`,
          ...(slack?.matchesSuffix ? [`Resource::${slack.resource}`] : []),
        ],
      },
    ],
    true,
  );
}
