import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
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
 * finds. A message that fails is reported back alone, so SQS retries just that one and then moves it to the DLQ.
 */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const { deps, telemetry, metrics, logger } = lambdaParts();
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
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
      if (error instanceof DeliveryError && error.outcome.report) {
        telemetry.reconciled(error.outcome.report, error.outcome.notifications);
      }
      logger.error('re-check failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  metrics.publishStoredMetrics();
  return { batchItemFailures };
}
