import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RecheckRequest, RecheckScheduler } from '../../core/ports.js';
import { encodeRecheckMessage } from './message.js';

/** SQS delays a message by at most 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/**
 * Grace re-checks as delayed SQS messages (at most 15 minutes, SQS's limit): the recheck function consumes them
 * and reconciles again. The message carries only what the alert needs to say what led to it.
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-delay-queues.html
 */
export class SqsRecheckScheduler implements RecheckScheduler {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async schedule(request: RecheckRequest, delaySeconds: number): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: encodeRecheckMessage(request),
        DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
      }),
    );
  }
}
