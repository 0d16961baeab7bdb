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
}

/**
 * The hub's queues in `scope`, encrypted and reached over TLS only. The grace queue's visibility timeout follows the
 * function timeout of its consumer.
 */
export function addHubQueues(scope: Construct, functionTimeout: Duration): HubQueues {
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
  return { grace, recheckDeadLetters, ruleTargetDeadLetters, eventFunctionFailures };
}

function secureQueue(scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue {
  return new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    ...props,
  });
}
