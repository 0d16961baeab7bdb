import type { Clock } from '../clock.js';
import type { Notification, TransitionKind, TriggerContext } from '../core/alert-types.js';
import { type AlertPlan, alertTransitions, delivered, released } from '../core/alerts.js';
import type { AccountReader, AlertStore, Notifier, RecheckScheduler } from '../core/ports.js';
import type { FindingCode, Report } from '../core/types.js';
import { scanAccount } from './scan.js';

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

/** Every notifier failed for these alerts: the invocation must fail so that it is retried. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(readonly undelivered: readonly SentNotification[]) {
    super(
      `No channel delivered ${undelivered.map((n) => `${n.code} ${n.transition}`).join(', ')}: ` +
        undelivered.flatMap((n) => n.failed.map((f) => `${f.channel}: ${f.error}`)).join('; '),
    );
  }
}

const EVENT_MEMORY_MS = 24 * 3600_000;
const CLAIM_LEASE_MS = 5 * 60_000;

/**
 * The one reconcile behind every entry point: observe the account, decide, compare with what was announced, and
 * tell people about each change once.
 */
export async function reconcile(deps: ReconcileDeps, request: ReconcileRequest): Promise<ReconcileOutcome> {
  const { store, log } = deps;
  // One clock per reconcile: every time-based decision below (event memory, claims, reminders) uses this instant.
  const now = deps.clock.now();
  if (await store.hasSeenEvent(request.eventId, now)) {
    log.info('event already handled', { eventId: request.eventId });
    return { status: 'duplicate', report: null, notifications: [], deferred: [] };
  }
  if (request.deletionTaskId) {
    await store.setDeletionTask(request.account, {
      taskId: request.deletionTaskId,
      since: now.toISOString(),
    });
  }
  const deletionTaskId = (await store.deletionTask(request.account))?.taskId;

  const report = await scanAccount(deps.reader, {
    regions: deps.regions,
    concurrency: deps.concurrency,
    deletionTaskId,
    now: () => now,
  });
  if (report.account !== request.account) {
    log.warn('the event names another account than the credentials read', {
      eventAccount: request.account,
      readAccount: report.account,
    });
  }
  await followDeletionTask(store, report, deletionTaskId);

  const plans = alertTransitions(await store.load(report.account), report.findings, {
    account: report.account,
    now,
    leaseMs: CLAIM_LEASE_MS,
    reminderMs: deps.reminderHours === undefined ? undefined : deps.reminderHours * 3600_000,
  });

  // Safety invariant 3: IAM is eventually consistent and CloudTrail events race the state they describe, so a
  // high finding that an event just raised is confirmed after the grace delay before anyone hears of it.
  const mustWait = (plan: AlertPlan) =>
    request.mode === 'event' &&
    deps.recheck !== undefined &&
    deps.graceSeconds > 0 &&
    plan.finding.severity === 'high' &&
    (plan.kind === 'opened' || plan.kind === 'changed');
  const deferred = plans.filter(mustWait).map((plan) => plan.code);
  if (deferred.length > 0) {
    await deps.recheck?.schedule(
      { account: request.account, eventId: request.eventId, trigger: request.trigger },
      deps.graceSeconds,
    );
    log.info('high findings wait for a re-check', { codes: deferred, graceSeconds: deps.graceSeconds });
  }

  const notifications: SentNotification[] = [];
  for (const plan of plans.filter((plan) => !mustWait(plan))) {
    const sent = await announce(deps, plan, report, request.trigger, now);
    if (sent) notifications.push(sent);
  }
  const undelivered = notifications.filter((n) => n.channels.length === 0 && n.failed.length > 0);
  if (undelivered.length > 0) throw new DeliveryError(undelivered);

  await store.rememberEvent(request.eventId, new Date(now.getTime() + EVENT_MEMORY_MS).toISOString(), now);
  return { status: 'reconciled', report, notifications, deferred };
}

/** Claims the alert, tells every channel, and records the outcome. `undefined` if another invocation has it. */
async function announce(
  deps: ReconcileDeps,
  plan: AlertPlan,
  report: Report,
  trigger: TriggerContext | undefined,
  now: Date,
): Promise<SentNotification | undefined> {
  const { store, log } = deps;
  if (!(await store.compareAndSet(plan.claim, plan.expectedVersion))) {
    log.info('another invocation announces this alert', { code: plan.code, transition: plan.kind });
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
  const results = await Promise.allSettled(deps.notifiers.map((notifier) => notifier.send(notification)));
  const channels: string[] = [];
  const failed: { channel: string; error: string }[] = [];
  results.forEach((result, index) => {
    const channel = deps.notifiers[index]?.channel ?? `#${index}`;
    if (result.status === 'fulfilled') channels.push(channel);
    else
      failed.push({
        channel,
        error: result.reason instanceof Error ? result.reason.message : String(result.reason),
      });
  });
  for (const failure of failed) {
    log.error('alert not delivered', { code: plan.code, transition: plan.kind, ...failure });
  }

  const allFailed = channels.length === 0 && failed.length > 0;
  const next = allFailed ? released(plan.claim) : delivered(plan.claim, now);
  if (!(await store.compareAndSet(next, plan.claim.version))) {
    log.warn('alert record changed while delivering', { code: plan.code, transition: plan.kind });
  }
  return { transition: plan.kind, code: plan.code, channels, failed };
}

/** Stops following a deletion task once it has nothing more to say: it succeeded, or it no longer blocks. */
async function followDeletionTask(
  store: AlertStore,
  report: Report,
  taskId: string | undefined,
): Promise<void> {
  if (!taskId) return;
  const blocked = report.findings.some((finding) => finding.code === 'ROLE_DELETION_BLOCKED');
  const roleGone = report.role.state === 'absent';
  if (!blocked && (roleGone || report.desiredRole === 'absent')) {
    await store.setDeletionTask(report.account, undefined);
  }
}
