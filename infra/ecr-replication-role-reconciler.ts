import { type CfnStackSet, Stack, Token } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { addAlertTable } from './alert-table.js';
import { addAlertTopic } from './alert-topic.js';
import { connectGraceRecheck } from './grace-recheck.js';
import { addHubAlarms, type ReconcilerAlarms } from './hub-alarms.js';
import { addHubEventBus } from './hub-event-bus.js';
import { addHubFunctions, FUNCTION_TIMEOUT } from './hub-functions.js';
import { addHubQueues } from './hub-queues.js';
import { addHubRules } from './hub-rules.js';
import { addOrganizationMode } from './organization-mode.js';
import { grantReconcile } from './reconcile-grants.js';
import type { ReconcilerFunction } from './reconciler-function.js';
import { type EcrReplicationRoleReconcilerProps, validateProps } from './reconciler-props.js';
import { importSlackWebhookSecret } from './slack-webhook-secret.js';

/**
 * Reconciles the ECR replication service-linked role with replication in every watched Region: the hub part.
 *
 * An event function runs on a schedule, on ECR `PutReplicationConfiguration`, on IAM calls on the role and on
 * Region opt-in changes; a recheck function confirms event-raised high findings after a grace delay (an SQS delayed
 * message). Alerts go to an SNS topic (and Slack); alert state lives in DynamoDB. The hub's event bus receives what
 * the forwarder stacks in the other Regions (and, when the hub is not there, `us-east-1` for IAM) send: one
 * `ForwarderStack` per such Region (`addReconcilerStacks` adds the hub and every forwarder to an app).
 *
 * With `organization`, it watches every account of an AWS Organization from this one: the hub's bus accepts the
 * organization's events, a service-managed StackSet deploys the member template (forwarding rules, read role) to
 * the target organizational units, and the schedule runs a sweep that queues one reconcile per active account for
 * the recheck function. See the README's "Organization mode".
 *
 * The functions' code ships prebuilt in the package (`dist/lambda/`): synthesizing bundles nothing.
 *
 * @example
 * new EcrReplicationRoleReconciler(this, 'Reconciler', {
 *   regions: ['us-east-1', 'eu-west-1'],
 *   alertEmail: 'platform@example.com',
 * });
 */
export class EcrReplicationRoleReconciler extends Construct {
  readonly eventFunction: ReconcilerFunction;
  readonly recheckFunction: ReconcilerFunction;
  readonly alertTopic: sns.Topic;
  readonly alertKey: kms.Key;
  readonly alertTable: dynamodb.Table;
  readonly graceQueue: sqs.Queue;
  readonly deadLetterQueues: {
    readonly ruleTargets: sqs.Queue;
    readonly eventFunctionFailures: sqs.Queue;
    readonly recheck: sqs.Queue;
    /** Organization mode: account reconciles that failed `maxReceiveCount` times. */
    readonly accounts?: sqs.Queue;
  };
  /** The bus the forwarders send to (named `HUB_EVENT_BUS_NAME`). */
  readonly eventBus: events.EventBus;
  readonly rules: readonly events.Rule[];
  readonly alarms: ReconcilerAlarms;
  /** The Slack webhook secret, imported by reference, when one was given. */
  readonly slackWebhookSecret: secretsmanager.ISecret | undefined;
  /** Organization mode: lists the accounts on the schedule and queues one reconcile per active account. */
  readonly sweepFunction: ReconcilerFunction | undefined;
  /** Organization mode: one message per account to reconcile, consumed by the recheck function. */
  readonly accountQueue: sqs.Queue | undefined;
  /** Organization mode: the StackSet deploying the member template to the target organizational units. */
  readonly memberStackSet: CfnStackSet | undefined;

