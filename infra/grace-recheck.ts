import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

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
  // What the SQS event source mapping needs, and no more (grantConsumeMessages adds ChangeMessageVisibility and
  // GetQueueUrl). https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions
  recheckFunction.addToRolePolicy(
    new iam.PolicyStatement({
      sid: 'ConsumeRechecks',
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resources: [graceQueue.queueArn],
    }),
  );
  recheckFunction.addEventSourceMapping('GraceQueue', {
    eventSourceArn: graceQueue.queueArn,
    // One re-check, one reconcile: a batch of them would share one function timeout.
    batchSize: 1,
    maxConcurrency: 2,
    reportBatchItemFailures: true,
  });
}
