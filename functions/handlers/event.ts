import type { Context } from 'aws-lambda';
import { type HandleResult, handleEvent } from '../app/event/handle-event.js';
import { lambdaParts } from '../app/lambda-parts.js';
import { EVENT_ID_PATTERN } from '../core/event-bounds.js';

/** EventBridge → reconcile. Throws on failure so that Lambda retries and the on-failure destination keeps it. */
export async function handler(event: unknown, context?: Context): Promise<HandleResult> {
  // The function's entry: the one place it reads its environment, handed to the parts built once per container.
  const { deps, telemetry, metrics, logger } = lambdaParts(process.env);
  logger.addContext(context ?? ({} as Context));
  logger.appendKeys({ eventId: eventIdOf(event) });
  try {
    return await handleEvent(deps, telemetry, event);
  } finally {
    metrics.publishStoredMetrics();
    logger.resetKeys();
  }
}

/** The event's id for every log line of the invocation, taken before parsing: only when it is a well-formed id. */
function eventIdOf(event: unknown): string | undefined {
  const record = event as { id?: unknown; detail?: { eventID?: unknown } } | null;
  const id = record?.detail?.eventID ?? record?.id;
  return typeof id === 'string' && EVENT_ID_PATTERN.test(id) ? id : undefined;
}
