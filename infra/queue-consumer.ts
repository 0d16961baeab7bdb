import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sqs from 'aws-cdk-lib/aws-sqs';

/** A queue a function consumes: one message per invocation, at most `maxConcurrency` at once. */
export interface QueueConsumer {
  /** The event source mapping's id. */
  readonly id: string;
  /** The consuming statement's `Sid`. */
  readonly sid: string;
  readonly queue: sqs.IQueue;
  readonly maxConcurrency: number;
}

/**
 * Has `fn` consume `queue`: the permissions the SQS event source mapping needs, and no more (`grantConsumeMessages`
 * adds ChangeMessageVisibility and GetQueueUrl), and the mapping. One message, one reconcile, within one function
 * timeout; a message that fails is reported back alone, so SQS retries just that one.
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html#events-sqs-permissions
 */
export function consumeQueue(fn: lambda.Function, consumer: QueueConsumer): void {
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      sid: consumer.sid,
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
      resources: [consumer.queue.queueArn],
    }),
  );
  fn.addEventSourceMapping(consumer.id, {
    eventSourceArn: consumer.queue.queueArn,
    batchSize: 1,
    maxConcurrency: consumer.maxConcurrency,
    reportBatchItemFailures: true,
  });
}
