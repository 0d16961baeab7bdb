import { ArnFormat, Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SLACK_DEFAULTS } from '../functions/adapters/slack-notifier.js';
import { DEFAULT_GRACE_SECONDS, ENV, parseRegions } from '../functions/config.js';
import { FINDING_CODES, REPLICATION_ROLE } from '../functions/core/constants.js';
import { replicationRoleReadArns as rolePathArns } from '../functions/core/permissions.js';
import {
  ECR_REPLICATION_CHANGE_PATTERN,
  globalEventsRegion,
  IAM_REPLICATION_ROLE_CHANGE_PATTERN,
  REGION_OPT_IN_PATTERN,
} from './event-patterns.js';
import { FORWARDER_ALARM_PREFIX } from './forwarder-stack.js';
import { addNagSuppressions } from './nag-suppressions.js';
import { ReconcilerFunction } from './reconciler-function.js';

/** The hub's event bus: the account's other Regions forward their events to it. */
export const HUB_EVENT_BUS_NAME = 'ecr-replication-role-reconciler';
/** `POWERTOOLS_SERVICE_NAME` of both functions: the `service` dimension of their metrics. */
export const SERVICE_NAME = 'ecr-replication-role-reconciler';
/** `POWERTOOLS_METRICS_NAMESPACE` of both functions. */
export const METRIC_NAMESPACE = 'EcrReplicationRoleReconciler';
/** Published by the functions (EMF) after each reconcile: how many high findings are open. */
export const OPEN_HIGH_FINDINGS_METRIC = 'OpenHighFindings';
/** Published by the functions (EMF): alerts a channel did not deliver (retried by the next invocation). */
export const ALERTS_UNDELIVERED_METRIC = 'AlertsUndelivered';
/**
 * At most this many reconciles run at once by default: a burst of CloudTrail events (a pipeline changing replication
 * in every Region) is absorbed by Lambda's asynchronous queue instead of multiplying IAM and ECR reads, whose
 * throttling quotas are shared with everything else in the account.
 */
export const DEFAULT_EVENT_CONCURRENCY = 5;

/** SQS delays a message by at most 15 minutes. */
const MAX_GRACE_SECONDS = 900;
const MAX_REMINDER_HOURS = 24 * 365;
/**
 * The reads (every Region and IAM call at once, each within its 10 s timeout, the role's reads after the Region
 * list's) take at most about 20 s; then each channel tells its alerts one after another, channels in parallel, a
 * Slack send within its budget. The function outlasts that worst case, so a slow Slack ends as a failed delivery
 * (retried later), never as a function timeout in the middle of recording it.
 */
const READS_ALLOWANCE_MS = 20_000;
const FUNCTION_TIMEOUT = Duration.seconds(
  Math.ceil((READS_ALLOWANCE_MS + FINDING_CODES.length * SLACK_DEFAULTS.budgetMs) / 1000) + 10,
);
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const SECRET_ARN = /^arn:aws(?:-[a-z]+)*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
/** Secrets Manager appends `-` and six random characters to a secret's name in its complete ARN. */
const COMPLETE_SECRET_ARN = /-[A-Za-z0-9]{6}$/;

/**
 * The hub's event bus ARN, built as a string (no cross-stack reference, so forwarders in other Regions can use it).
 *
 * @example
 * hubEventBusArn('us-east-1', '111122223333'); // → 'arn:${Partition}:events:us-east-1:111122223333:event-bus/…'
 */
export function hubEventBusArn(hubRegion: string, account: string = Aws.ACCOUNT_ID): string {
  return `arn:${Aws.PARTITION}:events:${hubRegion}:${account}:event-bus/${HUB_EVENT_BUS_NAME}`;
}

/**
 * How the reconciler is deployed: which Regions it watches (required), when it runs without an event, how it
 * confirms and announces findings, and what it keeps when removed. Validated when the construct is created: a bad
 * value fails the synth with a message naming the property.
 *
 * @example
 * const props: EcrReplicationRoleReconcilerProps = {
 *   regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
 *   alertEmail: 'platform@example.com',
 *   slackWebhookSecretArn: 'arn:aws:secretsmanager:us-east-1:111122223333:secret:ecr-role-slack-AbCdEf',
 *   graceSeconds: 300,
 * };
 */
