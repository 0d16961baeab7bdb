/**
 * Whether Slack posted the message: certainly not (it answered an error, or the request never left), or unknown
 * (the request went out and no answer says what became of it: a timeout, a connection lost, a gateway's 502/504).
 */
export type SlackDeliveryOutcome = 'not-delivered' | 'unknown';

/** What Slack answered, if it answered. The message never contains the webhook URL nor any part of its path. */
export class SlackDeliveryError extends Error {
  override readonly name = 'SlackDeliveryError';
  /** The HTTP status of the last answer; `undefined` when Slack did not answer (timeout, network). */
  readonly status: number | undefined;
  /** Slack's error text, e.g. `invalid_payload`, `channel_not_found`. */
  readonly slackError: string | undefined;
  /** What to do about it. */
  readonly hint: string | undefined;
  readonly attempts: number;
  /** Could a later try succeed (throttling, Slack or network trouble) or not (the webhook or message is wrong)? */
  readonly retryable: boolean;
  /** `unknown`: Slack may have posted the message; it was not sent again, so that it does not show twice. */
  readonly outcome: SlackDeliveryOutcome;

  constructor(
    message: string,
    details: {
      status?: number | undefined;
      slackError?: string | undefined;
      hint?: string | undefined;
      attempts: number;
      retryable: boolean;
      outcome?: SlackDeliveryOutcome | undefined;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = details.status;
    this.slackError = details.slackError;
    this.hint = details.hint;
    this.attempts = details.attempts;
    this.retryable = details.retryable;
    this.outcome = details.outcome ?? 'not-delivered';
  }
}

/** An error and its causes, outermost first (at most a few). */
export function chain(err: unknown): unknown[] {
  const links: unknown[] = [];
  for (let link = err; link !== undefined && link !== null && links.length < 5; ) {
    links.push(link);
    link = link instanceof Error ? link.cause : undefined;
  }
  return links;
}

/** `TypeError: fetch failed ← Error: connect ECONNREFUSED 127.0.0.1:443`. */
export function describeChain(err: unknown): string {
  return chain(err)
    .map((link) => (link instanceof Error ? `${link.name}: ${link.message}` : String(link)))
    .join(' ← ');
}
