import { type Clock, systemClock } from '../clock.js';
import type { Notification } from '../core/alert-types.js';
import type { Notifier } from '../core/ports.js';
import { renderSlackMessage, type SlackRenderOptions } from '../core/render-slack.js';
import { cut } from '../core/text.js';

export interface SlackNotifierOptions {
  /** How long one POST may take, answer included; capped by what is left of {@link budgetMs}. @default 5000 */
  readonly timeoutMs?: number | undefined;
  /** Attempts per message, the first included. @default 3 */
  readonly maxAttempts?: number | undefined;
  /**
   * All the time one `send` may take: every attempt, back-off and `Retry-After` wait. A wait that would leave
   * less than {@link minAttemptMs} for the next attempt is not taken. @default 15000
   */
  readonly budgetMs?: number | undefined;
  /** The shortest attempt worth starting after a wait (never more than `timeoutMs`). @default 1000 */
  readonly minAttemptMs?: number | undefined;
  /**
   * The clock that waits between attempts and measures the budget (the reconciler's `Clock`; tests give a test
   * clock, whose `sleep` moves it at once).
   * @default systemClock
   */
  readonly clock?: Pick<Clock, 'now' | 'sleep'> | undefined;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch | undefined;
  /** Told about each failed attempt that will be retried. Never given the webhook URL. */
  readonly logger?: { warn(message: string, extra: Record<string, unknown>): void } | undefined;
  /** See {@link SlackRenderOptions.consoleUrl}. */
  readonly consoleUrl?: SlackRenderOptions['consoleUrl'];
}

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

/**
 * The notifier's defaults. One `send` takes at most `budgetMs` (plus the webhook URL's first read from Secrets
 * Manager): derive the Lambda timeout from it, e.g. reads + (Slack messages per run) × `budgetMs` + SNS.
 */
export const SLACK_DEFAULTS = {
  timeoutMs: 5000,
  maxAttempts: 3,
  budgetMs: 15_000,
  minAttemptMs: 1000,
} as const;
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 8000;
const SLACK_ERROR_MAX_CHARS = 200;
/** Stands for the whole webhook URL in a text. */
const URL_MARKER = '[webhook URL]';
/** Stands for any other part of it (its path, a path segment, the query). */
const PART_MARKER = '[redacted]';
/** Path prefixes that Slack puts in every webhook URL: public, so left readable (everything after them is not). */
const PUBLIC_FIRST_SEGMENTS: ReadonlySet<string> = new Set(['services']);
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

type Failure = Extract<Attempt, { delivered: false }>;

/**
 * Posts each notification to a Slack incoming webhook as Block Kit.
 *
 * Delivery is at most once per `send`: a message is sent again within the same `send` only when Slack certainly
 * did not post it — it answered 429 (waiting `Retry-After`), 408 or a 5xx of its own, or the connection could not
 * be made. When the request went out and no answer says what became of it (a timeout, a connection closed or
 * reset afterwards, a gateway's 502 or 504), it throws a {@link SlackDeliveryError} whose `outcome` is `unknown`:
 * the caller records the channel as undelivered and a later run retries it (at worst one duplicate per run,
 * instead of one per attempt). A refusal that cannot get better (a bad payload, a deleted or archived channel, a
 * revoked webhook) throws at once.
 *
 * One `send` takes at most `budgetMs` (15 s), measured on the given clock: each attempt's timeout is capped by
 * what is left, and a back-off or `Retry-After` wait that would leave less than a short attempt is not taken.
 *
 * The webhook URL is a secret (safety invariant 6): it, its path and every path segment after Slack's fixed
 * `/services/` prefix, whatever their length, and its query are removed from everything this class logs or
 * throws, including Slack's answers and the errors of `fetch`, which can quote the URL. A URL given as a function
 * (e.g. read from Secrets Manager) is fetched on first use and kept.
 * @see https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * @example
 * const notifier = new SlackNotifier(() => readWebhookUrl(secrets, secretArn), { logger, clock });
 * await notifier.send(notification);
 */
