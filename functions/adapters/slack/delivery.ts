import { type Clock, systemClock } from '../../clock.js';
import { SlackDeliveryError } from './errors.js';
import { type Failure, postOnce } from './post.js';
import { webhookRedactor } from './redaction.js';

/** How one message is posted: the attempts, their time budget, and what they run on. */
export interface SlackDeliveryOptions {
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

/**
 * Posts a message to a webhook within one time budget, sending it again only when Slack certainly did not post it
 * (the policy `SlackNotifier` describes), and throws a {@link SlackDeliveryError} that never holds the URL.
 */
export class SlackWebhookDelivery {
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly budgetMs: number;
  private readonly minAttemptMs: number;
  private readonly clock: Pick<Clock, 'now' | 'sleep'>;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: SlackDeliveryOptions = {}) {
    this.timeoutMs = positive(options.timeoutMs, SLACK_DEFAULTS.timeoutMs);
    this.maxAttempts = Math.max(1, Math.floor(positive(options.maxAttempts, SLACK_DEFAULTS.maxAttempts)));
    this.budgetMs = positive(options.budgetMs, SLACK_DEFAULTS.budgetMs);
    this.minAttemptMs = Math.min(this.timeoutMs, positive(options.minAttemptMs, SLACK_DEFAULTS.minAttemptMs));
    this.clock = options.clock ?? systemClock;
    this.fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async deliver(url: string, body: string): Promise<void> {
    const redact = webhookRedactor(url);
    const budget = this.startBudget();
    for (let attempt = 1; ; attempt++) {
      const attemptTimeoutMs = Math.max(1, Math.floor(Math.min(this.timeoutMs, budget.leftMs())));
      const outcome = await postOnce(this.fetch, url, body, redact, attemptTimeoutMs);
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

/** Exponential backoff with jitter: half the step fixed, half random, so retries of many senders spread out. */
function backoff(attempt: number): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(step / 2 + Math.random() * (step / 2));
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
