import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { SLACK_DEFAULTS } from '../functions/adapters/slack/delivery.js';
import { FINDING_CODES } from '../functions/core/constants.js';
import { ENV, METRIC_NAMESPACE, SERVICE_NAME } from '../functions/settings.js';
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
}

/** The hub's two functions. */
interface HubFunctions {
  readonly eventFunction: ReconcilerFunction;
  readonly recheckFunction: ReconcilerFunction;
}

/**
 * The event function (`EventFunction` in `scope`: schedule, CloudTrail and Region opt-in events) and the recheck
 * function (`RecheckFunction`: re-checks after the grace delay), each with the environment the handlers read and
 * nothing granted yet but writing their own logs.
 */
export function addHubFunctions(scope: Construct, options: HubFunctionsOptions): HubFunctions {
  const { settings, slackWebhookSecret } = options;
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

  const eventFunction = new ReconcilerFunction(scope, 'EventFunction', {
    ...functionDefaults,
    bundle: 'event',
    description: 'ECR replication role reconciler: schedule, CloudTrail and Region opt-in events',
    environment: {
      ...environment,
      [ENV.graceQueueUrl]: options.graceQueue.queueUrl,
      [ENV.graceSeconds]: String(settings.graceSeconds),
    },
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
    description: 'ECR replication role reconciler: re-checks after the grace delay',
    environment,
  });
  return { eventFunction, recheckFunction };
}
