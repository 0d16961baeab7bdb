import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { addNagSuppressions } from './nag-suppressions.js';

/** The hub's queues: the grace delay and the dead letters of each way an event can fail. */
interface HubQueues {
  /** Delays the re-check of an event-raised high finding by the grace (a delayed message). */
  readonly grace: sqs.Queue;
  /** Re-checks the recheck function failed on `maxReceiveCount` times. */
  readonly recheckDeadLetters: sqs.Queue;
  /** Events EventBridge could not deliver to their target. */
  readonly ruleTargetDeadLetters: sqs.Queue;
  /** Events the event function failed on after Lambda's asynchronous retries. */
  readonly eventFunctionFailures: sqs.Queue;
  /** Organization mode: one message per account to reconcile, sent by the sweep. */
  readonly accounts?: sqs.Queue;
  /** Organization mode: account reconciles the recheck function failed on `maxReceiveCount` times. */
  readonly accountDeadLetters?: sqs.Queue;
}

/**
 * How many times an account's message is received before it is set aside. The next sweep sends it again anyway:
 * what reaches the dead letters failed three times in a row, and is alarmed.
 */
export const ACCOUNT_MAX_RECEIVE_COUNT = 3;

/**
 * The hub's queues in `scope`, encrypted and reached over TLS only, and in organization mode the account queue and
 * its dead letters. The visibility timeouts of the queues the recheck function consumes follow its timeout.
 */
export function addHubQueues(scope: Construct, functionTimeout: Duration, organization = false): HubQueues {
  const recheckDeadLetters = secureQueue(scope, 'RecheckDeadLetterQueue', {
    retentionPeriod: Duration.days(14),
  });
  const grace = secureQueue(scope, 'GraceQueue', {
    // Lambda's advice for an SQS event source: at least six times the function timeout.
    visibilityTimeout: Duration.seconds(functionTimeout.toSeconds() * 6),
    retentionPeriod: Duration.days(4),
    deadLetterQueue: { queue: recheckDeadLetters, maxReceiveCount: 5 },
  });
  const ruleTargetDeadLetters = secureQueue(scope, 'RuleTargetDeadLetterQueue', {
    retentionPeriod: Duration.days(14),
  });
  const eventFunctionFailures = secureQueue(scope, 'EventFunctionFailureQueue', {
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
  if (!organization) return { grace, recheckDeadLetters, ruleTargetDeadLetters, eventFunctionFailures };
  const accountDeadLetters = secureQueue(scope, 'AccountDeadLetterQueue', {
    retentionPeriod: Duration.days(14),
  });
  const accounts = secureQueue(scope, 'AccountQueue', {
    visibilityTimeout: Duration.seconds(functionTimeout.toSeconds() * 6),
    // A message older than a day has been superseded by the sweeps since; keeping it only delays them.
    retentionPeriod: Duration.days(1),
    deadLetterQueue: { queue: accountDeadLetters, maxReceiveCount: ACCOUNT_MAX_RECEIVE_COUNT },
  });
  return {
    grace,
    recheckDeadLetters,
    ruleTargetDeadLetters,
    eventFunctionFailures,
    accounts,
    accountDeadLetters,
  };
}

/** An SQS queue (`id` in `scope`) encrypted with SQS-managed keys and reached over TLS only. */
function secureQueue(scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    ...props,
  });
}
