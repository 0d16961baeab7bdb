import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SLACK_DEFAULTS } from '../functions/adapters/slack/delivery.js';
import { FINDING_CODES } from '../functions/core/constants.js';
import { ENV, METRIC_NAMESPACE, SERVICE_NAME } from '../functions/settings.js';
import { hubFunctionRoleName, type NamedFunctionRole } from './hub-role-names.js';
import { ReconcilerFunction } from './reconciler-function.js';
import type { ValidatedProps } from './reconciler-props.js';
import { SendOnlyQueueDestination } from './send-only-queue-destination.js';

/**
 * The reads (every Region and IAM call at once, each within its 10 s timeout, the role's reads after the Region
 * list's) take at most about 20 s; then each channel tells its alerts one after another, channels in parallel, a
 * Slack send within its budget. The function outlasts that worst case, so a slow Slack ends as a failed delivery
 * (retried later), never as a function timeout in the middle of recording it.
 */
const READS_ALLOWANCE_MS = 20_000;
export const FUNCTION_TIMEOUT = Duration.seconds(
  Math.ceil((READS_ALLOWANCE_MS + FINDING_CODES.length * SLACK_DEFAULTS.budgetMs) / 1000) + 10,
);

/** What the functions are told about (their environment) and where the event function's failures go. */
interface HubFunctionsOptions {
  readonly settings: ValidatedProps;
  readonly alertTopic: sns.ITopic;
  readonly alertTable: dynamodb.ITable;
  readonly graceQueue: sqs.IQueue;
  /** Where Lambda sends the events the event function failed on after its retries. */
  readonly eventFunctionFailures: sqs.IQueue;
  readonly slackWebhookSecret: secretsmanager.ISecret | undefined;
  /** Organization mode: where the sweep sends the accounts to reconcile. */
  readonly accountQueue?: sqs.IQueue | undefined;
}

/** The hub's functions: two, and the sweep in organization mode. */
interface HubFunctions {
  readonly eventFunction: ReconcilerFunction;
  readonly recheckFunction: ReconcilerFunction;
  readonly sweepFunction: ReconcilerFunction | undefined;
}

/**
 * The event function (`EventFunction` in `scope`: schedule, CloudTrail and Region opt-in events) and the recheck
 * function (`RecheckFunction`: re-checks after the grace delay), each with the environment the handlers read and
 * nothing granted yet but writing their own logs. In organization mode the two also read the member accounts (they
 * are told the read role's name, and their roles have the fixed names the read roles trust), the recheck function
 * also reconciles the accounts the sweep queues, and the sweep (`SweepFunction`) lists the accounts on the schedule.
 */
export function addHubFunctions(scope: Construct, options: HubFunctionsOptions): HubFunctions {
  const { settings, slackWebhookSecret } = options;
  const { organization } = settings;
  const hubRegion = Stack.of(scope).region;
  const environment: Record<string, string> = {
    POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
    [ENV.regions]: settings.regions.join(','),
    [ENV.alertTopicArn]: options.alertTopic.topicArn,
    [ENV.alertTableName]: options.alertTable.tableName,
    ...(settings.reminderHours === undefined ? {} : { [ENV.reminderHours]: String(settings.reminderHours) }),
    ...(slackWebhookSecret ? { [ENV.slackWebhookSecretArn]: slackWebhookSecret.secretArn } : {}),
  };
  const functionDefaults = { timeout: FUNCTION_TIMEOUT, logRemovalPolicy: settings.removalPolicy };
  const readsMembers: Record<string, string> = organization
    ? { [ENV.memberReadRoleName]: organization.readRoleName }
    : {};
  const roleName = (fn: NamedFunctionRole) =>
    organization ? { roleName: hubFunctionRoleName(fn, hubRegion) } : {};

  const eventFunction = new ReconcilerFunction(scope, 'EventFunction', {
    ...functionDefaults,
    bundle: 'event',
    description: 'ECR replication role reconciler: schedule, CloudTrail and Region opt-in events',
    environment: {
      ...environment,
      [ENV.graceQueueUrl]: options.graceQueue.queueUrl,
      [ENV.graceSeconds]: String(settings.graceSeconds),
      ...readsMembers,
    },
    ...roleName('event'),
    // EventBridge invokes asynchronously: Lambda retries twice, then the event and its error go to the queue.
    retryAttempts: 2,
    maxEventAge: Duration.hours(6),
    onFailure: new SendOnlyQueueDestination(options.eventFunctionFailures),
    ...(settings.eventConcurrency === 'unreserved'
      ? {}
      : { reservedConcurrentExecutions: settings.eventConcurrency }),
  });
  const recheckFunction = new ReconcilerFunction(scope, 'RecheckFunction', {
    ...functionDefaults,
    bundle: 'recheck',
    description: organization
      ? 'ECR replication role reconciler: re-checks after the grace delay, and reconciles the accounts swept'
      : 'ECR replication role reconciler: re-checks after the grace delay',
    environment: { ...environment, ...readsMembers },
    ...roleName('recheck'),
  });
  const sweepFunction =
    organization && options.accountQueue
      ? new ReconcilerFunction(scope, 'SweepFunction', {
          ...functionDefaults,
          bundle: 'sweep',
          description: 'ECR replication role reconciler: queues every active account of the organization',
          // What the sweep reads: it lists, queues and reads the account register, and announces nothing.
          environment: {
            POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
            POWERTOOLS_METRICS_NAMESPACE: METRIC_NAMESPACE,
            [ENV.alertTableName]: options.alertTable.tableName,
            [ENV.accountQueueUrl]: options.accountQueue.queueUrl,
            ...(organization.managementAccountListRoleArn === undefined
              ? {}
              : { [ENV.organizationListRoleArn]: organization.managementAccountListRoleArn }),
          },
          ...roleName('sweep'),
          // A sweep an hour late has been superseded by the next one.
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        })
      : undefined;
  return { eventFunction, recheckFunction, sweepFunction };
}
