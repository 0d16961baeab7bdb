import { Duration, Stack, type StackProps, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  ECR_REPLICATION_CHANGE_PATTERN,
  IAM_REPLICATION_ROLE_CHANGE_PATTERN,
  REGION_OPT_IN_PATTERN,
} from './event-patterns.js';
import { addNagSuppressions } from './nag-suppressions.js';

/**
 * The forwarders' dead-letter alarms are named `<prefix>-<region>`; the hub announces their state changes, which
 * reach it on its bus (an alarm can only notify a topic in its own Region).
 */
export const FORWARDER_ALARM_PREFIX = 'EcrReplicationRoleReconciler-ForwarderDeadLetters';

export interface ForwarderStackProps extends StackProps {
  /** The hub's event bus, as a string built from its Region and account (no cross-stack reference). */
  readonly hubEventBusArn: string;
  /** Forward ECR replication changes made in this Region (it is a watched Region other than the hub's). */
  readonly forwardEcrEvents: boolean;
  /**
   * Forward IAM calls on the replication role and Region opt-in changes: this Region receives the account's
   * global-service events (`us-east-1`) and the hub is elsewhere.
   */
  readonly forwardGlobalEvents: boolean;
}

/**
 * A Region's events for the reconciler, sent to the hub's bus: a cross-Region event bus target, one hop. The
 * forwarded events keep their original `region` and `account`.
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-region.html
 */
export class ForwarderStack extends Stack {
  readonly rules: readonly events.Rule[];
  readonly deadLetterQueue: sqs.Queue;
  /** Events this Region could not forward; its state changes are forwarded to the hub, which announces them. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, props);
    if (!props.forwardEcrEvents && !props.forwardGlobalEvents) {
      throw new Error(`ForwarderStack ${id}: nothing to forward (neither ECR nor global-service events).`);
    }
    if (Token.isUnresolved(this.region)) {
      throw new Error(`ForwarderStack ${id}: the stack needs an explicit Region (env.region).`);
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    addNagSuppressions(this.deadLetterQueue, [
      {
        id: 'AwsSolutions-SQS3',
        reason: 'This queue is itself the dead-letter queue of the forwarding rules.',
      },
    ]);
    // One role for every rule here, allowed to put events on the hub's bus only.
    this.role = new iam.Role(this, 'ForwardRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Forwards ECR replication role reconciler events to the hub event bus',
    });
    const hubBus = events.EventBus.fromEventBusArn(this, 'HubEventBus', props.hubEventBusArn);
    const toHub = new targets.EventBus(hubBus, { role: this.role, deadLetterQueue: this.deadLetterQueue });

    const rules: events.Rule[] = [];
    const rule = (ruleId: string, description: string, eventPattern: events.EventPattern) =>
      rules.push(new events.Rule(this, ruleId, { description, eventPattern, targets: [toHub] }));
    if (props.forwardEcrEvents) {
      rule(
        'EcrReplicationChangeRule',
        'Forwards ECR replication changes to the hub',
        ECR_REPLICATION_CHANGE_PATTERN,
      );
    }
    if (props.forwardGlobalEvents) {
      rule(
        'RoleChangeRule',
        'Forwards IAM calls on the ECR replication role to the hub',
        IAM_REPLICATION_ROLE_CHANGE_PATTERN,
      );
      rule('RegionOptInRule', 'Forwards Region opt-in status changes to the hub', REGION_OPT_IN_PATTERN);
    }

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLettersAlarm', {
      alarmName: `${FORWARDER_ALARM_PREFIX}-${this.region}`,
      alarmDescription: `Events in ${this.region} could not be forwarded to the ECR replication role reconciler hub`,
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    rule('DeadLettersAlarmRule', 'Forwards the state changes of the dead-letter alarm to the hub', {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      resources: [this.deadLetterAlarm.alarmArn],
    });
    this.rules = rules;
  }
}
