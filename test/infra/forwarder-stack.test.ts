import { App, Aspects, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import {
  ECR_REPLICATION_CHANGE_PATTERN,
  IAM_REPLICATION_ROLE_CHANGE_PATTERN,
  REGION_OPT_IN_PATTERN,
} from '../../infra/event-patterns.js';
import { FORWARDER_ALARM_PREFIX, ForwarderStack } from '../../infra/forwarder-stack.js';
import { hubEventBusArn } from '../../infra/hub-event-bus.js';
import { matchesEventPattern } from '../support/event-pattern.js';
import {
  ACCOUNT,
  alarmStateChange,
  iamWriteGrants,
  partitionArn,
  policyStatements,
  resolvedPattern,
} from './templates.js';

const app = new App();
const busArn = hubEventBusArn('eu-west-1', ACCOUNT);
const ecrOnly = new ForwarderStack(app, 'Ecr', {
  env: { account: ACCOUNT, region: 'ap-southeast-2' },
  hubEventBusArn: busArn,
  forwardEcrEvents: true,
  forwardGlobalEvents: false,
});
const globalOnly = new ForwarderStack(app, 'Global', {
  env: { account: ACCOUNT, region: 'us-east-1' },
  hubEventBusArn: busArn,
  forwardEcrEvents: false,
  forwardGlobalEvents: true,
});
const both = new ForwarderStack(app, 'Both', {
  env: { account: ACCOUNT, region: 'us-east-1' },
  hubEventBusArn: busArn,
  forwardEcrEvents: true,
  forwardGlobalEvents: true,
});
Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));

const HUB_BUS_ARN = partitionArn(`:events:eu-west-1:${ACCOUNT}:event-bus/ecr-replication-role-reconciler`);
const id = (stack: ForwarderStack, construct: IConstruct) =>
  stack.getLogicalId(construct.node.defaultChild as CfnElement);
const rendered = (pattern: object) => ecrOnly.resolve(pattern);
/** What the dead-letter alarm's rule forwards: every state change of that alarm, and nothing else. */
const alarmPattern = (stack: ForwarderStack) => ({
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
  resources: [{ 'Fn::GetAtt': [id(stack, stack.deadLetterAlarm), 'Arn'] }],
});

