import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { EVENT_ID_PATTERN as EVENT_ID, EVENT_LIMITS, EVENT_TEXT_LIMITS } from '../core/classify.js';
import { DeliveryError, reconcile } from '../reconcile/reconcile.js';
import { lambdaParts } from './event.js';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const optionalText = (max: number) => z.optional(z.string().check(z.maxLength(max)));

/** What `SqsRecheckScheduler` sends, bounded as the event it came from was (`EVENT_LIMITS`, `EVENT_TEXT_LIMITS`). */
const RecheckMessage = z.object({
  account: z.string().check(z.regex(/^\d{12}$/)),
  eventId: z.string().check(z.regex(EVENT_ID)),
  trigger: z.optional(
    z.object({
      eventId: z.string().check(z.regex(EVENT_ID)),
      eventName: text(EVENT_LIMITS.eventName),
      eventTime: text(EVENT_LIMITS.time),
      eventSource: optionalText(EVENT_LIMITS.eventSource),
      awsRegion: text(EVENT_LIMITS.region),
      actorArn: optionalText(EVENT_TEXT_LIMITS.actorArn),
      sourceIPAddress: optionalText(EVENT_TEXT_LIMITS.sourceIPAddress),
      userAgent: optionalText(EVENT_TEXT_LIMITS.userAgent),
    }),
  ),
});

/**
 * The grace re-check (safety invariant 3): the same reconcile, reading the state afresh, now announcing what it
 * finds. A message that fails is reported back alone (a partial batch response), so SQS retries just that one and
 * then moves it to the DLQ.
 *
 * The messages are re-checked one after the other, as they come: each reconcile reads and announces the whole
 * account. A batch where every message failed is reported back the same way, message by message, rather than
 * thrown.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html#services-sqs-batchfailurereporting
 * @see https://github.com/aws-powertools/powertools-lambda-typescript/tree/main/packages/batch
 */
export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const { deps, telemetry, metrics, logger } = lambdaParts();
  const recheck = async (record: SQSRecord): Promise<void> => {
    try {
      const message = RecheckMessage.parse(JSON.parse(record.body));
      const outcome = await reconcile(deps, {
        account: message.account,
        eventId: `recheck:${message.eventId}`,
        mode: 'confirm',
        trigger: message.trigger,
      });
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
