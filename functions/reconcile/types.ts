import type { Clock } from '../clock.js';
import type { TransitionKind, TriggerContext } from '../core/alert-types.js';
import type {
  AccountAccess,
  AccountReader,
  AccountRegister,
  AlertStore,
  Notifier,
  RecheckScheduler,
} from '../core/ports.js';
import type { FindingCode, Report } from '../core/types.js';

/** Everything a reconcile needs from the outside, built once per container or CLI run. */
export interface ReconcileDeps {
  /** The caller's own account. Every request is read with it unless `readerFor` is given. */
  readonly reader: AccountReader;
  /**
   * How the account a request names is reached: in organization mode its own reader for the caller's account and
   * its read role for the others; for a single account, `reader` alone. When given, a read that turns out to be
   * of another account than the request's is refused (a `ConfigError`), never announced under either account.
   */
  readonly readerFor?: ((account: string) => Promise<AccountAccess>) | undefined;
  readonly store: AlertStore;
  /** Organization mode: the accounts' names (shown in alerts) and which ones may have open alerts. */
  readonly register?: AccountRegister | undefined;
  readonly notifiers: readonly Notifier[];
  /** Where grace re-checks go; without one, high findings raised by events are announced at once. */
  readonly recheck?: RecheckScheduler | undefined;
  /** The one clock of every time-based decision (given by the wiring; tests give their own). */
  readonly clock: Clock;
  readonly log: ReconcileLog;
  readonly regions?: readonly string[] | undefined;
  readonly concurrency?: number | undefined;
  readonly graceSeconds: number;
  readonly reminderHours?: number | undefined;
}

/** Structured logging; the Powertools Logger fits it. Every line carries its context as `extra`. */
export interface ReconcileLog {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** Why this reconcile runs. Only *when* to look: the state is always read afresh (safety invariant 2). */
export interface ReconcileRequest {
  /** The account named by the event envelope (alert state and deletion tracking are kept per account). */
  readonly account: string;
  /** The event's id, for deduplication; `detail.eventID` for CloudTrail events. */
  readonly eventId: string;
  /**
   * `event`: a CloudTrail event just happened, so high findings may be racing the state (wait out the grace);
   * `confirm`: the schedule, or the re-check after the grace: announce what is found.
   */
  readonly mode: 'event' | 'confirm';
  readonly trigger?: TriggerContext | undefined;
  /** Start following a role deletion task (`DeleteServiceLinkedRole` was just submitted). */
  readonly deletionTaskId?: string | undefined;
  /** The account's name as the organization lists it (a sweep knows it), kept in the register for later alerts. */
  readonly accountName?: string | null | undefined;
}

export interface SentNotification {
  readonly transition: TransitionKind;
  readonly code: FindingCode;
  /** The channels that delivered it. */
  readonly channels: readonly string[];
  /** The channels that failed, with their error (never a secret). */
  readonly failed: readonly { readonly channel: string; readonly error: string }[];
}

export interface ReconcileOutcome {
  /** `duplicate`: the event was handled before, nothing was read. */
  readonly status: 'reconciled' | 'duplicate';
  /** `null` when nothing was read: a duplicate, or the alerts of an account no longer watched being closed. */
  readonly report: Report | null;
  readonly notifications: readonly SentNotification[];
  /** High findings held back for a re-check after the grace delay. */
  readonly deferred: readonly FindingCode[];
}

/**
 * A channel did not deliver some alerts. The invocation fails so that it is retried (Lambda's retries, then the
 * on-failure queue; the next run otherwise): the channels that delivered have recorded it and are not told again,
 * the failed ones are told on the retry. `outcome` is everything else the reconcile did.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(readonly outcome: ReconcileOutcome) {
    const undelivered = outcome.notifications.filter((n) => n.failed.length > 0);
    super(
      `Not delivered: ${undelivered
        .flatMap((n) => n.failed.map((f) => `${n.code} ${n.transition} to ${f.channel} (${f.error})`))
        .join('; ')}. Delivered channels are recorded; the failed ones are retried.`,
    );
  }
}
