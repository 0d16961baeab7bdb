import { App, Aspects, type Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { ENV } from '../../functions/settings.js';
import { FORWARDER_ALARM_PREFIX, ForwarderStack } from '../../infra/forwarder-stack.js';
import { ReconcilerHubStack } from '../../infra/hub-stack.js';
import {
  addReconcilerStacks,
  forwarderStackName,
  HUB_STACK_NAME,
  readAppSettings,
} from '../../infra/reconciler-app.js';
import { iamWriteGrants, partitionArn } from './templates.js';

/** The app as `cdk synth -c key=value …` builds it (`infra/app.ts`: the stacks, checked with cdk-nag). */
function synthApp(context: Record<string, string>, env: Record<string, string | undefined> = {}) {
  const app = new App({ context });
  const stacks = addReconcilerStacks(app, readAppSettings(app.node, env));
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  app.synth();
  return { app, ...stacks };
}

const eventFunctionEnv = (hub: ReconcilerHubStack) =>
  Object.values(Template.fromStack(hub).findResources('AWS::Lambda::Function')).map(
    (fn) => fn.Properties.Environment.Variables as Record<string, unknown>,
  );
const patternsOn = (stack: Stack, bus: 'default' | 'hub') =>
  Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'))
    .filter((rule) => (rule.Properties.EventBusName === undefined) === (bus === 'default'))
    .map((rule) => rule.Properties.EventPattern?.source?.[0] ?? rule.Properties.ScheduleExpression);

describe('the CDK app: -c regions=us-east-1,eu-west-1,ap-southeast-2', () => {
  const { app, hub, forwarders } = synthApp({ regions: 'us-east-1,eu-west-1,ap-southeast-2' });
  const stacks = [hub, ...forwarders];

  it('gives a hub in us-east-1 and two forwarders', () => {
    expect(app.node.children.filter((child) => child instanceof ReconcilerHubStack)).toEqual([hub]);
    expect(hub.stackName).toBe(HUB_STACK_NAME);
    expect(hub.region).toBe('us-east-1');
    expect(forwarders.map((stack) => [stack.stackName, stack.region])).toEqual([
      [forwarderStackName('eu-west-1'), 'eu-west-1'],
      [forwarderStackName('ap-southeast-2'), 'ap-southeast-2'],
    ]);
    expect(app.node.children.filter((child) => child instanceof ForwarderStack)).toHaveLength(2);
  });

  it('deploys the hub before the forwarders', () => {
    for (const forwarder of forwarders) expect(forwarder.dependencies).toEqual([hub]);
  });

  it('leaves the account to be resolved at deploy time when none is known (offline synth)', () => {
    for (const stack of stacks) {
      expect(Token.isUnresolved(stack.account)).toBe(true);
      expect(stack.resolve(stack.account)).toEqual({ Ref: 'AWS::AccountId' });
    }
  });

  it('forwards ECR events to the hub bus ARN built as a string, without cross-stack references', () => {
    for (const forwarder of forwarders) {
      const template = Template.fromStack(forwarder);
      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          Match.objectLike({
            Arn: partitionArn(':events:us-east-1:<Account>:event-bus/ecr-replication-role-reconciler'),
          }),
        ],
      });
      expect(patternsOn(forwarder, 'default')).toEqual(['aws.ecr', 'aws.cloudwatch']);
      expect(JSON.stringify(template.toJSON())).not.toMatch(/Fn::ImportValue|Fn::GetStackOutput/);
    }
  });

  it('watches every Region from the hub, and ECR, IAM and Region opt-in events in us-east-1', () => {
    expect(eventFunctionEnv(hub).map((variables) => variables[ENV.regions])).toEqual([
      'us-east-1,eu-west-1,ap-southeast-2',
      'us-east-1,eu-west-1,ap-southeast-2',
    ]);
    expect(patternsOn(hub, 'default')).toEqual(['rate(1 hour)', 'aws.ecr', 'aws.iam', 'aws.account']);
    expect(patternsOn(hub, 'hub')).toEqual(['aws.ecr', 'aws.cloudwatch']);
  });

  it('names each forwarder’s dead-letter alarm for its Region, under the prefix the hub announces', () => {
    const alarmNames = (stack: Stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm')).map(
        (alarm) => alarm.Properties.AlarmName,
      );
    expect(forwarders.map(alarmNames)).toEqual([
      ['EcrReplicationRoleReconciler-ForwarderDeadLetters-eu-west-1'],
      ['EcrReplicationRoleReconciler-ForwarderDeadLetters-ap-southeast-2'],
    ]);
    for (const forwarder of forwarders) {
      expect(alarmNames(forwarder)).toEqual([`${FORWARDER_ALARM_PREFIX}-${forwarder.region}`]);
    }
    Template.fromStack(hub).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { detail: { alarmName: [{ prefix: FORWARDER_ALARM_PREFIX }] } },
    });
    // The hub's alarms are named by CloudFormation (<stack>-<logical id>-<suffix>), never under the prefix.
    expect(alarmNames(hub)).toEqual(Array(7).fill(undefined));
  });

  it('reserves 5 concurrent executions for the event function by default', () => {
    const functions = Template.fromStack(hub).findResources('AWS::Lambda::Function');
    expect(Object.values(functions).map((fn) => fn.Properties.ReservedConcurrentExecutions)).toEqual([
      5,
      undefined,
    ]);
  });

  it('makes no Lambda function depend on its own role, only on the role’s policy', () => {
    for (const stack of stacks) {
      const resources = Template.fromStack(stack).toJSON().Resources as Record<
        string,
        { Type: string; Properties: Record<string, unknown>; DependsOn?: string[] }
      >;
      for (const [logicalId, resource] of Object.entries(resources)) {
        if (resource.Type !== 'AWS::Lambda::Function') continue;
        const role = (resource.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
        const policies = Object.entries(resources).filter(
          ([, policy]) =>
            policy.Type === 'AWS::IAM::Policy' &&
            JSON.stringify(policy.Properties.Roles) === JSON.stringify([{ Ref: role }]),
        );
        expect(policies, logicalId).toHaveLength(1);
        expect(resource.DependsOn, logicalId).toEqual([policies[0]?.[0]]);
        expect(resource.DependsOn, logicalId).not.toContain(role);
      }
    }
    expect(
      stacks.flatMap((stack) =>
        Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function')),
      ),
    ).toHaveLength(2);
  });

  it('passes cdk-nag AwsSolutions in every stack', () => {
    for (const stack of stacks) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    }
  });

  it('has no IAM write action in any stack', () => {
    for (const stack of stacks) expect(iamWriteGrants(Template.fromStack(stack))).toEqual([]);
  });
});

