import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { consumeQueue } from './queue-consumer.js';

/** The grace queue between the two functions. */
interface GraceRecheck {
  /** Sends a delayed message for each event-raised high finding. */
  readonly eventFunction: lambda.Function;
  /** Receives it once the grace has passed, and re-checks. */
  readonly recheckFunction: lambda.Function;
  readonly graceQueue: sqs.IQueue;
}

/**
 * Lets the event function schedule re-checks on the grace queue, and has the recheck function consume them one at a
 * time (`GraceQueue`, its event source mapping).
 */
export function connectGraceRecheck({ eventFunction, recheckFunction, graceQueue }: GraceRecheck): void {
  eventFunction.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ScheduleRecheck',
      actions: ['sqs:SendMessage'],
      resources: [graceQueue.queueArn],
    }),
  );
  consumeQueue(recheckFunction, {
    id: 'GraceQueue',
    sid: 'ConsumeRechecks',
    queue: graceQueue,
    maxConcurrency: 2,
  });
}
