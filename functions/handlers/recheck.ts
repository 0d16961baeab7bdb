import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { reconcile } from '../reconcile/reconcile.js';
import { lambdaParts } from './event.js';

const RecheckMessage = z.object({
  account: z.string().check(z.regex(/^\d{12}$/)),
  eventId: z.string().check(z.minLength(1)),
  trigger: z.optional(
    z.looseObject({
      eventId: z.string(),
      eventName: z.string(),
      eventTime: z.string(),
      awsRegion: z.string(),
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
      logger.error('re-check failed', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  metrics.publishStoredMetrics();
  return { batchItemFailures };
}
