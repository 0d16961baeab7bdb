import { type CfnCondition, CfnResource } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { REPLICATION_ROLE } from '../functions/core/constants.js';
import { addNagSuppressions } from './nag-suppressions.js';

/** Puts every CloudFormation resource under `constructs` (their policies included) under `condition`. */
export function onlyIf(condition: CfnCondition, constructs: readonly IConstruct[]): void {
  for (const construct of constructs) {
    for (const child of construct.node.findAll()) {
      if (CfnResource.isCfnResource(child)) child.cfnOptions.condition = condition;
    }
  }
}

/** The read role's acknowledged cdk-nag findings, each with its reason. */
export function addReadRoleNagSuppressions(role: iam.CfnRole): void {
  addNagSuppressions(role, [
    {
      id: 'AwsSolutions-IAM5',
      reason:
        'ecr:DescribeRegistry and ec2:DescribeRegions have no resource type: IAM only accepts "*" for them. The ' +
        `role reads (GetRole, ListAttachedRolePolicies, ListRolePolicies) cover a role named ${REPLICATION_ROLE.name} ` +
        'at any path of this account, so that a look-alike role is read and reported, not denied.',
      appliesTo: [
        'Resource::*',
        `Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*/${REPLICATION_ROLE.name}`,
      ],
    },
  ]);
}