export class SlackNotifier implements Notifier {
  readonly channel = 'slack';
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly budgetMs: number;
  private readonly minAttemptMs: number;
  private readonly clock: Pick<Clock, 'now' | 'sleep'>;
  private readonly fetch: typeof fetch;
  private webhookUrl: Promise<string> | undefined;

  constructor(
    private readonly urlSource: string | (() => Promise<string>),
    private readonly options: SlackNotifierOptions = {},
  ) {
    this.timeoutMs = positive(options.timeoutMs, SLACK_DEFAULTS.timeoutMs);
    this.maxAttempts = Math.max(1, Math.floor(positive(options.maxAttempts, SLACK_DEFAULTS.maxAttempts)));
    this.budgetMs = positive(options.budgetMs, SLACK_DEFAULTS.budgetMs);
    this.minAttemptMs = Math.min(this.timeoutMs, positive(options.minAttemptMs, SLACK_DEFAULTS.minAttemptMs));
    this.clock = options.clock ?? systemClock;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async send(notification: Notification): Promise<void> {
    const url = await this.url();
    const redact = webhookRedactor(url);
    const body = JSON.stringify(renderSlackMessage(notification, { consoleUrl: this.options.consoleUrl }));
    const budget = this.startBudget();
    for (let attempt = 1; ; attempt++) {
      const attemptTimeoutMs = Math.max(1, Math.floor(Math.min(this.timeoutMs, budget.leftMs())));
      const outcome = await this.post(url, body, redact, attemptTimeoutMs);
      if (outcome.delivered) return;
      if (outcome.outcome === 'unknown') throw unknownOutcome(outcome, attempt);
      if (!outcome.retryable) {
        throw failure(`Slack refused the message: ${outcome.reason}`, outcome, attempt);
      }
      const failedAfter = `Slack webhook delivery failed after ${plural(attempt, 'attempt')}: ${outcome.reason}`;
      if (attempt >= this.maxAttempts) throw failure(failedAfter, outcome, attempt);
      const delayMs = outcome.retryAfterMs ?? backoff(attempt);
      const leftAfterWaitMs = budget.leftMs() - delayMs;
      if (leftAfterWaitMs < this.minAttemptMs) {
        const why =
          outcome.retryAfterMs === undefined
            ? `no time left in the ${seconds(this.budgetMs)} budget for another attempt`
            : `Slack asked to wait ${seconds(outcome.retryAfterMs)} (Retry-After), more than the ` +
              `${seconds(Math.max(0, budget.leftMs()))} left of the ${seconds(this.budgetMs)} budget`;
        throw failure(`${failedAfter}; ${why}; a later run retries it`, outcome, attempt);
      }
      this.options.logger?.warn('Slack webhook delivery failed; retrying', {
        attempt,
        maxAttempts: this.maxAttempts,
        status: outcome.status,
        reason: outcome.reason,
        delayMs,
        budgetLeftMs: Math.round(leftAfterWaitMs),
      });
      await this.clock.sleep(delayMs);
    }
  }

  /** What is left of this send's budget, measured on the clock. */
  private startBudget(): { leftMs(): number } {
    const started = this.clock.now().getTime();
    return { leftMs: () => this.budgetMs - Math.max(0, this.clock.now().getTime() - started) };
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

  private async post(
    url: string,
    body: string,
    redact: (text: string) => string,
    timeoutMs: number,
  ): Promise<Attempt> {
    const signal = AbortSignal.timeout(timeoutMs);
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
        hint: invalidUrl
          ? 'the secret does not hold a valid URL: store the webhook URL Slack gave'
          : undefined,
        cause: sanitized(err, redact),
      };
    }
  }
}

function failure(message: string, outcome: Failure, attempts: number): SlackDeliveryError {
  return new SlackDeliveryError(
    `${message}${outcome.hint ? ` (${outcome.hint})` : ''}`,
    { ...outcome, attempts },
    outcome.cause ? { cause: outcome.cause } : undefined,
  );
}

