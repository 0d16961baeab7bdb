import { App, Aspects } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { iamPolicyFor, MEMBER_READ_ROLE_NAME, memberReadPolicy } from '../../functions/core/permissions.js';
import {
  ECR_REPLICATION_CHANGE_PATTERN,
  IAM_REPLICATION_ROLE_CHANGE_PATTERN,
  REGION_OPT_IN_PATTERN,
} from '../../infra/event-patterns.js';
import { MemberStack } from '../../infra/member-stack.js';
import { memberStackRegions, memberTemplateBody } from '../../infra/member-template.js';
import { conditionsAt, resourcesAt } from './member-conditions.js';
import { type Json, partitionArn, policyStatements, type Resources, type Statement } from './templates.js';

const HUB_ACCOUNT = '111122223333';
const MEMBER_ACCOUNT = '444455556666';
const app = new App();
const member = new MemberStack(app, 'Member', {
  hubRegion: 'us-east-1',
  ecrRegions: ['us-east-1', 'eu-west-1'],
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
const template = Template.fromStack(member);
const json = template.toJSON() as {
  Conditions: Record<string, unknown>;
  Parameters: Record<string, Json>;
  Resources: Resources & Json;
};
const resources = json.Resources as Record<string, { Type: string; Properties?: Json; Condition?: string }>;
const logicalIdOf = (type: string, prefix: string) =>
  Object.keys(resources).find((key) => resources[key]?.Type === type && key.startsWith(prefix)) as string;

/** The types of the resources a stack in `region` of `account` holds, sorted. */
function typesAt(region: string, account: string): string[] {
  return resourcesAt(json, region, account, HUB_ACCOUNT)
    .map((logicalId) => resources[logicalId]?.Type as string)
    .sort();
}
const conditionsIn = (region: string, account: string) => conditionsAt(json, region, account, HUB_ACCOUNT);

const FORWARDING = ['AWS::IAM::Role', 'AWS::IAM::Policy'];
const ECR_FORWARDING = ['AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::Events::Rule'];
const GLOBAL_FORWARDING = [
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  'AWS::Events::Rule',
  'AWS::Events::Rule',
];
const ANCHOR = 'AWS::CloudFormation::WaitConditionHandle';

describe('MemberStack: one template for every account and Region', () => {
  it.each([
    [
      'a member account, us-east-1 (watched, global events)',
      'us-east-1',
      MEMBER_ACCOUNT,
      [ANCHOR, ...FORWARDING, ...ECR_FORWARDING, ...GLOBAL_FORWARDING, 'AWS::IAM::Role'],
    ],
    [
      'a member account, eu-west-1 (watched)',
      'eu-west-1',
      MEMBER_ACCOUNT,
      [ANCHOR, ...FORWARDING, ...ECR_FORWARDING],
    ],
    ['a member account, a Region neither watched nor global', 'ap-south-1', MEMBER_ACCOUNT, [ANCHOR]],
    ['the hub account, us-east-1: the read role only', 'us-east-1', HUB_ACCOUNT, [ANCHOR, 'AWS::IAM::Role']],
    ['the hub account, eu-west-1: nothing', 'eu-west-1', HUB_ACCOUNT, [ANCHOR]],
  ])('holds what it must in %s', (_name, region, account, expected) => {
    expect(typesAt(region, account)).toEqual([...expected].sort());
  });

  it('forwards IAM and opt-in events and creates the read role in the global-events Region only', () => {
    expect(conditionsIn('us-east-1', MEMBER_ACCOUNT)).toMatchObject({
      InGlobalEventsRegion: true,
      ForwardsGlobalEvents: true,
    });
    for (const region of ['eu-west-1', 'us-west-2']) {
      expect(conditionsIn(region, MEMBER_ACCOUNT)).toMatchObject({
        InGlobalEventsRegion: false,
        ForwardsGlobalEvents: false,
      });
    }
    expect(resources.ReadRole?.Condition).toBe('InGlobalEventsRegion');
  });

  it('nests Fn::Or by tens for more than ten ECR Regions', () => {
    const regions = [
      'us-east-1',
      'us-east-2',
      'us-west-1',
      'us-west-2',
      'eu-west-1',
      'eu-west-2',
      'eu-west-3',
      'eu-central-1',
      'eu-north-1',
      'ap-south-1',
      'ap-southeast-1',
      'ap-southeast-2',
    ];
    const body = JSON.parse(memberTemplateBody('us-east-1', regions));
    const inEcr = body.Conditions.InEcrRegion['Fn::Or'] as { 'Fn::Or': unknown[] }[];
    expect(inEcr.map((group) => group['Fn::Or'].length)).toEqual([10, 2]);
  });

  it('lists its Regions once each: the ECR Regions and the global-events Region', () => {
    expect(memberStackRegions(['eu-west-1', 'us-east-1'], 'us-east-1')).toEqual(['eu-west-1', 'us-east-1']);
    expect(memberStackRegions(['eu-west-1'], 'eu-central-1')).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('needs no CDK bootstrap: no asset, no bootstrap version check', () => {
    expect(Object.keys(json)).not.toContain('Rules');
    expect(Object.keys(json.Parameters)).toEqual([
      'HubEventBusArn',
      'HubAccountId',
      'ReadRoleName',
      'TrustedPrincipalArns',
      'OrganizationId',
    ]);
  });
});

describe('MemberStack: forwarding', () => {
  const rules = Object.values(resources).filter((resource) => resource.Type === 'AWS::Events::Rule');
  const forwardRole = logicalIdOf('AWS::IAM::Role', 'ForwardRole');

  it('forwards exactly the hub’s patterns to the hub bus, through its role, with a DLQ', () => {
    expect(rules.map((rule) => rule.Properties?.EventPattern)).toEqual(
      [ECR_REPLICATION_CHANGE_PATTERN, IAM_REPLICATION_ROLE_CHANGE_PATTERN, REGION_OPT_IN_PATTERN].map(
        renderPattern,
      ),
    );
    for (const rule of rules) {
      expect(rule.Properties?.Targets).toEqual([
        {
          Arn: { Ref: 'HubEventBusArn' },
          Id: 'Target0',
          RoleArn: { 'Fn::GetAtt': [forwardRole, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/DeadLetterQueue/), 'Arn'] } },
        },
      ]);
    }
  });

  it('lets EventBridge assume the forward role, allowed events:PutEvents on the hub bus only', () => {
    const statements = (logicalId: string) =>
      policyStatements(template)
        .filter((found) => found.logicalId === logicalId)
        .map((found) => found.statement);
    expect(statements(forwardRole)).toEqual([
      { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ]);
    expect(statements(logicalIdOf('AWS::IAM::Policy', 'ForwardRole'))).toEqual([
      { Effect: 'Allow', Action: 'events:PutEvents', Resource: { Ref: 'HubEventBusArn' } },
    ]);
  });

  it('lets only its own rules send to each dead-letter queue, over TLS', () => {
    for (const [queue, ruleIds] of [
      ['EcrDeadLetterQueue', ['EcrReplicationChangeRule']],
      ['GlobalEventsDeadLetterQueue', ['RoleChangeRule', 'RegionOptInRule']],
    ] as const) {
      const queueId = logicalIdOf('AWS::SQS::Queue', queue);
      const policy = logicalIdOf('AWS::SQS::QueuePolicy', `${queue}Policy`);
      const statements = policyStatements(template)
        .filter((found) => found.logicalId === policy)
        .map((found) => found.statement);
      expect(statements).toEqual([
        {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:*',
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
        ...ruleIds.map((ruleId) => ({
          Sid: expect.stringMatching(new RegExp(`^AllowEventRuleMember${ruleId}`)),
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
          Condition: {
            ArnEquals: {
              'aws:SourceArn': { 'Fn::GetAtt': [logicalIdOf('AWS::Events::Rule', ruleId), 'Arn'] },
            },
          },
        })),
      ]);
      // The queue and its policy exist exactly when their rules do.
      const conditionOf = (logicalId: string) => resources[logicalId]?.Condition;
      for (const ruleId of ruleIds)
        expect(conditionOf(logicalIdOf('AWS::Events::Rule', ruleId))).toBe(conditionOf(queueId));
      expect(conditionOf(policy)).toBe(conditionOf(queueId));
    }
  });
});

describe('MemberStack: the read role', () => {
  const role = resources.ReadRole?.Properties as Json;

  it('is named by the parameter, and trusted only by the given roles, from the organization', () => {
    expect(role.RoleName).toEqual({ Ref: 'ReadRoleName' });
    expect(json.Parameters.ReadRoleName?.Default).toBe(MEMBER_READ_ROLE_NAME);
    expect(role.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: { Ref: 'TrustedPrincipalArns' } },
          Action: 'sts:AssumeRole',
          Condition: { StringEquals: { 'aws:PrincipalOrgID': { Ref: 'OrganizationId' } } },
        },
      ],
    });
    expect(role.MaxSessionDuration).toBe(3600);
    expect(role).not.toHaveProperty('ManagedPolicyArns');
  });

  it('may read the registry, the replication role, its deletion and the Region opt-in status, nothing else', () => {
    const slr = partitionArn(
      ':iam::<Account>:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication',
    );
    const statements: Statement[] = [
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
        Resource: [
          slr,
          partitionArn(':iam::<Account>:role/AWSServiceRoleForECRReplication'),
          partitionArn(':iam::<Account>:role/*/AWSServiceRoleForECRReplication'),
        ],
      },
      {
        Sid: 'FollowRoleDeletion',
        Effect: 'Allow',
        Action: ['iam:GetServiceLinkedRoleDeletionStatus'],
        Resource: [slr],
      },
      {
        Sid: 'ReadRegionOptInStatus',
        Effect: 'Allow',
        Action: ['account:ListRegions'],
        Resource: [partitionArn(':account::<Account>:account')],
      },
      { Sid: 'ListRegions', Effect: 'Allow', Action: ['ec2:DescribeRegions'], Resource: '*' },
    ];
    expect(role.Policies).toEqual([
      {
        PolicyName: 'ReadReplicationState',
        PolicyDocument: { Version: '2012-10-17', Statement: statements },
      },
    ]);
  });

  it('is the policy `ecr-role-reconciler policy --for member` prints, for any account', () => {
    expect(iamPolicyFor('member')).toEqual(memberReadPolicy('aws', '*'));
    expect(JSON.stringify(iamPolicyFor('member'))).toContain('"arn:aws:account::*:account"');
    const actions = iamPolicyFor('member').Statement.flatMap((statement) => statement.Action);
    expect(
      actions.filter((action) => /:(Create|Delete|Put|Update|Attach|Detach|Tag|Untag|Pass)/.test(action)),
    ).toEqual([]);
  });
});

describe('MemberStack: cdk-nag AwsSolutions', () => {
  it('reports no error and no warning', () => {
    expect(Annotations.fromStack(member).findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
    expect(Annotations.fromStack(member).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual(
      [],
    );
  });
});

/** A pattern as CDK renders it in a template (`detailType` → `detail-type`). */
function renderPattern(pattern: object): unknown {
  const { detailType, ...rest } = pattern as { detailType?: unknown };
  return detailType === undefined ? rest : { ...rest, 'detail-type': detailType };
}
