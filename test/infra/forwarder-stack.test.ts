import { App, Aspects, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { hubEventBusArn } from '../../infra/ecr-replication-role-reconciler.js';
import {
  ECR_REPLICATION_CHANGE_PATTERN,
  IAM_REPLICATION_ROLE_CHANGE_PATTERN,
  REGION_OPT_IN_PATTERN,
} from '../../infra/event-patterns.js';
import { ForwarderStack } from '../../infra/forwarder-stack.js';
import { ACCOUNT, iamWriteGrants, partitionArn, policyStatements } from './templates.js';

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

describe('ForwarderStack', () => {
  it.each([
    ['ECR only', ecrOnly, [ECR_REPLICATION_CHANGE_PATTERN]],
    ['IAM and Region opt-in only', globalOnly, [IAM_REPLICATION_ROLE_CHANGE_PATTERN, REGION_OPT_IN_PATTERN]],
    [
      'everything',
      both,
      [ECR_REPLICATION_CHANGE_PATTERN, IAM_REPLICATION_ROLE_CHANGE_PATTERN, REGION_OPT_IN_PATTERN],
    ],
  ] as const)('forwards %s to the hub bus, one hop, with a DLQ', (_name, stack, patterns) => {
    const template = Template.fromStack(stack);
    const rules = Object.values(template.findResources('AWS::Events::Rule'));
    const toCfn = (pattern: { source?: unknown; detailType?: unknown; detail?: unknown }) =>
      rendered({
        source: pattern.source,
        'detail-type': pattern.detailType,
        ...(pattern.detail ? { detail: pattern.detail } : {}),
      });
    expect(rules.map((rule) => rule.Properties.EventPattern)).toEqual(patterns.map(toCfn));
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
    template.resourceCountIs('AWS::Events::Rule', patterns.length);
    template.resourceCountIs('AWS::IAM::Role', 1);
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::SQS::QueuePolicy', 1);
    expect(Object.keys(template.toJSON().Resources)).toHaveLength(4 + patterns.length);
  });

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
