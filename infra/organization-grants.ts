import { Aws } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { addNagSuppressions } from './nag-suppressions.js';
import type { ValidatedOrganization } from './organization-props.js';
import type { ReconcilerFunction } from './reconciler-function.js';

/**
 * Lets a function read the member accounts: assume the read role, by its name in any account, only when the role
 * belongs to the organization. `aws:ResourceOrgID` is the organization of the account that owns the resource of the
 * request, here the role being assumed; IAM puts it in the request context whenever that account is in an
 * organization (the data-perimeter guidance applies it to `sts:AssumeRole` in the same way). The read role's own
 * trust policy, in turn, admits only these functions' roles, from the organization (`aws:PrincipalOrgID`).
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid
 */
export function grantMemberReads(fn: ReconcilerFunction, organization: ValidatedOrganization): void {
  const readRoles = `arn:${Aws.PARTITION}:iam::*:role/${organization.readRoleName}`;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ReadMemberAccounts',
      actions: ['sts:AssumeRole'],
      resources: [readRoles],
      conditions: { StringEquals: { 'aws:ResourceOrgID': organization.organizationId } },
    }),
  );
  addNagSuppressions(
    fn.role as iam.Role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'The read role has the same name in every member account, and the accounts are whatever the ' +
          'organization holds now, so the account is "*"; the role must belong to the organization ' +
          '(aws:ResourceOrgID), and its own trust policy names these roles only.',
        appliesTo: [`Resource::arn:<AWS::Partition>:iam::*:role/${organization.readRoleName}`],
      },
    ],
    true,
  );
}

/**
 * The account register (organization mode) lives in the alert table: one item per account, each attribute changed
 * by an `UpdateItem` of its own so that two writers never undo one another. `GetItem` and `Query` are granted with
 * the alert state already.
 */
export function grantAccountRegister(fn: ReconcilerFunction, table: dynamodb.ITable): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'KeepAccountRegister',
      actions: ['dynamodb:UpdateItem'],
      resources: [table.tableArn],
    }),
  );
}

/** The sweep reads the account register (which accounts may have open alerts), a `Query` of its one partition. */
export function grantAccountRegisterRead(fn: ReconcilerFunction, table: dynamodb.ITable): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ReadAccountRegister',
      actions: ['dynamodb:Query'],
      resources: [table.tableArn],
    }),
  );
}

/**
 * How the sweep lists the organization's accounts: through the management account's role when one is given (only
 * `sts:AssumeRole` on that one ARN), else with its own credentials as a delegated administrator
 * (`organizations:ListAccounts`, which has no resource type: `*`).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
 */
export function grantAccountListing(fn: ReconcilerFunction, organization: ValidatedOrganization): void {
  const listRole = organization.managementAccountListRoleArn;
  if (listRole !== undefined) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'AssumeOrganizationListRole',
        actions: ['sts:AssumeRole'],
        resources: [listRole],
      }),
    );
    return;
  }
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ListOrganizationAccounts',
      actions: ['organizations:ListAccounts'],
      resources: ['*'],
    }),
  );
  addNagSuppressions(
    fn.role as iam.Role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'organizations:ListAccounts has no resource type: IAM only accepts "*" for it.',
        appliesTo: ['Resource::*'],
      },
    ],
    true,
  );
}
