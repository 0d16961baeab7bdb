import { Duration } from 'aws-cdk-lib';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addOccurrenceAlarm } from './hub-alarms.js';
import { grantAccountListing } from './organization-grants.js';
import type { ValidatedOrganization } from './organization-props.js';
import { consumeQueue } from './queue-consumer.js';
import type { ReconcilerFunction } from './reconciler-function.js';

/** The sweep and what it feeds. */
interface OrganizationSweep {
  readonly organization: ValidatedOrganization;
  /** Lists the accounts on the schedule and sends one message per active account. */
  readonly sweepFunction: ReconcilerFunction;
  /** Reconciles one account per message. */
  readonly recheckFunction: ReconcilerFunction;
  readonly accountQueue: sqs.IQueue;
  readonly accountDeadLetters: sqs.Queue;
  readonly alertTopic: sns.ITopic;
}

/** The sweep's alarms, each notifying the alert topic. */
export interface SweepAlarms {
  readonly sweepFunctionErrors: cloudwatch.Alarm;
  readonly accountDeadLetters: cloudwatch.Alarm;
}

/**
 * The periodic sweep of organization mode, on AWS's own engines: the sweep function lists the accounts and sends
 * one message per active account to the account queue (`SendMessageBatch`, authorized as `sqs:SendMessage`), which
 * the recheck function consumes (`AccountQueue`, a second event source) at most `accountConcurrency` at a time,
 * reporting each failed message alone; a message that fails three times goes to the dead letters, alarmed.
 *
 * Why SQS and not a Step Functions Distributed Map: the consumer, its one-reconcile-per-message path and its partial
 * batch responses already exist for the grace re-checks; and the cost. SQS takes about 2 requests per account and
 * hour (a send in a batch of ten, a receive, a delete): 1.5 million a month for 1,000 accounts, $0.61 at $0.40 per
 * million. A Distributed Map is charged one state transition per child workflow it starts: 730,000 a month, $18.25 at
 * $0.025 per 1,000 before the children's own cost, nearly twice the $10 a month the whole hub is meant to cost.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html#events-sqs-max-concurrency
 * @see https://aws.amazon.com/sqs/pricing/
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/concepts-transitions.html
 * @see https://aws.amazon.com/step-functions/pricing/
 */
export function connectOrganizationSweep(scope: Construct, sweep: OrganizationSweep): SweepAlarms {
  const { sweepFunction, recheckFunction, accountQueue, organization } = sweep;
  grantAccountListing(sweepFunction, organization);
  sweepFunction.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'QueueAccounts',
      actions: ['sqs:SendMessage'],
      resources: [accountQueue.queueArn],
    }),
  );
  // Each reconcile assumes a role through STS, whose quota is this account's: a bounded number at once.
  consumeQueue(recheckFunction, {
    id: 'AccountQueue',
    sid: 'ConsumeAccounts',
    queue: accountQueue,
    maxConcurrency: organization.accountConcurrency,
  });
  const fiveMinutes = Duration.minutes(5);
  return {
    sweepFunctionErrors: addOccurrenceAlarm(
      scope,
      sweep.alertTopic,
      'SweepFunctionErrorsAlarm',
      'The organization sweep failed: the accounts were not listed or not all queued',
      sweepFunction.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
    ),
    accountDeadLetters: addOccurrenceAlarm(
      scope,
      sweep.alertTopic,
      'AccountDeadLettersAlarm',
      'Account reconciles failed repeatedly',
      sweep.accountDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: fiveMinutes,
        statistic: 'Maximum',
      }),
    ),
  };
}
