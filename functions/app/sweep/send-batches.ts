import {
  type BatchResultErrorEntry,
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Clock } from '../../clock.js';

/** One message to send: `id` is unique among those sent together (SQS's batch entry id, `[A-Za-z0-9_-]{1,80}`). */
export interface OutgoingMessage {
  readonly id: string;
  readonly body: string;
}

/** SQS takes at most 10 messages per `SendMessageBatch`. */
const MAX_BATCH_ENTRIES = 10;

export interface SendBatchesOptions {
  readonly clock: Clock;
  /** Tries per message, the first included. @default 4 */
  readonly attempts?: number | undefined;
  /** The pause before the first retry of a batch's failed entries, doubled before each next one. @default 200 */
  readonly retryDelayMs?: number | undefined;
}

/** Some messages were still refused after every attempt; names them and SQS's reasons. */
export class UnsentMessagesError extends Error {
  override readonly name = 'UnsentMessagesError';
  constructor(readonly failed: readonly BatchResultErrorEntry[]) {
    super(
      `SQS refused ${failed.length} message(s) after every attempt: ` +
        failed.map((entry) => `${entry.Id} (${entry.Code}: ${entry.Message ?? 'no message'})`).join(', '),
    );
  }
}

/**
 * Sends every message to the queue, ten per `SendMessageBatch`. A batch call succeeds even when some of its entries
 * fail: those SQS reports `Failed` are sent again, alone (never the ones it took, which would then arrive twice),
 * after a pause that doubles each time. A call that throws has been retried by the SDK already, and throws.
 *
 * @throws {UnsentMessagesError} when entries still fail after `attempts` tries
 * @see https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html
 */
export async function sendMessageBatches(
  client: SQSClient,
  queueUrl: string,
  messages: readonly OutgoingMessage[],
  options: SendBatchesOptions,
): Promise<void> {
  const attempts = options.attempts ?? 4;
  const unsent: BatchResultErrorEntry[] = [];
  for (let start = 0; start < messages.length; start += MAX_BATCH_ENTRIES) {
    let pending: SendMessageBatchRequestEntry[] = messages
      .slice(start, start + MAX_BATCH_ENTRIES)
      .map(({ id, body }) => ({ Id: id, MessageBody: body }));
    let delayMs = options.retryDelayMs ?? 200;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const { Failed: failed = [] } = await client.send(
        new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }),
      );
      if (failed.length === 0) break;
      if (attempt >= attempts) {
        unsent.push(...failed);
        break;
      }
      const retry = new Set(failed.map((entry) => entry.Id));
      pending = pending.filter((entry) => retry.has(entry.Id));
      await options.clock.sleep(delayMs);
      delayMs *= 2;
    }
  }
  if (unsent.length > 0) throw new UnsentMessagesError(unsent);
}
