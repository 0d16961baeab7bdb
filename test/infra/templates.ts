import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HUB_EVENT_BUS_NAME } from '../../infra/ecr-replication-role-reconciler.js';
import { matchesEventPattern } from '../support/event-pattern.js';

/** Context that skips asset bundling (what `cdk ls` does): for tests about anything but the bundles. */
export const SKIP_BUNDLING = { 'aws:cdk:bundling-stacks': [] } as const;

export const ACCOUNT = '123456789012';

type Json = Record<string, unknown>;
type Resources = Record<string, { Type: string; Properties?: Json }>;

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
// Routing: where does an event go in a deployed app?

export interface DeployedRule {
  readonly stackName: string;
  readonly logicalId: string;
  readonly region: string;
  readonly bus: 'default' | 'hub';
  readonly pattern: Json | undefined;
  readonly schedule: string | undefined;
  readonly targets: readonly ('event-function' | 'hub-bus' | 'other')[];
}

/** The rules of the app's stacks, with their bus and what each target is. */
export function deployedRules(stacks: readonly Stack[]): DeployedRule[] {
  return stacks.flatMap((stack) => {
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const isEventFunction = (logicalId: string) =>
      resources[logicalId]?.Type === 'AWS::Lambda::Function' && logicalId.includes('EventFunction');
    return Object.entries(resources)
      .filter(([, resource]) => resource.Type === 'AWS::Events::Rule')
      .map(([logicalId, { Properties: properties = {} }]) => {
        const busName = properties.EventBusName as { Ref?: string } | undefined;
        if (busName !== undefined && resources[busName.Ref ?? '']?.Type !== 'AWS::Events::EventBus') {
          throw new Error(
            `${stack.stackName}/${logicalId}: unexpected EventBusName ${JSON.stringify(busName)}`,
          );
        }
        const targets = (properties.Targets as { Arn: unknown }[]).map(({ Arn: arn }) => {
          const getAtt = (arn as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
          if (getAtt && isEventFunction(getAtt[0])) return 'event-function' as const;
          if (JSON.stringify(arn).includes(`:event-bus/${HUB_EVENT_BUS_NAME}`)) return 'hub-bus' as const;
          return 'other' as const;
        });
        return {
          stackName: stack.stackName,
          logicalId,
          region: stack.region,
          bus: busName === undefined ? ('default' as const) : ('hub' as const),
          pattern: properties.EventPattern as Json | undefined,
          schedule: properties.ScheduleExpression as string | undefined,
          targets,
        };
      });
  });
}

/**
 * How many times an event reaches the event function: delivered to the default bus of its `region`, matched by
 * the rules there, forwarded (one hop) to the hub's bus and matched again. Schedule rules produce their own events
 * and are not matched here.
 */
export function deliveriesToEventFunction(
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
        if (target === 'event-function') return count + 1;
        if (target === 'hub-bus' && hop === 0) return count + deliver(hubRegion, 'hub', 1);
        return count;
      }, 0);
  return typeof region === 'string' ? deliver(region, 'default', 0) : 0;
}