describe('the CDK app: a hub outside us-east-1', () => {
  const { hub, forwarders } = synthApp({ hubRegion: 'eu-west-1', regions: 'eu-west-1,ap-southeast-2' });

  it('adds a us-east-1 forwarder for IAM and Region opt-in events only, us-east-1 not being watched', () => {
    expect(forwarders.map((stack) => stack.region)).toEqual(['ap-southeast-2', 'us-east-1']);
    const [farRegion, globalEvents] = forwarders as [ForwarderStack, ForwarderStack];
    expect(patternsOn(farRegion, 'default')).toEqual(['aws.ecr', 'aws.cloudwatch']);
    expect(patternsOn(globalEvents, 'default')).toEqual(['aws.iam', 'aws.account', 'aws.cloudwatch']);
    Template.fromStack(globalEvents).allResourcesProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: partitionArn(':events:eu-west-1:<Account>:event-bus/ecr-replication-role-reconciler'),
        }),
      ],
    });
  });

  it('takes IAM and Region opt-in events from its bus, not from its default bus', () => {
    expect(patternsOn(hub, 'default')).toEqual(['rate(1 hour)', 'aws.ecr']);
    expect(patternsOn(hub, 'hub')).toEqual(['aws.ecr', 'aws.iam', 'aws.account', 'aws.cloudwatch']);
  });
});

describe('the CDK app: one Region', () => {
  it('is a hub alone, with no bus rules (no forwarder, so no forwarder alarm either)', () => {
    const { hub, forwarders } = synthApp({});
    expect(hub.region).toBe('us-east-1');
    expect(forwarders).toEqual([]);
    expect(patternsOn(hub, 'hub')).toEqual([]);
  });

  it('still forwards IAM events from us-east-1 when the hub is elsewhere', () => {
    const { forwarders } = synthApp({ hubRegion: 'eu-central-1' });
    expect(forwarders.map((stack) => [stack.region, patternsOn(stack, 'default')])).toEqual([
      ['us-east-1', ['aws.iam', 'aws.account', 'aws.cloudwatch']],
    ]);
  });
});

