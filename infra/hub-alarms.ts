import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRICS, SERVICE_NAME } from '../functions/settings.js';

/** Published by the functions (EMF) after each reconcile: how many high findings are open. */
export const OPEN_HIGH_FINDINGS_METRIC = METRICS.openHighFindings;
/** Published by the functions (EMF): alerts a channel did not deliver (retried by the next invocation). */
export const ALERTS_UNDELIVERED_METRIC = METRICS.alertsUndelivered;

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
  /** Organization mode: the sweep failed (the accounts were not listed or not queued this time). */
  readonly sweepFunctionErrors?: cloudwatch.Alarm;
  /** Organization mode: account reconciles the recheck function failed on `maxReceiveCount` times. */
  readonly accountDeadLetters?: cloudwatch.Alarm;
}

/** What the alarms watch, and the topic they notify. */
interface AlarmedResources {
  readonly alertTopic: sns.ITopic;
  readonly eventFunction: lambda.Function;
  readonly recheckFunction: lambda.Function;
  readonly ruleTargetDeadLetters: sqs.Queue;
  readonly eventFunctionFailures: sqs.Queue;
  readonly recheckDeadLetters: sqs.Queue;
}

/**
 * An alarm (`alarmId` in `scope`) that fires on one occurrence and notifies `topic`; `missing` data keeps its state
 * (else missing data is not breaching).
 */
export function addOccurrenceAlarm(
  scope: Construct,
  topic: sns.ITopic,
  alarmId: string,
  alarmDescription: string,
  metric: cloudwatch.IMetric,
  missing?: boolean,
): cloudwatch.Alarm {
  const created = new cloudwatch.Alarm(scope, alarmId, {
    alarmDescription,
    metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: missing
      ? cloudwatch.TreatMissingData.IGNORE
      : cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  created.addAlarmAction(new cloudwatchActions.SnsAction(topic));
  return created;
}

/** The hub's alarms in `scope`: each fires on one occurrence and notifies the alert topic. */
export function addHubAlarms(scope: Construct, resources: AlarmedResources): ReconcilerAlarms {
  const alarm = (alarmId: string, alarmDescription: string, metric: cloudwatch.IMetric, missing?: boolean) =>
    addOccurrenceAlarm(scope, resources.alertTopic, alarmId, alarmDescription, metric, missing);
  const fiveMinutes = Duration.minutes(5);
  const depth = (queue: sqs.Queue) =>
    queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' });
  return {
    eventFunctionErrors: alarm(
      'EventFunctionErrorsAlarm',
      'The event function failed',
      resources.eventFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
    ),
    recheckFunctionErrors: alarm(
      'RecheckFunctionErrorsAlarm',
      'The recheck function failed',
      resources.recheckFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
    ),
    ruleTargetDeadLetters: alarm(
      'RuleTargetDeadLettersAlarm',
      'EventBridge could not deliver events to the event function',
      depth(resources.ruleTargetDeadLetters),
    ),
    eventFunctionFailures: alarm(
      'EventFunctionFailuresAlarm',
      'The event function gave up on events after its retries',
      depth(resources.eventFunctionFailures),
    ),
    recheckDeadLetters: alarm(
      'RecheckDeadLettersAlarm',
      'Grace re-checks failed repeatedly',
      depth(resources.recheckDeadLetters),
    ),
    // A reconcile reports the current count; when none runs (the schedule is late), keep the last state.
    openHighFindings: alarm(
      'OpenHighFindingsAlarm',
      'A high finding is open: the ECR replication role is missing or not the genuine service-linked role',
      new cloudwatch.Metric({
        namespace: METRIC_NAMESPACE,
        metricName: METRICS.openHighFindings,
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
        metricName: METRICS.alertsUndelivered,
        dimensionsMap: { service: SERVICE_NAME },
        statistic: 'Sum',
        period: fiveMinutes,
      }),
    ),
  };
}