export interface EcrReplicationRoleReconcilerProps {
  /**
   * The Regions whose replication configuration is read and whose ECR events are watched (Region codes, e.g.
   * `us-east-1`). Every Region other than the hub's needs a forwarder stack.
   */
  readonly regions: readonly string[];
  /**
   * When to reconcile even without an event: the safety net for lost or late events.
   * @default Schedule.rate(Duration.hours(1))
   */
  readonly schedule?: events.Schedule;
  /**
   * How long a high finding raised by an event waits before it is re-checked and announced (0–900 seconds).
   * @default 120
   */
  readonly graceSeconds?: number;
  /**
   * Re-announce an open finding after this many hours (1–8760).
   * @default - no reminders
   */
  readonly reminderHours?: number;
  /**
   * An address subscribed to the alert topic (alerts and alarms).
   * @default - no subscription
   */
  readonly alertEmail?: string;
  /**
   * The Secrets Manager secret (complete or partial ARN) holding the Slack incoming webhook URL.
   * @default - no Slack notifications
   */
  readonly slackWebhookSecretArn?: string;
  /**
   * What happens to the alert table, the topic's key and the log groups when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * The event function's reserved concurrency: at most this many reconciles at once (1–100), or `'unreserved'` for
   * none (Lambda refuses a reservation that leaves the account fewer than 100 unreserved executions, as in new
   * accounts whose concurrency quota is still 10).
   * @default 5
   */
  readonly eventConcurrency?: number | 'unreserved';
}

/** The alarms, each notifying the alert topic. */
export interface ReconcilerAlarms {
  readonly eventFunctionErrors: cloudwatch.Alarm;
  readonly recheckFunctionErrors: cloudwatch.Alarm;
  /** Events EventBridge could not deliver to the event function. */
  readonly ruleTargetDeadLetters: cloudwatch.Alarm;
  /** Events the event function failed on after Lambda's asynchronous retries. */
  readonly eventFunctionFailures: cloudwatch.Alarm;
  /** Re-checks the recheck function failed on `maxReceiveCount` times. */
  readonly recheckDeadLetters: cloudwatch.Alarm;
  /** At least one high finding (missing or impersonated role) is open. */
  readonly openHighFindings: cloudwatch.Alarm;
  /** An alert channel did not deliver an alert (it is retried; the alarm says the channel needs a look). */
  readonly undeliveredAlerts: cloudwatch.Alarm;
}

