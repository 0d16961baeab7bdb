import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  ECR_REPLICATION_CHANGE_PATTERN,
  globalEventsRegion,
  IAM_REPLICATION_ROLE_CHANGE_PATTERN,
  REGION_OPT_IN_PATTERN,
} from './event-patterns.js';
import { FORWARDER_ALARM_PREFIX } from './forwarder-stack.js';
import { addNagSuppressions } from './nag-suppressions.js';

/** Where the hub is, what it watches, and where its rules deliver. */
interface HubRulesOptions {
  readonly hubRegion: string;
  readonly regions: readonly string[];
  readonly schedule: events.Schedule;
  readonly eventFunction: lambda.IFunction;
  /** The hub's bus, where the forwarders' events arrive. */
  readonly eventBus: events.IEventBus;
  readonly alertTopic: sns.ITopic;
  /** What a rule could not deliver to its target. */
  readonly deadLetterQueue: sqs.IQueue;
  /**
   * Organization mode: the sweep, which the schedule runs instead of the event function; and the hub's bus then
   * receives every kind of event from the member accounts.
   */
  readonly sweepFunction?: lambda.IFunction | undefined;
}

/**
 * The hub's rules in `scope`: the schedule; the events delivered in the hub's Region (its ECR replication changes
 * when it is watched; IAM calls on the role and Region opt-in changes when the account's global-service events
 * arrive there); the same events forwarded to its bus from the other Regions (and in organization mode from the
 * member accounts); and, when there are forwarders, their dead-letter alarms, announced on the alert topic.
 */
export function addHubRules(scope: Construct, options: HubRulesOptions): events.Rule[] {
  const { hubRegion, regions, eventBus, sweepFunction } = options;
  const organization = sweepFunction !== undefined;
  const toEventFunction = new targets.LambdaFunction(options.eventFunction, {
    deadLetterQueue: options.deadLetterQueue,
    retryAttempts: 10,
    maxEventAge: Duration.hours(6),
  });
  const receivesGlobalEvents = globalEventsRegion(hubRegion) === hubRegion;
  // In organization mode the schedule runs the sweep; a sweep an hour late has been superseded by the next one.
  const onSchedule = sweepFunction
    ? new targets.LambdaFunction(sweepFunction, {
        deadLetterQueue: options.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(1),
      })
    : toEventFunction;
  const rules: events.Rule[] = [
    new events.Rule(scope, 'ScheduleRule', {
      description: 'Reconciles the ECR replication role on a schedule',
      schedule: options.schedule,
      targets: [onSchedule],
    }),
  ];
  const rule = (
    ruleId: string,
    description: string,
    eventPattern: events.EventPattern,
    bus?: events.IEventBus,
  ) =>
    rules.push(
      new events.Rule(scope, ruleId, {
        description,
        eventPattern,
        ...(bus ? { eventBus: bus } : {}),
        targets: [toEventFunction],
      }),
    );
  if (regions.includes(hubRegion)) {
    rule(
      'EcrReplicationChangeRule',
      'ECR replication changes in this Region',
      ECR_REPLICATION_CHANGE_PATTERN,
    );
  }
  if (receivesGlobalEvents) {
    rule('RoleChangeRule', 'IAM calls on the ECR replication role', IAM_REPLICATION_ROLE_CHANGE_PATTERN);
    rule('RegionOptInRule', 'Region opt-in status changes', REGION_OPT_IN_PATTERN);
  }
  const fromMembers = organization ? ' and from the member accounts' : '';
  if (organization || regions.some((region) => region !== hubRegion)) {
    rule(
      'ForwardedEcrReplicationChangeRule',
      `ECR replication changes forwarded from the other watched Regions${fromMembers}`,
      ECR_REPLICATION_CHANGE_PATTERN,
      eventBus,
    );
  }
  if (organization || !receivesGlobalEvents) {
    const from = receivesGlobalEvents
      ? 'the member accounts'
      : `${globalEventsRegion(hubRegion)}${fromMembers}`;
    rule(
      'ForwardedRoleChangeRule',
      `IAM calls on the ECR replication role, forwarded from ${from}`,
      IAM_REPLICATION_ROLE_CHANGE_PATTERN,
      eventBus,
    );
    rule(
      'ForwardedRegionOptInRule',
      `Region opt-in status changes, forwarded from ${from}`,
      REGION_OPT_IN_PATTERN,
      eventBus,
    );
  }
  // The forwarders' dead-letter alarms live in their own Regions; their state changes arrive here, one hop.
  const hasForwarders = regions.some((region) => region !== hubRegion) || !receivesGlobalEvents;
  if (hasForwarders) rules.push(addForwarderAlarmRule(scope, options));
  return rules;
}

/** Announces on the alert topic the forwarders' dead-letter alarms going into ALARM, as their events reach the bus. */
function addForwarderAlarmRule(scope: Construct, options: HubRulesOptions): events.Rule {
  const alarmPublisher = new iam.Role(scope, 'ForwarderAlarmPublisherRole', {
    assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
    description: "Publishes the forwarders' dead-letter alarms to the alert topic",
  });
  const alarmRule = new events.Rule(scope, 'ForwarderAlarmRule', {
    description: 'Announces the dead-letter alarms of the forwarders in the other Regions',
    eventBus: options.eventBus,
    eventPattern: {
      source: ['aws.cloudwatch'],
      detailType: ['CloudWatch Alarm State Change'],
      detail: { alarmName: [{ prefix: FORWARDER_ALARM_PREFIX }], state: { value: ['ALARM'] } },
    },
    // Through a role of this stack (granted publish and the key), not by opening the topic and its key to the
    // EventBridge service as a whole. The rule has the same DLQ as the others.
    targets: [
      new targets.SnsTopic(options.alertTopic, {
        authorizeUsingRole: true,
        role: alarmPublisher,
        deadLetterQueue: options.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(6),
      }),
    ],
  });
  // After the target's grant, so that it covers the role's policy.
  addNagSuppressions(
    alarmPublisher,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Publishing to a topic encrypted with a KMS key needs kms:GenerateDataKey* (the SNS documentation ' +
          'names the wildcard); it is granted on the alert key only.',
        appliesTo: ['Action::kms:GenerateDataKey*'],
      },
    ],
    true,
  );
  return alarmRule;
}
