import { type Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { partitionOfRegion } from '../../functions/core/partition.js';
import { HUB_EVENT_BUS_NAME } from '../../infra/hub-event-bus.js';
import { matchesEventPattern } from '../support/event-pattern.js';

export const ACCOUNT = '123456789012';

export type Json = Record<string, unknown>;
export type Resources = Record<string, { Type: string; Properties?: Json }>;

export interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

export interface FoundStatement {
  readonly logicalId: string;
  readonly type: string;
  readonly statement: Statement;
}

/**
 * Every policy statement in a template: identity policies (and inline role policies), trust policies, and the
 * resource policies of topics, queues, keys and event buses; Lambda permissions as one-action statements.
 */
export function policyStatements(template: Template): FoundStatement[] {
  const resources = template.toJSON().Resources as Resources;
  const found: FoundStatement[] = [];
  const add = (logicalId: string, type: string, document: unknown) => {
    const statements = (document as { Statement?: unknown } | undefined)?.Statement;
    for (const statement of Array.isArray(statements) ? statements : statements ? [statements] : []) {
      found.push({ logicalId, type, statement: statement as Statement });
    }
  };
  for (const [logicalId, { Type: type, Properties: properties = {} }] of Object.entries(resources)) {
    switch (type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::SNS::TopicPolicy':
      case 'AWS::SQS::QueuePolicy':
        add(logicalId, type, properties.PolicyDocument);
        break;
      case 'AWS::IAM::Role':
        add(logicalId, type, properties.AssumeRolePolicyDocument);
        for (const policy of (properties.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
          add(logicalId, type, policy.PolicyDocument);
        }
        break;
      case 'AWS::KMS::Key':
        add(logicalId, type, properties.KeyPolicy);
        break;
      case 'AWS::Events::EventBusPolicy':
        add(logicalId, type, { Statement: properties.Statement });
        break;
      case 'AWS::Lambda::Permission':
        found.push({
          logicalId,
          type,
          statement: {
            Effect: 'Allow',
            Action: properties.Action as string,
            Principal: properties.Principal,
          },
        });
        break;
    }
  }
  return found;
}

export function actionsOf(statement: Statement): string[] {
  const actions = statement.Action ?? statement.NotAction ?? [];
  return Array.isArray(actions) ? actions : [actions];
}

/** The IAM actions the reconciler may use: reads of one role. */
export const ALLOWED_IAM_ACTIONS = [
  'iam:GetRole',
  'iam:ListAttachedRolePolicies',
  'iam:ListRolePolicies',
  'iam:GetServiceLinkedRoleDeletionStatus',
] as const;

/** IAM actions that change something, to test wildcards against. */
const IAM_WRITES = [
  'iam:CreateServiceLinkedRole',
  'iam:DeleteServiceLinkedRole',
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:PassRole',
  'iam:TagRole',
  'iam:CreatePolicyVersion',
];

/**
 * Allow statements that could reach IAM beyond the four reads: any other `iam:` action, a wildcard that covers an
 * IAM write (`*`, `iam:*`, `iam:Delete*`, `i*`…), or `NotAction` (which grants everything it does not name).
 * Actions compare case-insensitively in IAM. A key policy's `kms:*` is not IAM.
 */
export function iamWriteGrants(template: Template): { logicalId: string; action: string }[] {
  const allowed = new Set<string>(ALLOWED_IAM_ACTIONS.map((action) => action.toLowerCase()));
  const grants: { logicalId: string; action: string }[] = [];
  for (const { logicalId, statement } of policyStatements(template)) {
    if (statement.Effect !== 'Allow') continue;
    if (statement.NotAction !== undefined)
      grants.push({ logicalId, action: `NotAction ${actionsOf(statement)}` });
    for (const action of statement.Action === undefined ? [] : actionsOf(statement)) {
      const lower = action.toLowerCase();
      const glob = new RegExp(
        `^${lower
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '.*')
          .replace(/\?/g, '.')}$`,
      );
      const coversWrite = IAM_WRITES.some((write) => glob.test(write.toLowerCase()));
      if (coversWrite || (lower.startsWith('iam:') && !allowed.has(lower)))
        grants.push({ logicalId, action });
    }
  }
  return grants;
}

/** `arn:${Partition}:<rest…>` as CDK renders it, `<Account>` standing for the pseudo parameter. */
export function partitionArn(...parts: string[]): { 'Fn::Join': [string, unknown[]] } {
  const joined: unknown[] = ['arn:', { Ref: 'AWS::Partition' }];
  for (const part of parts.join('').split('<Account>')) joined.push(part, { Ref: 'AWS::AccountId' });
  joined.pop();
  return { 'Fn::Join': ['', joined.filter((part) => part !== '')] };
}

// ---------------------------------------------------------------------------------------------------------------
// Patterns: a rule's `EventPattern` as EventBridge sees it once CloudFormation has resolved it.

/** Where a template is deployed, to resolve its pseudo parameters. */
export interface Deployed {
  readonly region: string;
  readonly account: string;
}

/**
 * A template value with its intrinsics resolved as CloudFormation would: the pseudo parameters (`AWS::Partition`,
 * `AWS::Region`, `AWS::AccountId`, `AWS::URLSuffix`), `Fn::Join`, and the `Arn` of a named CloudWatch alarm
 * (`arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`, the ARN CloudWatch puts in its events). Anything
 * else it cannot resolve throws, so that a pattern is never matched with an intrinsic left in it.
 */
export function resolveIntrinsics(value: unknown, resources: Resources, where: Deployed): unknown {
  const partition = partitionOfRegion(where.region);
  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve);
    if (typeof node !== 'object' || node === null) return node;
    const entries = Object.entries(node);
    const [[key, argument] = []] = entries;
    if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      if (key === 'Ref') {
        const pseudo: Record<string, string> = {
          'AWS::Partition': partition,
          'AWS::Region': where.region,
          'AWS::AccountId': where.account,
          'AWS::URLSuffix': partition === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com',
        };
        const resolved = pseudo[argument as string];
        if (resolved !== undefined) return resolved;
      }
      if (key === 'Fn::Join') {
        const [separator, parts] = argument as [string, unknown[]];
        return parts.map((part) => String(resolve(part))).join(separator);
      }
      if (key === 'Fn::GetAtt') {
        const [logicalId, attribute] = argument as [string, string];
        const resource = resources[logicalId];
        const alarmName = resource?.Properties?.AlarmName;
        if (
          resource?.Type === 'AWS::CloudWatch::Alarm' &&
          attribute === 'Arn' &&
          typeof alarmName === 'string'
        ) {
          return `arn:${partition}:cloudwatch:${where.region}:${where.account}:alarm:${alarmName}`;
        }
      }
      throw new Error(`cannot resolve ${JSON.stringify(node)}`);
    }
    return Object.fromEntries(entries.map(([name, child]) => [name, resolve(child)]));
  };
  return resolve(value);
}