/**
 * Reconciles the ECR replication service-linked role with replication in every watched Region: the hub part.
 *
 * An event function runs on a schedule, on ECR `PutReplicationConfiguration`, on IAM calls on the role and on
 * Region opt-in changes; a recheck function confirms event-raised high findings after a grace delay (an SQS delayed
 * message). Alerts go to an SNS topic (and Slack); alert state lives in DynamoDB. The hub's event bus receives what
 * the forwarder stacks in the other Regions (and, when the hub is not there, `us-east-1` for IAM) send: one
 * `ForwarderStack` per such Region (`addReconcilerStacks` adds the hub and every forwarder to an app).
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
  };
  /** The bus the forwarders send to (named {@link HUB_EVENT_BUS_NAME}). */
  readonly eventBus: events.EventBus;
  readonly rules: readonly events.Rule[];
  readonly alarms: ReconcilerAlarms;
  /** The Slack webhook secret, imported by reference, when one was given. */
  readonly slackWebhookSecret: secretsmanager.ISecret | undefined;

  constructor(scope: Construct, id: string, props: EcrReplicationRoleReconcilerProps) {
    super(scope, id);
    const settings = validate(props);
    const hubRegion = Stack.of(this).region;
    if (Token.isUnresolved(hubRegion)) {
      throw new Error(
        'EcrReplicationRoleReconciler: the stack needs an explicit Region (env.region): which events arrive ' +
          'where depends on it.',
      );
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Alerts: an encrypted topic, published to over TLS only, that the alarms may use too.
    this.alertKey = new kms.Key(this, 'AlertKey', {
      description: 'Encrypts the ECR replication role reconciler alert topic',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.alertTopic = new sns.Topic(this, 'AlertTopic', {
      displayName: 'ECR replication role reconciler',
      masterKey: this.alertKey,
      enforceSSL: true,
    });
    allowCloudWatchAlarms(this.alertTopic, this.alertKey);
    if (settings.alertEmail) {
      this.alertTopic.addSubscription(new subscriptions.EmailSubscription(settings.alertEmail));
    }

    this.alertTable = new dynamodb.Table(this, 'AlertTable', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: 'expiresAt',
      removalPolicy,
    });

    const recheckDeadLetters = secureQueue(this, 'RecheckDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
    });
    this.graceQueue = secureQueue(this, 'GraceQueue', {
      // Lambda's advice for an SQS event source: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: recheckDeadLetters, maxReceiveCount: 5 },
    });
    const ruleTargetDeadLetters = secureQueue(this, 'RuleTargetDeadLetterQueue', {
      retentionPeriod: Duration.days(14),
    });
    const eventFunctionFailures = secureQueue(this, 'EventFunctionFailureQueue', {
      retentionPeriod: Duration.days(14),
    });
    for (const queue of [ruleTargetDeadLetters, eventFunctionFailures]) {
      addNagSuppressions(queue, [
        {
          id: 'AwsSolutions-SQS3',
          reason:
            'This queue is itself a dead-letter destination (EventBridge target DLQ / Lambda on-failure ' +
            'destination); its depth is alarmed.',
        },
      ]);
    }
    this.deadLetterQueues = {
      ruleTargets: ruleTargetDeadLetters,
      eventFunctionFailures,
      recheck: recheckDeadLetters,
    };

    const secretArn = settings.slackWebhookSecretArn;
    this.slackWebhookSecret =
      secretArn === undefined
        ? undefined
        : COMPLETE_SECRET_ARN.test(secretArn)
          ? secretsmanager.Secret.fromSecretCompleteArn(this, 'SlackWebhookSecret', secretArn)
          : secretsmanager.Secret.fromSecretPartialArn(this, 'SlackWebhookSecret', secretArn);

    const environment: Record<string, string> = {
      POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
      POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
      [ENV.regions]: settings.regions.join(','),
      [ENV.alertTopicArn]: this.alertTopic.topicArn,
      [ENV.alertTableName]: this.alertTable.tableName,
      ...(settings.reminderHours === undefined
        ? {}
        : { [ENV.reminderHours]: String(settings.reminderHours) }),
      ...(this.slackWebhookSecret ? { [ENV.slackWebhookSecretArn]: this.slackWebhookSecret.secretArn } : {}),
    };
    const functionDefaults = { timeout: FUNCTION_TIMEOUT, logRemovalPolicy: removalPolicy };

    this.eventFunction = new ReconcilerFunction(this, 'EventFunction', {
      ...functionDefaults,
      bundle: 'event',
      description: 'ECR replication role reconciler: schedule, CloudTrail and Region opt-in events',
      environment: {
        ...environment,
        [ENV.graceQueueUrl]: this.graceQueue.queueUrl,
        [ENV.graceSeconds]: String(settings.graceSeconds),
      },
      // EventBridge invokes asynchronously: Lambda retries twice, then the event and its error go to the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new SendOnlyQueueDestination(eventFunctionFailures),
      ...(settings.eventConcurrency === 'unreserved'
        ? {}
        : { reservedConcurrentExecutions: settings.eventConcurrency }),
    });
    this.recheckFunction = new ReconcilerFunction(this, 'RecheckFunction', {
      ...functionDefaults,
      bundle: 'recheck',
      description: 'ECR replication role reconciler: re-checks after the grace delay',
      environment,
    });

    for (const fn of [this.eventFunction, this.recheckFunction]) {
      grantReconcile(fn, {
        topic: this.alertTopic,
        key: this.alertKey,
        table: this.alertTable,
        slackWebhookSecret: this.slackWebhookSecret,
      });
    }
    this.eventFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ScheduleRecheck',
        actions: ['sqs:SendMessage'],
        resources: [this.graceQueue.queueArn],
      }),
    );
    // What the SQS event source mapping needs, and no more (grantConsumeMessages adds ChangeMessageVisibility and
    // GetQueueUrl). https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions
    this.recheckFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ConsumeRechecks',
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.graceQueue.queueArn],
      }),
    );
    this.recheckFunction.addEventSourceMapping('GraceQueue', {
      eventSourceArn: this.graceQueue.queueArn,
      // One re-check, one reconcile: a batch of them would share one function timeout.
      batchSize: 1,
      maxConcurrency: 2,
      reportBatchItemFailures: true,
    });

    // Events from the account's other Regions arrive here (forwarded events keep their `region` and `account`).
    this.eventBus = new events.EventBus(this, 'EventBus', { eventBusName: HUB_EVENT_BUS_NAME });
    this.eventBus.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AcceptEventsForwardedFromThisAccount',
        principals: [new iam.AccountPrincipal(Stack.of(this).account)],
        actions: ['events:PutEvents'],
        resources: [this.eventBus.eventBusArn],
      }),
    );

    const toEventFunction = new targets.LambdaFunction(this.eventFunction, {
      deadLetterQueue: ruleTargetDeadLetters,
      retryAttempts: 10,
      maxEventAge: Duration.hours(6),
    });
    const receivesGlobalEvents = globalEventsRegion(hubRegion) === hubRegion;
    const rules: events.Rule[] = [
      new events.Rule(this, 'ScheduleRule', {
        description: 'Reconciles the ECR replication role on a schedule',
        schedule: settings.schedule,
        targets: [toEventFunction],
      }),
    ];
    const rule = (
      ruleId: string,
      description: string,
      eventPattern: events.EventPattern,
      bus?: events.IEventBus,
    ) =>
      rules.push(
        new events.Rule(this, ruleId, {
          description,
          eventPattern,
          ...(bus ? { eventBus: bus } : {}),
          targets: [toEventFunction],
        }),
      );
    if (settings.regions.includes(hubRegion)) {
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
    if (settings.regions.some((region) => region !== hubRegion)) {
      rule(
        'ForwardedEcrReplicationChangeRule',
        'ECR replication changes forwarded from the other watched Regions',
        ECR_REPLICATION_CHANGE_PATTERN,
        this.eventBus,
      );
    }
    if (!receivesGlobalEvents) {
      rule(
        'ForwardedRoleChangeRule',
        `IAM calls on the ECR replication role, forwarded from ${globalEventsRegion(hubRegion)}`,
        IAM_REPLICATION_ROLE_CHANGE_PATTERN,
        this.eventBus,
      );
      rule(
        'ForwardedRegionOptInRule',
        `Region opt-in status changes, forwarded from ${globalEventsRegion(hubRegion)}`,
        REGION_OPT_IN_PATTERN,
        this.eventBus,
      );
    }
    // The forwarders' dead-letter alarms live in their own Regions; their state changes arrive here, one hop.
    const hasForwarders = settings.regions.some((region) => region !== hubRegion) || !receivesGlobalEvents;
    if (hasForwarders) {
      const alarmPublisher = new iam.Role(this, 'ForwarderAlarmPublisherRole', {
        assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
        description: "Publishes the forwarders' dead-letter alarms to the alert topic",
      });
      rules.push(
        new events.Rule(this, 'ForwarderAlarmRule', {
          description: 'Announces the dead-letter alarms of the forwarders in the other Regions',
          eventBus: this.eventBus,
          eventPattern: {
            source: ['aws.cloudwatch'],
            detailType: ['CloudWatch Alarm State Change'],
            detail: { alarmName: [{ prefix: FORWARDER_ALARM_PREFIX }], state: { value: ['ALARM'] } },
          },
          // Through a role of this stack (granted publish and the key), not by opening the topic and its key to the
          // EventBridge service as a whole. The rule has the same DLQ as the others.
          targets: [
            new targets.SnsTopic(this.alertTopic, {
              authorizeUsingRole: true,
              role: alarmPublisher,
              deadLetterQueue: ruleTargetDeadLetters,
              retryAttempts: 10,
              maxEventAge: Duration.hours(6),
            }),
          ],
        }),
      );
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
    }
    this.rules = rules;

    const alarm = (
      alarmId: string,
      alarmDescription: string,
      metric: cloudwatch.IMetric,
      missing?: boolean,
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription,
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: missing
          ? cloudwatch.TreatMissingData.IGNORE
          : cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new cloudwatchActions.SnsAction(this.alertTopic));
      return created;
    };
    const fiveMinutes = Duration.minutes(5);
    const depth = (queue: sqs.Queue) =>
      queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' });
    this.alarms = {
      eventFunctionErrors: alarm(
        'EventFunctionErrorsAlarm',
        'The event function failed',
        this.eventFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      ),
      recheckFunctionErrors: alarm(
        'RecheckFunctionErrorsAlarm',
        'The recheck function failed',
        this.recheckFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
      ),
      ruleTargetDeadLetters: alarm(
        'RuleTargetDeadLettersAlarm',
        'EventBridge could not deliver events to the event function',
        depth(ruleTargetDeadLetters),
      ),
      eventFunctionFailures: alarm(
        'EventFunctionFailuresAlarm',
        'The event function gave up on events after its retries',
        depth(eventFunctionFailures),
      ),
      recheckDeadLetters: alarm(
        'RecheckDeadLettersAlarm',
        'Grace re-checks failed repeatedly',
        depth(recheckDeadLetters),
      ),
      // A reconcile reports the current count; when none runs (the schedule is late), keep the last state.
      openHighFindings: alarm(
        'OpenHighFindingsAlarm',
        'A high finding is open: the ECR replication role is missing or not the genuine service-linked role',
        new cloudwatch.Metric({
          namespace: METRIC_NAMESPACE,
          metricName: OPEN_HIGH_FINDINGS_METRIC,
          // Powertools Metrics adds the `service` dimension to every metric.
          dimensionsMap: { service: SERVICE_NAME },
          statistic: 'Maximum',
          period: Duration.hours(1),
        }),
        true,
      ),
      undeliveredAlerts: alarm(
        'UndeliveredAlertsAlarm',
        'An alert channel (SNS or Slack) did not deliver an alert; it is retried until it does',
        new cloudwatch.Metric({
          namespace: METRIC_NAMESPACE,
          metricName: ALERTS_UNDELIVERED_METRIC,
          dimensionsMap: { service: SERVICE_NAME },
          statistic: 'Sum',
          period: fiveMinutes,
        }),
      ),
    };
  }
}

