import type { Clock } from '../clock.js';
import type { Notification, TransitionKind, TriggerContext } from '../core/alert-types.js';
import { type AlertPlan, alertTransitions, delivered, recordsForChannel, released } from '../core/alerts.js';
import { deletionTaskFate } from '../core/deletion.js';
import type {
  AccountReader,
  AlertStore,
  FollowedDeletion,
  Notifier,
  RecheckScheduler,
} from '../core/ports.js';
import { reconcileReport } from '../core/rule.js';
import type { AccountRead, FindingCode, Report } from '../core/types.js';
import { observeAccount } from './observe.js';

/** Everything a reconcile needs from the outside, built once per container or CLI run. */
export interface ReconcileDeps {
  readonly reader: AccountReader;
  readonly store: AlertStore;
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

const EVENT_MEMORY_MS = 24 * 3600_000;
const CLAIM_LEASE_MS = 5 * 60_000;

/**
 * The one reconcile behind every entry point: observe the account, decide, compare with what each channel was told,
 * and tell each channel about each change once.
 *
 * @throws {DeliveryError} after everything else is done, when a channel failed to deliver an alert
 */
export async function reconcile(deps: ReconcileDeps, request: ReconcileRequest): Promise<ReconcileOutcome> {
  const { store, log } = deps;
  // One clock per reconcile: every time-based decision below (event memory, claims, reminders, task lifetime)
  // uses this instant.
  const now = deps.clock.now();
  if (await store.hasSeenEvent(request.eventId, now)) {
    log.info('event already handled', { eventId: request.eventId });
    return { status: 'duplicate', report: null, notifications: [], deferred: [] };
  }

  const requested = request.deletionTaskId
    ? { taskId: request.deletionTaskId, since: now.toISOString() }
    : undefined;
  const task = requested ?? (await store.deletionTask(request.account));
  const read = await observeAccount(deps.reader, {
    regions: deps.regions,
    concurrency: deps.concurrency,
    deletionTaskId: task?.taskId,
    now: () => now,
  });
  const report = await decideReportAndSettleTask(deps, request, read, task, requested !== undefined, now);

  const records = await store.load(report.account);
  const plans = deps.notifiers.flatMap((notifier) =>
    alertTransitions(recordsForChannel(records, notifier.channel), report.findings, {
      account: report.account,
      channel: notifier.channel,
      now,
      leaseMs: CLAIM_LEASE_MS,
      reminderMs: deps.reminderHours === undefined ? undefined : deps.reminderHours * 3600_000,
    }).map((plan) => ({ plan, notifier })),
  );

  // Safety invariant 3: IAM is eventually consistent and CloudTrail events race the state they describe, so a
  // high finding that an event just raised is confirmed after the grace delay before anyone hears of it.
  const mustWait = (plan: AlertPlan) =>
    request.mode === 'event' &&
    deps.recheck !== undefined &&
    deps.graceSeconds > 0 &&
    plan.finding.severity === 'high' &&
    (plan.kind === 'opened' || plan.kind === 'changed');
  const deferred = [...new Set(plans.filter(({ plan }) => mustWait(plan)).map(({ plan }) => plan.code))];
  if (deferred.length > 0) {
    await deps.recheck?.schedule(
      { account: request.account, eventId: request.eventId, trigger: request.trigger },
      deps.graceSeconds,
    );
    log.info('high findings wait for a re-check', { codes: deferred, graceSeconds: deps.graceSeconds });
  }

  // Channels are told in parallel (a slow Slack does not hold up SNS); each channel hears its alerts in order.
  const perChannel = await Promise.all(
    deps.notifiers.map(async (notifier) => {
      const told: Delivery[] = [];
      for (const { plan } of plans.filter((entry) => entry.notifier === notifier && !mustWait(entry.plan))) {
        const delivery = await announce(deps, notifier, plan, report, request.trigger, now);
        if (delivery) told.push(delivery);
      }
      return told;
    }),
  );
  const deliveries = perChannel.flat();
  const outcome: ReconcileOutcome = {
    status: 'reconciled',
    report,
    notifications: summarize(deliveries),
    deferred,
  };
  if (deliveries.some((delivery) => delivery.error !== undefined)) throw new DeliveryError(outcome);

  await store.rememberEvent(request.eventId, new Date(now.getTime() + EVENT_MEMORY_MS).toISOString(), now);
  return outcome;
}

/**
 * Applies the rule to what was read, and settles the deletion task: a task is followed only for the account that
 * was read (an event of another account says nothing about it), and once it is no longer informative it is dropped
 * and the report is decided without it, so that its finding closes.
 */
async function decideReportAndSettleTask(
  deps: ReconcileDeps,
  request: ReconcileRequest,
  read: AccountRead,
  task: FollowedDeletion | undefined,
  newlyRequested: boolean,
  now: Date,
): Promise<Report> {
  const { store, log } = deps;
  const withoutTask = (): Report => {
    const { deletion: _dropped, ...rest } = read;
    return reconcileReport(rest);
  };
  if (read.account !== request.account) {
    log.warn('the event names another account than the credentials read: its deletion task is not followed', {
      eventAccount: request.account,
      readAccount: read.account,
    });
    // A task stored under the other account by an earlier version would otherwise stay there for good.
    if (task && !newlyRequested) await store.setDeletionTask(request.account, undefined);
    return withoutTask();
  }
  const report = reconcileReport(read);
  if (!task || !read.deletion) return report;

  const fate = deletionTaskFate(task, read.deletion, report, now);
  if (fate.follow) {
    if (newlyRequested) await store.setDeletionTask(read.account, task);
    return report;
  }
  log.info('no longer following the role deletion task', { taskId: task.taskId, reason: fate.reason });
  if (!newlyRequested) await store.setDeletionTask(read.account, undefined);
  // A task no longer followed says nothing: its finding, if any, closes.
  return withoutTask();
}

/** One alert on one channel: claimed, sent, recorded. */
interface Delivery {
  readonly code: FindingCode;
  readonly transition: TransitionKind;
  readonly channel: string;
  readonly error?: string | undefined;
}

/**
 * Claims the channel's alert, sends it, and records the outcome. `undefined` when another invocation has the
 * claim, or when the change needs recording but no message.
 */
async function announce(
  deps: ReconcileDeps,
  notifier: Notifier,
  plan: AlertPlan,
  report: Report,
  trigger: TriggerContext | undefined,
  now: Date,
): Promise<Delivery | undefined> {
  const { store, log } = deps;
  const about = { code: plan.code, transition: plan.kind, channel: notifier.channel };
  if (!(await store.compareAndSet(plan.claim, plan.expectedVersion))) {
    log.info('another invocation announces this alert', about);
    return undefined;
  }
  if (!plan.notify) return undefined;

  const notification: Notification = {
    transition: plan.kind,
    account: report.account,
    finding: plan.finding,
    observedAt: report.observedAt,
    trigger,
  };
  let error: string | undefined;
  try {
    await notifier.send(notification);
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
    log.error('alert not delivered', { ...about, error });
  }
  // A failed delivery gives up its claim at once, so that a retry may deliver it without waiting for the lease.
  const next = error === undefined ? delivered(plan.claim, now) : released(plan.claim);
  if (!(await store.compareAndSet(next, plan.claim.version))) {
    log.warn('alert record changed while delivering', about);
  }
  return { code: plan.code, transition: plan.kind, channel: notifier.channel, error };
}

/** The deliveries grouped per alert (code + transition), in the order they were made: `handle`'s JSON. */
function summarize(deliveries: readonly Delivery[]): SentNotification[] {
  const byAlert = new Map<
    string,
    {
      code: FindingCode;
      transition: TransitionKind;
      channels: string[];
      failed: { channel: string; error: string }[];
    }
  >();
  for (const delivery of deliveries) {
    const key = `${delivery.code} ${delivery.transition}`;
    const entry = byAlert.get(key) ?? {
      code: delivery.code,
      transition: delivery.transition,
      channels: [],
      failed: [],
    };
    byAlert.set(key, entry);
    if (delivery.error === undefined) entry.channels.push(delivery.channel);
    else entry.failed.push({ channel: delivery.channel, error: delivery.error });
  }
  return [...byAlert.values()].map(({ transition, code, channels, failed }) => ({
    transition,
    code,
    channels,
    failed,
  }));
}
