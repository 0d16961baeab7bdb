import type { Notification } from '../core/alert-types.js';
import type { Notifier } from '../core/ports.js';
import { renderSlackMessage, type SlackRenderOptions } from '../core/render-slack.js';

export interface SlackNotifierOptions {
  /** How long one POST may take, answer included. @default 5000 */
  readonly timeoutMs?: number | undefined;
  /** Attempts per message, the first included. @default 3 */
  readonly maxAttempts?: number | undefined;
  /** Waits between attempts (tests pass one that records the delay and returns at once). */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
  /** Told about each failed attempt that will be retried. Never given the webhook URL. */
  readonly logger?: { warn(message: string, extra: Record<string, unknown>): void } | undefined;
  /** See {@link SlackRenderOptions.consoleUrl}. */
  readonly consoleUrl?: SlackRenderOptions['consoleUrl'];
}

/** What Slack answered, if it answered. The message never contains the webhook URL. */
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

  constructor(
    message: string,
    details: {
      status?: number | undefined;
      slackError?: string | undefined;
      hint?: string | undefined;
      attempts: number;
      retryable: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = details.status;
    this.slackError = details.slackError;
    this.hint = details.hint;
    this.attempts = details.attempts;
    this.retryable = details.retryable;
  }
}

export const SLACK_DEFAULTS = { timeoutMs: 5000, maxAttempts: 3 } as const;
/** A `Retry-After` longer than this is not waited out in full: the next reconcile will try again anyway. */
const MAX_RETRY_AFTER_MS = 30_000;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8000;
const SLACK_ERROR_MAX_CHARS = 200;
const REDACTED = '[webhook URL]';
/** Path segments at least this long are secret on their own (Slack's token is 24 characters). */
const SECRET_SEGMENT_MIN_CHARS = 16;

type Attempt =
  | { readonly delivered: true }
  | {
      readonly delivered: false;
      readonly retryable: boolean;
      readonly status: number | undefined;
      readonly slackError: string | undefined;
      readonly reason: string;
      readonly retryAfterMs?: number | undefined;
      readonly hint?: string | undefined;
      readonly cause?: Error | undefined;
    };