interface Settings {
  readonly regions: readonly string[];
  readonly schedule: events.Schedule;
  readonly graceSeconds: number;
  readonly reminderHours: number | undefined;
  readonly alertEmail: string | undefined;
  readonly slackWebhookSecretArn: string | undefined;
  readonly eventConcurrency: number | 'unreserved';
}

function validate(props: EcrReplicationRoleReconcilerProps): Settings {
  const fail = (message: string): never => {
    throw new Error(`EcrReplicationRoleReconciler: ${message}`);
  };
  let regions: readonly string[] = [];
  try {
    regions = parseRegions(props.regions.join(','), 'regions') ?? [];
  } catch (error) {
    fail((error as Error).message);
  }
  const graceSeconds = props.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > MAX_GRACE_SECONDS) {
    fail(
      `graceSeconds must be a whole number from 0 to ${MAX_GRACE_SECONDS} (SQS's longest delay), not ${graceSeconds}.`,
    );
  }
  const { reminderHours } = props;
  if (
    reminderHours !== undefined &&
    (!Number.isFinite(reminderHours) || reminderHours < 1 || reminderHours > MAX_REMINDER_HOURS)
  ) {
    fail(`reminderHours must be from 1 to ${MAX_REMINDER_HOURS}, not ${reminderHours}.`);
  }
  const { alertEmail, slackWebhookSecretArn } = props;
  if (alertEmail !== undefined && !Token.isUnresolved(alertEmail) && !EMAIL.test(alertEmail)) {
    fail(`alertEmail is not an email address: ${JSON.stringify(alertEmail)}.`);
  }
  if (
    slackWebhookSecretArn !== undefined &&
    !Token.isUnresolved(slackWebhookSecretArn) &&
    !SECRET_ARN.test(slackWebhookSecretArn)
  ) {
    fail(
      `slackWebhookSecretArn is not a Secrets Manager secret ARN ` +
        `(arn:aws:secretsmanager:<region>:<account>:secret:<name>): ${JSON.stringify(slackWebhookSecretArn)}.`,
    );
  }
  const eventConcurrency = props.eventConcurrency ?? DEFAULT_EVENT_CONCURRENCY;
  if (
    eventConcurrency !== 'unreserved' &&
    (!Number.isInteger(eventConcurrency) || eventConcurrency < 1 || eventConcurrency > 100)
  ) {
    fail(`eventConcurrency must be a whole number from 1 to 100, or 'unreserved', not ${eventConcurrency}.`);
  }
  return {
    regions,
    schedule: props.schedule ?? events.Schedule.rate(Duration.hours(1)),
    graceSeconds,
    reminderHours,
    alertEmail,
    slackWebhookSecretArn,
    eventConcurrency,
  };
}

