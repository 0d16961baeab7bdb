import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { handleAccountMessage } from '../app/account-queue/handle-message.js';
import { lambdaParts } from '../app/lambda-parts.js';

/**
 * The messages of the recheck function's queues: the grace re-checks `SqsRecheckScheduler` sent (safety invariant
 * 3) and, in organization mode, the sweep's one message per account. A message that fails is reported back alone (a
 * partial batch response), so SQS retries just that one and then moves it to the DLQ.
 *
 * The messages are handled one after the other, as they come: each reconcile reads and announces a whole account.
 * A batch where every message failed is reported back the same way, message by message, rather than thrown.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 * @see https://github.com/aws-powertools/powertools-lambda-typescript/tree/main/packages/batch
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  // The function's entry: the one place it reads its environment, handed to the parts built once per container.
  const { deps, telemetry, metrics, logger } = lambdaParts(process.env);
  const handle = async (record: SQSRecord): Promise<void> => {
    try {
      await handleAccountMessage(deps, telemetry, record);
    } catch (error) {
      logger.error('re-check failed', { messageId: record.messageId, error: error as Error });
      throw error;
    }
  };
  try {
    // A processor per invocation: it holds the batch being processed.
    return await processPartialResponse(event, handle, new BatchProcessor(EventType.SQS), {
      ...(context ? { context } : {}),
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  } finally {
    metrics.publishStoredMetrics();
  }
}