/**
 * Posts each notification to a Slack incoming webhook as Block Kit. Retries throttling (429, honouring
 * `Retry-After`), Slack's own failures (5xx) and timeouts or network errors with exponential backoff and jitter;
 * a refusal that cannot get better (a bad payload, a deleted or archived channel, a revoked webhook) throws at once.
 *
 * The webhook URL is a secret (safety invariant 6): it is removed from everything this class logs or throws,
 * including the errors of `fetch`, which can quote the URL. A URL given as a function (e.g. read from Secrets
 * Manager) is fetched on first use and kept.
 *
 * A timeout after Slack received the message means it may show twice: delivery is at least once.
 * @see https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * @example
 * const notifier = new SlackNotifier(() => readWebhookUrl(secrets, secretArn), { logger });
 * await notifier.send(notification);
 */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly fetch: typeof fetch;
  private webhookUrl: Promise<string> | undefined;

  constructor(
    private readonly urlSource: string | (() => Promise<string>),
    private readonly options: SlackNotifierOptions = {},
  ) {
    this.timeoutMs = positive(options.timeoutMs, SLACK_DEFAULTS.timeoutMs);
    this.maxAttempts = Math.max(1, Math.floor(positive(options.maxAttempts, SLACK_DEFAULTS.maxAttempts)));
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async send(notification: Notification): Promise<void> {
    const url = await this.url();
    const redact = redactor(url);
    const body = JSON.stringify(renderSlackMessage(notification, { consoleUrl: this.options.consoleUrl }));
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.post(url, body, redact);
      if (outcome.delivered) return;
      const last = attempt >= this.maxAttempts;
      if (!outcome.retryable || last) {
        const prefix = outcome.retryable
          ? `Slack webhook delivery failed after ${attempt} attempt${attempt === 1 ? '' : 's'}`
          : 'Slack refused the message';
        throw new SlackDeliveryError(
          `${prefix}: ${outcome.reason}${outcome.hint ? ` (${outcome.hint})` : ''}`,
          { ...outcome, attempts: attempt },
          outcome.cause ? { cause: outcome.cause } : undefined,
        );
      }
      const delayMs = outcome.retryAfterMs ?? backoff(attempt);
      this.options.logger?.warn('Slack webhook delivery failed; retrying', {
        attempt,
        maxAttempts: this.maxAttempts,
        status: outcome.status,
        reason: outcome.reason,
        delayMs,
      });
      await this.sleep(delayMs);
    }
  }

  /** The webhook URL, fetched once when given as a function. A failure is not kept: the next send asks again. */
  private url(): Promise<string> {
    const source = this.urlSource;
    if (typeof source === 'string') return Promise.resolve(source);
    this.webhookUrl ??= Promise.resolve()
      .then(source)
      .then((url) => {
        if (typeof url !== 'string' || url.trim() === '') throw new Error('the webhook URL is empty');
        return url.trim();
      })
      .catch((err: unknown) => {
        this.webhookUrl = undefined;
        throw new SlackDeliveryError(
          `Could not get the Slack webhook URL: ${describeChain(err)}`,
          {
            attempts: 0,
            retryable: true,
            hint: 'check the secret that holds the webhook URL and access to it',
          },
          { cause: err },
        );
      });
    return this.webhookUrl;
  }

  private async post(url: string, body: string, redact: (text: string) => string): Promise<Attempt> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      const response = await this.fetch(url, {
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
      const slackError = cutText(redact(text.trim()), SLACK_ERROR_MAX_CHARS) || undefined;
      const { status } = response;
      const reason = `HTTP ${status}${slackError ? ` ${slackError}` : ''}`;
      if (status === 429) {
        return {
          delivered: false,
          retryable: true,
          status,
          slackError,
          reason,
          retryAfterMs: retryAfterMs(response.headers.get('retry-after')),
          hint: 'Slack is rate limiting this webhook (about one message a second per channel)',
        };
      }
      if (status >= 500 || status === 408) {
        return { delivered: false, retryable: true, status, slackError, reason, hint: 'Slack had trouble' };
      }
      return {
        delivered: false,
        retryable: false,
        status,
        slackError,
        reason,
        hint: hintFor(status, slackError),
      };
    } catch (err) {
      if (signal.aborted) {
        return {
          delivered: false,
          retryable: true,
          status: undefined,
          slackError: undefined,
          reason: `Slack did not answer within ${this.timeoutMs} ms`,
        };
      }
      const invalidUrl = chain(err).some((link) => (link as { code?: unknown }).code === 'ERR_INVALID_URL');
      return {
        delivered: false,
        retryable: !invalidUrl,
        status: undefined,
        slackError: undefined,
        reason: `${invalidUrl ? 'invalid webhook URL' : 'network error'}: ${redact(describeChain(err))}`,
        hint: invalidUrl
          ? 'the secret does not hold a valid URL: store the webhook URL Slack gave'
          : undefined,
        cause: sanitized(err, redact),
      };
    }
  }
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

/** `Retry-After` in seconds, capped; `undefined` when absent or not a number (then the backoff applies). */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.ceil(seconds * 1000));
}

/** Exponential backoff with jitter: half the step fixed, half random, so retries of many senders spread out. */
function backoff(attempt: number): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/** A function that replaces the URL, its path and its long path segments with a marker, in any text. */
function redactor(url: string): (text: string) => string {
  const secrets = new Set<string>([url, encodeURI(url), encodeURIComponent(url)]);
  try {
    const parsed = new URL(url);
    secrets.add(parsed.href);
    const pathAndQuery = `${parsed.pathname}${parsed.search}`;
    if (pathAndQuery.length > 1) secrets.add(pathAndQuery);
    for (const segment of parsed.pathname.split('/')) {
      if (segment.length >= SECRET_SEGMENT_MIN_CHARS) secrets.add(segment);
    }
  } catch {
    // Not a URL: the whole string is all there is to hide.
  }
  const ordered = [...secrets].filter((secret) => secret.length > 0).sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((result, secret) => result.split(secret).join(REDACTED), text);
}

/** An error and its causes, outermost first (at most a few). */
function chain(err: unknown): unknown[] {
  const links: unknown[] = [];
  for (let link = err; link !== undefined && link !== null && links.length < 5; ) {
    links.push(link);
    link = link instanceof Error ? link.cause : undefined;
  }
  return links;
}

/** `TypeError: fetch failed ← Error: connect ECONNREFUSED 127.0.0.1:443`. */
function describeChain(err: unknown): string {
  return chain(err)
    .map((link) => (link instanceof Error ? `${link.name}: ${link.message}` : String(link)))
    .join(' ← ');
}

/**
 * A fresh error standing for `err` with the secret removed. The original is not kept as `cause`: its fields
 * (`input`, nested causes, the stack) may hold the URL.
 */
function sanitized(err: unknown, redact: (text: string) => string): Error {
  const safe = new Error(redact(describeChain(err)));
  safe.name = err instanceof Error ? redact(err.name) : 'Error';
  return safe;
}

function cutText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
