import { describe, expect, it } from 'vitest';
import {
  iamPolicyFor,
  MEMBER_READ_ROLE_NAME,
  memberReadPolicy,
  POLICY_PURPOSES,
  replicationRoleReadArns,
} from '../../functions/core/permissions.js';

const WRITE = /:(Create|Delete|Put|Update|Attach|Detach|Tag|Untag|Pass|Set|Enable|Disable)/;
const actionsOf = (purpose: (typeof POLICY_PURPOSES)[number]) =>
  iamPolicyFor(purpose).Statement.flatMap((statement) => statement.Action);

describe('memberReadPolicy', () => {
  it('reads one account’s registry, replication role, role deletion and Region opt-in status, in its partition', () => {
    const roleArns = replicationRoleReadArns('aws-cn', '111122223333');
    expect(memberReadPolicy('aws-cn', '111122223333')).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadReplicationConfiguration',
          Effect: 'Allow',
          Action: ['ecr:DescribeRegistry'],
          Resource: '*',
        },
        {
          Sid: 'ReadReplicationRole',
          Effect: 'Allow',
          Action: ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
          Resource: roleArns,
        },
        {
          Sid: 'FollowRoleDeletion',
          Effect: 'Allow',
          Action: ['iam:GetServiceLinkedRoleDeletionStatus'],
          Resource: [roleArns[0]],
        },
        {
          Sid: 'ReadRegionOptInStatus',
          Effect: 'Allow',
          Action: ['account:ListRegions'],
          Resource: ['arn:aws-cn:account::111122223333:account'],
        },
        { Sid: 'ListRegions', Effect: 'Allow', Action: ['ec2:DescribeRegions'], Resource: '*' },
      ],
    });
    expect(roleArns[0]).toBe(
      'arn:aws-cn:iam::111122223333:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication',
    );
  });

  it('covers every call a reconcile of a member account makes, and what scan needs to list the Regions', () => {
    const member = actionsOf('member');
    const scan = actionsOf('scan').filter((action) => action !== 'sts:GetCallerIdentity');
    expect(member).toEqual(expect.arrayContaining(scan));
    expect(member).toContain('account:ListRegions');
  });
});

describe('iamPolicyFor', () => {
  it('prints the member read role’s policy for any account with --for member', () => {
    expect(POLICY_PURPOSES).toEqual(['scan', 'organization', 'member', 'deploy']);
    expect(iamPolicyFor('member')).toEqual(memberReadPolicy('aws', '*'));
  });

  it.each(['scan', 'organization', 'member'] as const)('grants no write for %s', (purpose) => {
    expect(actionsOf(purpose).filter((action) => WRITE.test(action))).toEqual([]);
  });

  it('lets an organization scan assume the member read role only', () => {
    const assume = iamPolicyFor('organization').Statement.filter((statement) =>
      statement.Action.includes('sts:AssumeRole'),
    );
    expect(assume.map((statement) => statement.Resource)).toEqual([
      [`arn:aws:iam::*:role/${MEMBER_READ_ROLE_NAME}`],
    ]);
  });
});