/** Where a stack is deployed: its Region, and its account or {@link ACCOUNT} when left to deploy time. */
export function deployedAt(stack: Stack): Deployed {
  return { region: stack.region, account: Token.isUnresolved(stack.account) ? ACCOUNT : stack.account };
}

/** The `EventPattern` of a rule of a stack, resolved as EventBridge receives it. */
export function resolvedPattern(stack: Stack, ruleLogicalId: string): Json {
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  const pattern = resources[ruleLogicalId]?.Properties?.EventPattern;
  if (pattern === undefined) throw new Error(`${stack.stackName}/${ruleLogicalId}: no EventPattern`);
  return resolveIntrinsics(pattern, resources, deployedAt(stack)) as Json;
}

/**
 * A `CloudWatch Alarm State Change` event as CloudWatch sends it to the default bus of the alarm's Region (the
 * example of the CloudWatch User Guide, "Alarm events and EventBridge", trimmed), for an alarm of {@link ACCOUNT}.
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html
 */
export function alarmStateChange(
  alarmName: string,
  region: string,
  value: 'ALARM' | 'OK' | 'INSUFFICIENT_DATA',
  account: string = ACCOUNT,
) {
  const previous = value === 'ALARM' ? 'OK' : 'ALARM';
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    time: '2025-10-02T17:04:40Z',
    region,
    resources: [`arn:${partitionOfRegion(region)}:cloudwatch:${region}:${account}:alarm:${alarmName}`],
    detail: {
      alarmName,
      configuration: {
        description: 'Events could not be forwarded',
        metrics: [
          {
            id: '30b6c6b2-a864-43a2-4877-c09a1afc3b87',
            metricStat: {
              metric: {
                dimensions: { QueueName: 'EcrReplicationRoleReconcilerForwarder-DeadLetterQueue9F481546' },
                name: 'ApproximateNumberOfMessagesVisible',
                namespace: 'AWS/SQS',
              },
              period: 300,
              stat: 'Maximum',
            },
            returnData: true,
          },
        ],
      },
      previousState: {
        reason: `Threshold Crossed: the alarm was ${previous}`,
        timestamp: '2025-10-02T16:59:40.985+0000',
        value: previous,
      },
      state: {
        reason: `Threshold Crossed: the alarm is ${value}`,
        timestamp: '2025-10-02T17:04:40.989+0000',
        value,
      },
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Routing: where does an event go in a deployed app?

/** What a rule target is: the hub's event function, the hub's bus (a forwarder), or the hub's alert topic. */
export type DeployedTarget = 'event-function' | 'hub-bus' | 'alert-topic' | 'other';

export interface DeployedRule {
  readonly stackName: string;
  readonly logicalId: string;
  readonly region: string;
  readonly bus: 'default' | 'hub';
  /** Resolved ({@link resolveIntrinsics}). */
  readonly pattern: Json | undefined;
  readonly schedule: string | undefined;
  readonly targets: readonly DeployedTarget[];
}

/** The rules of the app's stacks, with their bus, their resolved pattern and what each target is. */
export function deployedRules(stacks: readonly Stack[]): DeployedRule[] {
  return stacks.flatMap((stack) => {
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const isEventFunction = (logicalId: string) =>
      resources[logicalId]?.Type === 'AWS::Lambda::Function' && logicalId.includes('EventFunction');
    const isAlertTopic = (logicalId: string) =>
      resources[logicalId]?.Type === 'AWS::SNS::Topic' && logicalId.includes('AlertTopic');
    return Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
      .map(([logicalId, { Properties: properties = {} }]) => {
        const busName = properties.EventBusName as { Ref?: string } | undefined;
        if (busName !== undefined && resources[busName.Ref ?? '']?.Type !== 'AWS::Events::EventBus') {
          throw new Error(
            `${stack.stackName}/${logicalId}: unexpected EventBusName ${JSON.stringify(busName)}`,
          );
        }
        const targets = (properties.Targets as { Arn: unknown }[]).map(({ Arn: arn }): DeployedTarget => {
          const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
          const ref = (arn as { Ref?: string }).Ref;
          if (getAtt && isEventFunction(getAtt[0])) return 'event-function';
          if (ref !== undefined && isAlertTopic(ref)) return 'alert-topic';
          if (JSON.stringify(arn).includes(`:event-bus/${HUB_EVENT_BUS_NAME}`)) return 'hub-bus';
          return 'other';
        });
        const pattern = properties.EventPattern;
        return {
          stackName: stack.stackName,
          logicalId,
          region: stack.region,
          bus: busName === undefined ? ('default' as const) : ('hub' as const),
          pattern:
            pattern === undefined
              ? undefined
              : (resolveIntrinsics(pattern, resources, deployedAt(stack)) as Json),
          schedule: properties.ScheduleExpression as string | undefined,
          targets,
        };
      });
  });
}

/**
 * How many times an event reaches a target of the hub (the event function, or the alert topic): delivered to the
 * default bus of its `region`, matched by the rules there, forwarded (one hop) to the hub's bus and matched again.
 * Schedule rules produce their own events and are not matched here.
 */
export function deliveriesTo(
  destination: 'event-function' | 'alert-topic',
  rules: readonly DeployedRule[],
  hubRegion: string,
  event: unknown,
): number {
  const region = (event as { region?: unknown } | null)?.region;
  const deliver = (where: string, bus: 'default' | 'hub', hop: number): number =>
    rules
      .filter((rule) => rule.region === where && rule.bus === bus && rule.pattern !== undefined)
      .filter((rule) => matchesEventPattern(rule.pattern, event))
      .flatMap((rule) => rule.targets)
      .reduce((count, target) => {
        if (target === destination) return count + 1;
        if (target === 'hub-bus' && hop === 0) return count + deliver(hubRegion, 'hub', 1);
        return count;
      }, 0);
  return typeof region === 'string' ? deliver(region, 'default', 0) : 0;
}

/** How many times an event reaches the event function ({@link deliveriesTo}). */
export function deliveriesToEventFunction(
  rules: readonly DeployedRule[],
  hubRegion: string,
  event: unknown,
): number {
  return deliveriesTo('event-function', rules, hubRegion, event);
}
