import * as z from 'zod/mini';
import { EVENT_ID_PATTERN, EVENT_LIMITS, EVENT_TEXT_LIMITS } from '../../core/event-bounds.js';
import type { RecheckRequest } from '../../core/ports.js';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const optionalText = (max: number) => z.optional(z.string().check(z.maxLength(max)));

/** A re-check as its SQS message carries it, bounded as the event it came from was (`EVENT_LIMITS`, `EVENT_TEXT_LIMITS`). */
const RecheckMessage = z.object({
  account: z.string().check(z.regex(/^\d{12}$/)),
  eventId: z.string().check(z.regex(EVENT_ID_PATTERN)),
  trigger: z.optional(
    z.object({
      eventId: z.string().check(z.regex(EVENT_ID_PATTERN)),
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

/** The SQS message body of a re-check: the request as JSON, read back by {@link decodeRecheckMessage}. */
export function encodeRecheckMessage(request: RecheckRequest): string {
  return JSON.stringify(request);
}

/**
 * The re-check an SQS message body asks for. Throws on a body that is not JSON or not a re-check (the message is
 * then reported back, retried, and kept in the dead-letter queue).
 */
export function decodeRecheckMessage(body: string): RecheckRequest {
  return RecheckMessage.parse(JSON.parse(body));
}