function secureQueue(scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    ...props,
  });
}

/**
 * CloudWatch alarms publish as the `cloudwatch.amazonaws.com` service: the topic policy (which replaces the
 * default one) and the key policy must let it, for this account's alarms only.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
function allowCloudWatchAlarms(topic: sns.Topic, key: kms.Key): void {
  const cloudwatchPrincipal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const conditions = {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
  };
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [cloudwatchPrincipal],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseTheKey',
      principals: [cloudwatchPrincipal],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions,
    }),
  );
}

/** The IAM resources the reconciler reads: every path a role of that name could have. */
export function replicationRoleReadArns(): string[] {
  // The genuine role, the root path, any other path: one list, shared with `ecr-role-reconciler policy`.
  return rolePathArns(Aws.PARTITION, Aws.ACCOUNT_ID);
}

interface ReconcileResources {
  readonly topic: sns.ITopic;
  readonly key: kms.IKey;
  readonly table: dynamodb.ITable;
  readonly slackWebhookSecret: secretsmanager.ISecret | undefined;
}

/**
 * What a reconcile reads and writes, granted as explicit statements (the `grant*` helpers give more). The functions
 * are always told the watched Regions, so they never list them (no `ec2:DescribeRegions`); they read the Regions'
 * opt-in status (`account:ListRegions`) only to tell a Region not enabled from a bad token.
 */
