import { cut } from '../../core/text.js';
import { chain, describeChain, type SlackDeliveryOutcome } from './errors.js';
import { sanitized } from './redaction.js';

const SLACK_ERROR_MAX_CHARS = 200;
/**
 * Error codes of a request that never left this process: no connection, so Slack cannot have the message.
 * A connection reset or closed once connected is not among them: the request may have been read.
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);
/** System calls that fail before a byte of the request is written: DNS and TCP connect. */
const NOT_SENT_SYSCALLS: ReadonlySet<string> = new Set(['connect', 'getaddrinfo']);

/** What became of one POST. */
type Attempt =
  | { readonly delivered: true }
  | {
      readonly delivered: false;
      /** `not-delivered` and retryable: sent again at once (within the budget); `unknown`: never sent again. */
      readonly outcome: SlackDeliveryOutcome;
      readonly retryable: boolean;
      readonly status: number | undefined;
      readonly slackError: string | undefined;
      readonly reason: string;
      readonly retryAfterMs?: number | undefined;
      readonly hint?: string | undefined;
      readonly cause?: Error | undefined;
    };

export type Failure = Extract<Attempt, { delivered: false }>;

/**
 * One POST of `body` to the webhook, within `timeoutMs`, and what became of it: delivered, or why not, whether Slack
 * may still have posted it (`unknown`) and whether another attempt could succeed. Everything it says has passed
 * through `redact`.
 */
export async function postOnce(
  fetch: typeof globalThis.fetch,
  url: string,
  body: string,
  redact: (text: string) => string,
  timeoutMs: number,
): Promise<Attempt> {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      signal,
    });
    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return { delivered: true };
    }
    const text = await response.text().catch(() => '');
    const slackError = cut(redact(text.trim()), SLACK_ERROR_MAX_CHARS) || undefined;
    const { status } = response;
    const reason = `HTTP ${status}${slackError ? ` ${slackError}` : ''}`;
    const answered = { delivered: false, status, slackError, reason } as const;
    if (status === 429) {
      return {
        ...answered,
        outcome: 'not-delivered',
        retryable: true,
        retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
        hint: 'Slack is rate limiting this webhook (about one message a second per channel)',
      };
    }
    if (status === 502 || status === 504) {
      // A gateway speaking for Slack: it forwarded the request and lost (502) or waited in vain for (504)
      // Slack's answer. Slack may have posted the message, as after a timeout of ours.
      return { ...answered, outcome: 'unknown', retryable: true, hint: "a gateway lost Slack's answer" };
    }
    if (status >= 500 || status === 408) {
      return { ...answered, outcome: 'not-delivered', retryable: true, hint: 'Slack had trouble' };
    }
    return { ...answered, outcome: 'not-delivered', retryable: false, hint: hintFor(status, slackError) };
  } catch (err) {
    if (signal.aborted) {
      return {
        delivered: false,
        outcome: 'unknown',
        retryable: true,
        status: undefined,
        slackError: undefined,
        reason: `Slack did not answer within ${timeoutMs} ms`,
      };
    }
    const links = chain(err) as { code?: unknown; syscall?: unknown; message?: unknown }[];
    const invalidUrl = links.some((link) => link?.code === 'ERR_INVALID_URL');
    const notSent = invalidUrl || links.some(neverLeft);
    return {
      delivered: false,
      outcome: notSent ? 'not-delivered' : 'unknown',
      retryable: !invalidUrl,
      status: undefined,
      slackError: undefined,
      reason: `${invalidUrl ? 'invalid webhook URL' : 'network error'}: ${redact(describeChain(err))}`,
      hint: invalidUrl ? 'the secret does not hold a valid URL: store the webhook URL Slack gave' : undefined,
      cause: sanitized(err, redact),
    };
  }
}

/** Did this link of an error chain fail before the request could leave (DNS, TCP connect, TLS handshake)? */
function neverLeft(link: { code?: unknown; syscall?: unknown; message?: unknown } | undefined): boolean {
  if (!link) return false;
  const code = typeof link.code === 'string' ? link.code : '';
  if (NOT_SENT_CODES.has(code)) return true;
  if (typeof link.syscall === 'string' && NOT_SENT_SYSCALLS.has(link.syscall)) return true;
  // The TLS handshake precedes the request: a failed handshake or certificate check means nothing was sent.
  if (code.startsWith('ERR_TLS_') || code.includes('CERT') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE') {
    return true;
  }
  return (
    typeof link.message === 'string' && link.message.includes('before secure TLS connection was established')
  );
}

/**
 * What to do about a refusal. Slack answers webhooks with a status and a short error text.
 * @see https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks#handling-errors
 */
function hintFor(status: number, slackError: string | undefined): string {
  if (status === 404 || status === 410 || slackError === 'channel_not_found' || slackError === 'no_service') {
    return 'the channel was deleted or archived, or the webhook was revoked: create a new webhook and store it in the secret';
  }
  if (status === 403) {
    return 'the webhook may not post to this channel (posting restricted, or the app was removed): ask a Slack admin, or create a new webhook';
  }
  if (status === 400) {
    return 'Slack could not accept the message itself; sending it again will not help: report it as a defect';
  }
  return 'Slack refused the request; sending it again will not help';
}

/**
 * `Retry-After` in seconds; `undefined` when absent or not a number (then the backoff applies). Not capped: a
 * wait longer than the budget is not taken at all.
 */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.ceil(seconds * 1000);
}