describe('the CDK app: context', () => {
  it('takes every setting from context', () => {
    const { hub, forwarders } = synthApp(
      {
        account: '111122223333',
        regions: 'us-east-1, eu-west-1',
        alertEmail: 'platform@example.com',
        slackWebhookSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:slack-AbC123',
        schedule: 'cron(0 */6 * * ? *)',
        graceSeconds: '300',
        reminderHours: '48',
      },
      { CDK_DEFAULT_ACCOUNT: '999999999999' },
    );
    expect([hub.account, ...forwarders.map((stack) => stack.account)]).toEqual([
      '111122223333',
      '111122223333',
    ]);
    const template = Template.fromStack(hub);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'cron(0 */6 * * ? *)' });
    template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'platform@example.com' });
    const [eventEnv, recheckEnv] = eventFunctionEnv(hub);
    expect(eventEnv).toMatchObject({
      [ENV.graceSeconds]: '300',
      [ENV.reminderHours]: '48',
      [ENV.slackWebhookSecretArn]: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:slack-AbC123',
    });
    expect(recheckEnv).toMatchObject({ [ENV.reminderHours]: '48' });
    Template.fromStack(forwarders[0] as Stack).hasResourceProperties('AWS::Events::Rule', {
      Targets: [
        Match.objectLike({
          Arn: partitionArn(':events:us-east-1:111122223333:event-bus/ecr-replication-role-reconciler'),
        }),
      ],
    });
  });

  it.each([
    ['10', 10],
    ['100', 100],
    [' 1 ', 1],
  ] as const)('reserves -c eventConcurrency=%j for the event function', (eventConcurrency, reserved) => {
    const functions = Template.fromStack(synthApp({ eventConcurrency }).hub).findResources(
      'AWS::Lambda::Function',
    );
    expect(Object.values(functions).map((fn) => fn.Properties.ReservedConcurrentExecutions)).toEqual([
      reserved,
      undefined,
    ]);
  });

  it('reserves nothing with -c eventConcurrency=unreserved', () => {
    const functions = Template.fromStack(synthApp({ eventConcurrency: 'unreserved' }).hub).findResources(
      'AWS::Lambda::Function',
    );
    expect(Object.values(functions).map((fn) => Object.keys(fn.Properties))).toEqual([
      expect.not.arrayContaining(['ReservedConcurrentExecutions']),
      expect.not.arrayContaining(['ReservedConcurrentExecutions']),
    ]);
  });

  it('uses CDK_DEFAULT_ACCOUNT when no account is given', () => {
    const { hub } = synthApp({}, { CDK_DEFAULT_ACCOUNT: '999999999999' });
    expect(hub.account).toBe('999999999999');
  });

  it.each([
    [{ hubRegion: 'us-east-1,eu-west-1' }, /hubRegion: give one Region/],
    [{ hubRegion: 'Frankfurt' }, /not a Region name: Frankfurt/],
    [{ regions: 'us-east-1,mars-1' }, /context regions: not a Region name: mars-1/],
    [{ account: '12345' }, /account=12345 is not a 12-digit/],
    [{ schedule: 'every hour' }, /schedule=every hour: give an EventBridge schedule expression/],
    [{ graceSeconds: 'soon' }, /graceSeconds=soon is not a number/],
    [{ graceSeconds: '901' }, /graceSeconds must be a whole number from 0 to 900/],
    [{ eventConcurrency: 'lots' }, /context eventConcurrency=lots is not a number/],
    [{ eventConcurrency: 'Unreserved' }, /context eventConcurrency=Unreserved is not a number/],
    [
      { eventConcurrency: '0' },
      /eventConcurrency must be a whole number from 1 to 100, or 'unreserved', not 0/,
    ],
    [
      { eventConcurrency: '2.5' },
      /eventConcurrency must be a whole number from 1 to 100, or 'unreserved', not 2\.5/,
    ],
    [{ regions: 'us-east-1,cn-north-1' }, /cn-north-1 are not in the hub's partition \(aws\)/],
    [
      { hubRegion: 'cn-north-1', regions: 'cn-north-1,cn-northwest-1' },
      /only available in commercial Regions/,
    ],
  ])('refuses %j', (context, error) => {
    expect(() => synthApp(context)).toThrow(error);
  });
});
