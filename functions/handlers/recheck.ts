import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaParts } from '../app/lambda-parts.js';
import { confirmRecheck } from '../app/recheck/confirm.js';
import { decodeRecheckMessage } from '../app/recheck/message.js';
import { DeliveryError } from '../reconcile/reconcile.js';

/**
 * The grace re-check (safety invariant 3) of each message `SqsRecheckScheduler` sent. A message that fails is
 * reported back alone (a partial batch response), so SQS retries just that one and then moves it to the DLQ.
 *
 * The messages are re-checked one after the other, as they come: each reconcile reads and announces the whole
 * account. A batch where every message failed is reported back the same way, message by message, rather than
 * thrown.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 * @see https://github.com/aws-powertools/powertools-lambda-typescript/tree/main/packages/batch
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  // The function's entry: the one place it reads its environment, handed to the parts built once per container.
  const { deps, telemetry, metrics, logger } = lambdaParts(process.env);
  const recheck = async (record: SQSRecord): Promise<void> => {
    try {
      const outcome = await confirmRecheck(deps, decodeRecheckMessage(record.body));
      if (outcome.report) telemetry.reconciled(outcome.report, outcome.notifications);
    } catch (error) {
      // An alert not delivered still counts what the reconcile saw and told.
      if (error instanceof DeliveryError && error.outcome.report) {
        telemetry.reconciled(error.outcome.report, error.outcome.notifications);
      }
      logger.error('re-check failed', { messageId: record.messageId, error: error as Error });
      throw error;
    }
  };
  try {
    // A processor per invocation: it holds the batch being processed.
    return await processPartialResponse(event, recheck, new BatchProcessor(EventType.SQS), {
      ...(context ? { context } : {}),
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  } finally {
    metrics.publishStoredMetrics();
  }
}