  constructor(scope: Construct, id: string, props: EcrReplicationRoleReconcilerProps) {
    super(scope, id);
    const settings = validateProps(props);
    const hubRegion = Stack.of(this).region;
    if (Token.isUnresolved(hubRegion)) {
      throw new Error(
        'EcrReplicationRoleReconciler: the stack needs an explicit Region (env.region): which events arrive ' +
          'where depends on it.',
      );
    }

    // Each concern adds its resources to this construct itself, not to a child construct of its own: a child's id
    // would enter the path, and so the logical id, of every resource under it, and CloudFormation replaces a
    // resource whose logical id changes (the retained alert table would be orphaned, its state lost). The order
    // below is the order of the resources in the template.
    const alerts = addAlertTopic(this, settings);
    this.alertKey = alerts.key;
    this.alertTopic = alerts.topic;
    this.alertTable = addAlertTable(this, settings.removalPolicy);

    const { organization } = settings;
    const queues = addHubQueues(this, FUNCTION_TIMEOUT, organization !== undefined);
    this.graceQueue = queues.grace;
    this.accountQueue = queues.accounts;
    this.deadLetterQueues = {
      ruleTargets: queues.ruleTargetDeadLetters,
      eventFunctionFailures: queues.eventFunctionFailures,
      recheck: queues.recheckDeadLetters,
      ...(queues.accountDeadLetters ? { accounts: queues.accountDeadLetters } : {}),
    };

    const secretArn = settings.slackWebhookSecretArn;
    this.slackWebhookSecret = secretArn === undefined ? undefined : importSlackWebhookSecret(this, secretArn);

    const functions = addHubFunctions(this, {
      settings,
      alertTopic: this.alertTopic,
      alertTable: this.alertTable,
      graceQueue: this.graceQueue,
      eventFunctionFailures: queues.eventFunctionFailures,
      slackWebhookSecret: this.slackWebhookSecret,
      accountQueue: queues.accounts,
    });
    this.eventFunction = functions.eventFunction;
    this.recheckFunction = functions.recheckFunction;
    this.sweepFunction = functions.sweepFunction;
    for (const fn of [this.eventFunction, this.recheckFunction]) {
      grantReconcile(fn, {
        topic: this.alertTopic,
        key: this.alertKey,
        table: this.alertTable,
        slackWebhookSecret: this.slackWebhookSecret,
      });
    }
    connectGraceRecheck({ ...functions, graceQueue: this.graceQueue });

    this.eventBus = addHubEventBus(this, organization?.organizationId);
    this.rules = addHubRules(this, {
      hubRegion,
      regions: settings.regions,
      schedule: settings.schedule,
      eventFunction: this.eventFunction,
      eventBus: this.eventBus,
      alertTopic: this.alertTopic,
      deadLetterQueue: queues.ruleTargetDeadLetters,
      sweepFunction: this.sweepFunction,
    });
    const alarms = addHubAlarms(this, {
      alertTopic: this.alertTopic,
      eventFunction: this.eventFunction,
      recheckFunction: this.recheckFunction,
      ruleTargetDeadLetters: queues.ruleTargetDeadLetters,
      eventFunctionFailures: queues.eventFunctionFailures,
      recheckDeadLetters: queues.recheckDeadLetters,
    });
    if (!organization || !this.sweepFunction || !this.accountQueue || !queues.accountDeadLetters) {
      this.alarms = alarms;
      this.memberStackSet = undefined;
      return;
    }
    const organizationMode = addOrganizationMode(this, {
      organization,
      hubRegion,
      eventFunction: this.eventFunction,
      recheckFunction: this.recheckFunction,
      sweepFunction: this.sweepFunction,
      accountQueue: this.accountQueue,
      accountDeadLetters: queues.accountDeadLetters,
      alertTable: this.alertTable,
      alertTopic: this.alertTopic,
      eventBusArn: this.eventBus.eventBusArn,
    });
    this.alarms = { ...alarms, ...organizationMode.alarms };
    this.memberStackSet = organizationMode.stackSet;
  }
}
