import {
  Aws,
  CfnCondition,
  CfnParameter,
  type CfnParameterProps,
  CfnWaitConditionHandle,
  Duration,
  Fn,
  type ICfnConditionExpression,
  LegacyStackSynthesizer,
  Stack,
  type StackProps,
} from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { MEMBER_READ_ROLE_NAME, memberReadPolicy } from '../functions/core/permissions.js';
import {
  ECR_REPLICATION_CHANGE_PATTERN,
  globalEventsRegion,
  IAM_REPLICATION_ROLE_CHANGE_PATTERN,
  REGION_OPT_IN_PATTERN,
} from './event-patterns.js';
import { addReadRoleNagSuppressions, onlyIf } from './member-stack-support.js';
import { addNagSuppressions } from './nag-suppressions.js';

/** The member template's parameters, as the StackSet and the management account's stacks fill them. */
export interface MemberParameters {
  /** The hub's event bus, where the rules forward. */
  readonly hubEventBusArn: string;
  /** The hub's account: it receives its own events without a member stack, so none forwards there. */
  readonly hubAccountId: string;
  readonly readRoleName: string;
  /** Who may assume the read role: the hub's functions' roles, and any further role given. */
  readonly trustedPrincipalArns: readonly string[];
  readonly organizationId: string;
}

/** The parameters' logical ids (and names in the StackSet's `Parameters`). */
export const MEMBER_PARAMETER_IDS = {
  hubEventBusArn: 'HubEventBusArn',
  hubAccountId: 'HubAccountId',
  readRoleName: 'ReadRoleName',
  trustedPrincipalArns: 'TrustedPrincipalArns',
  organizationId: 'OrganizationId',
} as const satisfies Record<keyof MemberParameters, string>;

export interface MemberStackProps extends StackProps {
  /** The hub's Region: its partition decides the global-events Region (`us-east-1` in `aws`). */
  readonly hubRegion: string;
  /** The Regions whose ECR replication changes are forwarded. */
  readonly ecrRegions: readonly string[];
  /**
   * Defaults of the parameters, for a stack deployed as it is (the management account's). The StackSet passes its
   * own values.
   * @default - no defaults but the read role's name
   */
  readonly defaults?: MemberParameters;
}

/**
 * One member account's part of the organization mode, one template for every account and Region (CloudFormation
 * Conditions on the Region and the account decide what a stack holds):
 * - in each Region of `ecrRegions`: a rule forwarding ECR `PutReplicationConfiguration` to the hub's bus;
 * - in the global-events Region: rules forwarding IAM calls on the replication role and Region opt-in changes,
 *   and, once per account, the read role ({@link MemberParameters.readRoleName}) that the hub's functions assume;
 * - with the rules, the role EventBridge needs for a bus target in another account (`events:PutEvents` on the hub's
 *   bus only) and their dead-letter queues.
 * In the hub's own account nothing is forwarded (its own rules see its events). The template has no asset and needs
 * no CDK bootstrap (`LegacyStackSynthesizer`): the StackSet carries it whole, and `cdk deploy` sends it inline.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html
 */
export class MemberStack extends Stack {
  readonly readRole: iam.CfnRole;
  readonly forwardRole: iam.Role;
  readonly rules: readonly events.Rule[];