function grantReconcile(fn: ReconcilerFunction, resources: ReconcileResources): void {
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadReplicationConfiguration',
      actions: ['ecr:DescribeRegistry'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'ReadReplicationRole',
      actions: ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
      resources: replicationRoleReadArns(),
    }),
    // Whether a Region that answers UnrecognizedClientException is really not enabled (else it is unreadable):
    // asked only then. https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsaccountmanagement.html
    new iam.PolicyStatement({
      sid: 'ReadRegionOptInStatus',
      actions: ['account:ListRegions'],
      resources: [`arn:${Aws.PARTITION}:account::${Aws.ACCOUNT_ID}:account`],
    }),
    // The deletion task id names the role; IAM authorizes this call on the role's ARN.
    new iam.PolicyStatement({
      sid: 'FollowRoleDeletion',
      actions: ['iam:GetServiceLinkedRoleDeletionStatus'],
      resources: [replicationRoleReadArns()[0] as string],
    }),
    new iam.PolicyStatement({
      sid: 'PublishAlerts',
      actions: ['sns:Publish'],
      resources: [resources.topic.topicArn],
    }),
    // Publishing to an encrypted topic: https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
    new iam.PolicyStatement({
      sid: 'EncryptAlerts',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [resources.key.keyArn],
    }),
    new iam.PolicyStatement({
      sid: 'KeepAlertState',
      actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
      resources: [resources.table.tableArn],
    }),
  ];
  const secret = resources.slackWebhookSecret;
  // A partial ARN is followed by the six characters Secrets Manager appends to the name.
  // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html
  const secretResource = secret ? (secret.secretFullArn ?? `${secret.secretArn}-??????`) : undefined;
  if (secretResource && secret) {
    statements.push(
      new iam.PolicyStatement({
        sid: 'ReadSlackWebhook',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretResource],
      }),
      // A secret encrypted with a customer managed key is decrypted through Secrets Manager with the caller's
      // permission on the key. The key is not known here, so any key, but only via Secrets Manager in the secret's
      // Region and for this secret. https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
      new iam.PolicyStatement({
        sid: 'DecryptSlackWebhook',
        actions: ['kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:ViaService': `secretsmanager.${Stack.of(fn).splitArn(secret.secretArn, ArnFormat.COLON_RESOURCE_NAME).region ?? Aws.REGION}.${Aws.URL_SUFFIX}`,
          },
          StringLike: { 'kms:EncryptionContext:SecretARN': secretResource },
        },
      }),
    );
  }
  for (const statement of statements) fn.addToRolePolicy(statement);

  const role = fn.role as iam.Role;
  addNagSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'ecr:DescribeRegistry has no resource type: IAM only accepts "*" for it. kms:Decrypt of the Slack ' +
          'secret is on "*" because the secret\'s key is not known here; it is limited to Secrets Manager in the ' +
          "secret's Region and to that secret (kms:ViaService, kms:EncryptionContext:SecretARN). " +
          'The role reads (GetRole, ListAttachedRolePolicies, ListRolePolicies) cover a role named ' +
          `${REPLICATION_ROLE.name} at any path, so that a look-alike role is read and reported, not denied.` +
          (secretResource?.endsWith('-??????')
            ? ' A partial secret ARN must match the six characters Secrets Manager appends to the name.'
            : ''),
        appliesTo: [
          'Resource::*',
          `Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/*/${REPLICATION_ROLE.name}`,
          ...(secretResource?.endsWith('-??????') ? [`Resource::${secretResource}`] : []),
        ],
      },
    ],
    true,
  );
}

/**
 * A Lambda on-failure destination that grants `sqs:SendMessage` only (the stock `SqsDestination` also grants
 * `GetQueueAttributes` and `GetQueueUrl`).
 */
class SendOnlyQueueDestination implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'ReportFailedEvents',
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queueArn],
      }),
    );
    return { destination: this.queue.queueArn };
  }
}