describe('ForwarderStack', () => {
  it.each([
    ['ECR only', ecrOnly, [ECR_REPLICATION_CHANGE_PATTERN]],
    ['IAM and Region opt-in only', globalOnly, [IAM_REPLICATION_ROLE_CHANGE_PATTERN, REGION_OPT_IN_PATTERN]],
    [
      'everything',
      both,
      [ECR_REPLICATION_CHANGE_PATTERN, IAM_REPLICATION_ROLE_CHANGE_PATTERN, REGION_OPT_IN_PATTERN],
    ],
  ] as const)(
    'forwards %s, and its alarm’s state changes, to the hub bus, one hop, with a DLQ',
    (_name, stack, patterns) => {
      const template = Template.fromStack(stack);
      const rules = Object.values(template.findResources('AWS::Events::Rule'));
      const toCfn = (pattern: { source?: unknown; detailType?: unknown; detail?: unknown }) =>
        rendered({
          source: pattern.source,
          'detail-type': pattern.detailType,
          ...(pattern.detail ? { detail: pattern.detail } : {}),
        });
      expect(rules.map((rule) => rule.Properties.EventPattern)).toEqual([
        ...patterns.map(toCfn),
        alarmPattern(stack),
      ]);
      for (const rule of rules) {
        expect(rule.Properties.EventBusName).toBeUndefined();
        expect(rule.Properties.Targets).toEqual([
          {
            Arn: HUB_BUS_ARN,
            Id: 'Target0',
            RoleArn: { 'Fn::GetAtt': [id(stack, stack.role), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(stack, stack.deadLetterQueue), 'Arn'] } },
          },
        ]);
      }
      template.resourceCountIs('AWS::Events::Rule', patterns.length + 1);
      template.resourceCountIs('AWS::IAM::Role', 1);
      template.resourceCountIs('AWS::IAM::Policy', 1);
      template.resourceCountIs('AWS::SQS::Queue', 1);
      template.resourceCountIs('AWS::SQS::QueuePolicy', 1);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
      // The queue, its policy, the role, its policy, the alarm, and the rules.
      expect(Object.keys(template.toJSON().Resources)).toHaveLength(5 + patterns.length + 1);
      expect(stack.rules).toHaveLength(patterns.length + 1);
    },
  );

  it.each([
    [ecrOnly, 'ap-southeast-2'],
    [globalOnly, 'us-east-1'],
    [both, 'us-east-1'],
  ] as const)('alarms on its DLQ depth, named for its Region, with no action there (%#)', (stack, region) => {
    const alarms = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
    expect(Object.keys(alarms)).toEqual([id(stack, stack.deadLetterAlarm)]);
    // No AlarmActions, OKActions nor InsufficientDataActions: an alarm can only notify a topic in its own Region;
    // its state changes reach the hub through the rule instead.
    expect(Object.values(alarms)[0]).toEqual({
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `EcrReplicationRoleReconciler-ForwarderDeadLetters-${region}`,
        AlarmDescription: `Events in ${region} could not be forwarded to the ECR replication role reconciler hub`,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: { 'Fn::GetAtt': [id(stack, stack.deadLetterQueue), 'QueueName'] } },
        ],
        Statistic: 'Maximum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      },
    });
    expect(FORWARDER_ALARM_PREFIX).toBe('EcrReplicationRoleReconciler-ForwarderDeadLetters');
  });

  it.each([ecrOnly, globalOnly, both])(
    'forwards every state change of its own alarm, and of no other (%#)',
    (stack) => {
      const ruleId = id(stack, stack.node.findChild('DeadLettersAlarmRule'));
      const template = Template.fromStack(stack);
      expect(template.toJSON().Resources[ruleId]).toEqual({
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: 'Forwards the state changes of the dead-letter alarm to the hub',
          EventPattern: alarmPattern(stack),
          State: 'ENABLED',
          Targets: [
            {
              Arn: HUB_BUS_ARN,
              Id: 'Target0',
              RoleArn: { 'Fn::GetAtt': [id(stack, stack.role), 'Arn'] },
              DeadLetterConfig: { Arn: { 'Fn::GetAtt': [id(stack, stack.deadLetterQueue), 'Arn'] } },
            },
          ],
        },
      });
      const pattern = resolvedPattern(stack, ruleId);
      const name = `${FORWARDER_ALARM_PREFIX}-${stack.region}`;
      for (const value of ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const) {
        expect(matchesEventPattern(pattern, alarmStateChange(name, stack.region, value))).toBe(true);
      }
      // Another alarm here; this alarm's name in another Region or account: other ARNs.
      expect(matchesEventPattern(pattern, alarmStateChange('SomeoneElsesAlarm', stack.region, 'ALARM'))).toBe(
        false,
      );
      expect(matchesEventPattern(pattern, alarmStateChange(name, 'eu-central-1', 'ALARM'))).toBe(false);
      expect(
        matchesEventPattern(pattern, alarmStateChange(name, stack.region, 'ALARM', '210987654321')),
      ).toBe(false);
      // The same ARN from another source is not an alarm state change.
      expect(
        matchesEventPattern(pattern, {
          ...alarmStateChange(name, stack.region, 'ALARM'),
          'detail-type': 'CloudWatch Alarm Configuration Change',
        }),
      ).toBe(false);
    },
  );

  it.each([ecrOnly, globalOnly, both])('lets its role put events on the hub bus only (%#)', (stack) => {
    const template = Template.fromStack(stack);
    const statements = policyStatements(template).map(({ type, statement }) => ({ type, statement }));
    const ruleIds = Object.keys(template.findResources('AWS::Events::Rule'));
    const queue = { 'Fn::GetAtt': [id(stack, stack.deadLetterQueue), 'Arn'] };
    expect(statements).toEqual([
      {
        type: 'AWS::SQS::QueuePolicy',
        statement: {
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'sqs:*',
          Resource: queue,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      },
      ...ruleIds.map((ruleId) => ({
        type: 'AWS::SQS::QueuePolicy',
        statement: {
          Sid: expect.stringMatching(/^AllowEventRule/),
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: queue,
          Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [ruleId, 'Arn'] } } },
        },
      })),
      {
        type: 'AWS::IAM::Role',
        statement: {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sts:AssumeRole',
        },
      },
      {
        type: 'AWS::IAM::Policy',
        statement: { Effect: 'Allow', Action: 'events:PutEvents', Resource: HUB_BUS_ARN },
      },
    ]);
    expect(iamWriteGrants(template)).toEqual([]);
  });

  it('encrypts its DLQ and keeps dead letters 14 days', () => {
    Template.fromStack(ecrOnly).hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
  });

  it.each([ecrOnly, globalOnly, both])('passes cdk-nag AwsSolutions (%#)', (stack) => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });

  it('refuses a stack with nothing to forward', () => {
    expect(
      () =>
        new ForwarderStack(new App(), 'Nothing', {
          env: { region: 'eu-west-1' },
          hubEventBusArn: busArn,
          forwardEcrEvents: false,
          forwardGlobalEvents: false,
        }),
    ).toThrow(/nothing to forward/);
  });

  it('refuses a stack without a Region', () => {
    expect(
      () =>
        new ForwarderStack(new App(), 'Anywhere', {
          hubEventBusArn: busArn,
          forwardEcrEvents: true,
          forwardGlobalEvents: false,
        }),
    ).toThrow(/explicit Region/);
  });
});