function unknownOutcome(outcome: Failure, attempts: number): SlackDeliveryError {
  return failure(
    `Slack webhook delivery outcome unknown after ${plural(attempts, 'attempt')}: ${outcome.reason}; ` +
      'Slack may have posted the message, so it is not sent again now (a later run retries it)',
    outcome,
    attempts,
  );
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

/** Exponential backoff with jitter: half the step fixed, half random, so retries of many senders spread out. */
function backoff(attempt: number): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
}

/**
 * A function that hides the webhook URL in any text. Everything after the host is secret whatever its length:
 * the whole URL becomes `[webhook URL]`; the path (and what follows the first segment), every path segment but a
 * leading `services` (Slack's fixed prefix, and only when more follows it), the query, each of its parameters and
 * values, the fragment and any user info become `[redacted]` — each as written, percent-encoded, decoded and with
 * JSON-escaped slashes. A one-segment path is secret too: nothing says it is public. Longest first, in one pass
 * (a marker is never redacted again).
 * @example
 * webhookRedactor('https://hooks.slack.com/services/T0/B0/abc')('invalid_token abc for /services/T0/B0/abc')
 * // 'invalid_token [redacted] for [redacted]'
 */
export function webhookRedactor(url: string): (text: string) => string {
  const whole = new Set<string>();
  const parts = new Set<string>();
  for (const form of [url, parsedHref(url)]) {
    if (form === undefined) continue;
    for (const variant of variants(form)) whole.add(variant);
    const match = /^(?:[a-z][a-z0-9+.-]*:)?(?:\/\/([^/?#]*))?([^?#]*)(\?[^#]*)?(#.*)?$/i.exec(form);
    if (!match) continue;
    const [, authority = '', path = '', query = '', fragment = ''] = match;
    const secrets: string[] = [path, `${path}${query}`, query, query.slice(1), fragment, fragment.slice(1)];
    const at = authority.lastIndexOf('@');
    if (at >= 0) secrets.push(authority.slice(0, at), ...authority.slice(0, at).split(':'));
    const segments = path.split('/').filter((segment) => segment !== '');
    const publicFirst = segments.length > 1 && PUBLIC_FIRST_SEGMENTS.has(segments[0] ?? '');
    secrets.push(...(publicFirst ? segments.slice(1) : segments));
    if (segments.length > 1) secrets.push(segments.slice(1).join('/'));
    // Each parameter and its value; a parameter's name alone (`token`) is ordinary text.
    for (const parameter of query.slice(1).split('&')) secrets.push(parameter, parameter.split('=')[1] ?? '');
    for (const secret of secrets) {
      if ((publicFirst && secret === segments[0]) || secret.replace(/[/?#]/g, '') === '') continue;
      for (const variant of variants(secret)) parts.add(variant);
    }
  }
  for (const secret of whole) parts.delete(secret);
  const ordered = [...whole, ...parts].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  if (ordered.length === 0) return (text) => text;
  const pattern = new RegExp(ordered.map(escapeRegExp).join('|'), 'g');
  return (text) => text.replace(pattern, (found) => (whole.has(found) ? URL_MARKER : PART_MARKER));
}

/** `text` as written, percent-encoded (as a component and as a URI), decoded, and with JSON-escaped slashes. */
function variants(text: string): string[] {
  const forms = [text, encodeURIComponent(text), encodeURI(text)];
  try {
    forms.push(decodeURIComponent(text));
  } catch {
    // Not percent-encoded text: nothing to decode.
  }
  return [...new Set([...forms, ...forms.map((form) => form.replaceAll('/', '\\/'))])];
}

/** The URL as the WHATWG parser writes it (it may normalize the path), or `undefined` when it cannot be parsed. */
function parsedHref(url: string): string | undefined {
  try {
    return new URL(url).href;
  } catch {
    return undefined;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** `30000` → `30 s`, `1500` → `1.5 s`. */
function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