  constructor(scope: Construct, id: string, props: MemberStackProps) {
    const { hubRegion, ecrRegions, defaults, ...stackProps } = props;
    super(scope, id, { synthesizer: new LegacyStackSynthesizer(), ...stackProps });
    const parameters = this.addParameters(defaults);
    const conditions = this.addConditions(hubRegion, ecrRegions, parameters.hubAccountId.valueAsString);

    // So that the stack still holds a resource where its conditions leave every other one out (the hub's account
    // outside the global-events Region): it costs nothing and does nothing.
    new CfnWaitConditionHandle(this, 'Anchor');

    this.forwardRole = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Forwards ECR replication role reconciler events to the hub event bus',
    });
    const hubBus = events.EventBus.fromEventBusArn(
      this,
      'HubEventBus',
      parameters.hubEventBusArn.valueAsString,
    );
    const deadLetterQueue = (queueId: string) => {
      const queue = new sqs.Queue(this, queueId, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      addNagSuppressions(queue, [
        {
          id: 'AwsSolutions-SQS3',
          reason:
            'This queue is itself the dead-letter queue of the forwarding rules. It is not alarmed: an alarm in ' +
            'every member account and Region would cost more than the whole hub; the hourly sweep reconciles ' +
            'every account whatever event was lost.',
        },
      ]);
      return queue;
    };
    const rule = (ruleId: string, description: string, pattern: events.EventPattern, dlq: sqs.Queue) =>
      new events.Rule(this, ruleId, {
        description,
        eventPattern: pattern,
        targets: [new targets.EventBus(hubBus, { role: this.forwardRole, deadLetterQueue: dlq })],
      });

    // One dead-letter queue per condition, so that a queue's policy names only rules that exist with it.
    const ecrDeadLetters = deadLetterQueue('EcrDeadLetterQueue');
    const ecrRule = rule(
      'EcrReplicationChangeRule',
      'Forwards ECR replication changes to the ECR replication role reconciler hub',
      ECR_REPLICATION_CHANGE_PATTERN,
      ecrDeadLetters,
    );
    const globalDeadLetters = deadLetterQueue('GlobalEventsDeadLetterQueue');
    const roleRule = rule(
      'RoleChangeRule',
      'Forwards IAM calls on the ECR replication role to the reconciler hub',
      IAM_REPLICATION_ROLE_CHANGE_PATTERN,
      globalDeadLetters,
    );
    const optInRule = rule(
      'RegionOptInRule',
      'Forwards Region opt-in status changes to the reconciler hub',
      REGION_OPT_IN_PATTERN,
      globalDeadLetters,
    );
    this.rules = [ecrRule, roleRule, optInRule];
    onlyIf(conditions.forwardsEcrChanges, [ecrDeadLetters, ecrRule]);
    onlyIf(conditions.forwardsGlobalEvents, [globalDeadLetters, roleRule, optInRule]);
    onlyIf(conditions.forwards, [this.forwardRole]);

    this.readRole = this.addReadRole(parameters);
    onlyIf(conditions.inGlobalEventsRegion, [this.readRole]);
  }

  private addParameters(
    defaults: MemberParameters | undefined,
  ): Record<keyof MemberParameters, CfnParameter> {
    const parameter = (key: keyof MemberParameters, props: Omit<CfnParameterProps, 'default'>) => {
      const value = defaults?.[key];
      return new CfnParameter(this, MEMBER_PARAMETER_IDS[key], {
        ...props,
        ...(value === undefined ? {} : { default: Array.isArray(value) ? value.join(',') : value }),
      });
    };
    return {
      hubEventBusArn: parameter('hubEventBusArn', {
        type: 'String',
        description: "The reconciler hub's event bus ARN",
        allowedPattern: '^arn:aws[a-z-]*:events:[a-z0-9-]+:\\d{12}:event-bus/[\\w.\\-/]+$',
      }),
      hubAccountId: parameter('hubAccountId', {
        type: 'String',
        description: "The reconciler hub's account (it forwards nothing to itself)",
        allowedPattern: '^\\d{12}$',
      }),
      readRoleName: new CfnParameter(this, MEMBER_PARAMETER_IDS.readRoleName, {
        type: 'String',
        description: 'The read-only role the reconciler hub assumes in this account',
        default: defaults?.readRoleName ?? MEMBER_READ_ROLE_NAME,
        allowedPattern: '^[\\w+=,.@-]{1,64}$',
      }),
      trustedPrincipalArns: parameter('trustedPrincipalArns', {
        type: 'CommaDelimitedList',
        description: "Role ARNs allowed to assume the read role: the hub's functions, and any other given",
      }),
      organizationId: parameter('organizationId', {
        type: 'String',
        description: 'The organization whose members may assume the read role',
        allowedPattern: '^o-[a-z0-9]{10,32}$',
      }),
    };
  }

  private addConditions(hubRegion: string, ecrRegions: readonly string[], hubAccountId: string) {
    const condition = (conditionId: string, expression: ICfnConditionExpression) =>
      new CfnCondition(this, conditionId, { expression });
    const inRegion = (region: string) => Fn.conditionEquals(Aws.REGION, region);
    const inGlobalEventsRegion = condition('InGlobalEventsRegion', inRegion(globalEventsRegion(hubRegion)));
    const inEcrRegion = condition('InEcrRegion', anyOf(ecrRegions.map(inRegion)));
    const notHubAccount = condition(
      'NotHubAccount',
      Fn.conditionNot(Fn.conditionEquals(Aws.ACCOUNT_ID, hubAccountId)),
    );
    return {
      inGlobalEventsRegion,
      forwardsEcrChanges: condition('ForwardsEcrChanges', Fn.conditionAnd(notHubAccount, inEcrRegion)),
      forwardsGlobalEvents: condition(
        'ForwardsGlobalEvents',
        Fn.conditionAnd(notHubAccount, inGlobalEventsRegion),
      ),
      forwards: condition(
        'Forwards',
        Fn.conditionAnd(notHubAccount, Fn.conditionOr(inEcrRegion, inGlobalEventsRegion)),
      ),
    };
  }

  /**
   * The read role: trusted by the given roles only, and only while they are in the organization; allowed only the
   * reads of one reconcile of this account (`memberReadPolicy`, shared with `ecr-role-reconciler policy`).
   */
  private addReadRole(parameters: Record<keyof MemberParameters, CfnParameter>): iam.CfnRole {
    const role = new iam.CfnRole(this, 'ReadRole', {
      roleName: parameters.readRoleName.valueAsString,
      description: 'Read-only: lets the ECR replication role reconciler hub read this account',
      maxSessionDuration: 3600,
      assumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: parameters.trustedPrincipalArns.valueAsList },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': parameters.organizationId.valueAsString } },
          },
        ],
      },
      policies: [
        {
          policyName: 'ReadReplicationState',
          policyDocument: memberReadPolicy(Aws.PARTITION, Aws.ACCOUNT_ID),
        },
      ],
    });
    addReadRoleNagSuppressions(role);
    return role;
  }
}

/** `Fn::Or` takes 2 to 10 conditions: one stands alone, more are nested by tens. */
function anyOf(conditions: readonly ICfnConditionExpression[]): ICfnConditionExpression {
  if (conditions.length === 0) throw new Error('MemberStack: no ECR Region given.');
  if (conditions.length === 1) return conditions[0] as ICfnConditionExpression;
  if (conditions.length <= 10) return Fn.conditionOr(...conditions);
  const groups: ICfnConditionExpression[] = [];
  for (let start = 0; start < conditions.length; start += 10) {
    groups.push(anyOf(conditions.slice(start, start + 10)));
  }
  return anyOf(groups);
}
