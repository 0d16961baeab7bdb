import type { Notification } from '../core/alert-types.js';
import { type AlertPlan, alertTransitions, recordsForChannel } from '../core/alerts.js';
import type { AccountEntry } from '../core/ports.js';
import type { Report } from '../core/types.js';
import { currentAccountEntry, keepOpenAlertsMark } from './account-register.js';
import { announceAll, summarize } from './announce.js';
import { readAndDecide } from './read-account.js';
import { DeliveryError, type ReconcileDeps, type ReconcileOutcome, type ReconcileRequest } from './types.js';

export {
  DeliveryError,
  type ReconcileDeps,
  type ReconcileLog,
  type ReconcileOutcome,
  type ReconcileRequest,
  type SentNotification,
} from './types.js';

const EVENT_MEMORY_MS = 24 * 3600_000;
/** How long a claim protects a delivery in progress before another invocation may take over. */
export const CLAIM_LEASE_MS = 5 * 60_000;

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
  const report = await readAndDecide(deps, request, { task, newlyRequested: requested !== undefined }, now);
  // Organization mode: the account's name for its alerts, and its open-alerts mark.
  const entry = deps.register
    ? await currentAccountEntry(deps.register, report.account, request.accountName)
    : undefined;

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

  const due = plans.filter(({ plan }) => !mustWait(plan));
  const deliveries = await announceAll(
    deps,
    due,
    (plan) => notificationOf(plan, report, request, entry),
    now,
  );
  if (deps.register && entry) {
    await keepOpenAlertsMark(
      deps.register,
      entry,
      records,
      due.map(({ plan }) => plan.claim),
    );
  }
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

/** What a channel is told of a plan: the finding, the account (named when its name is known), what led to it. */
function notificationOf(
  plan: AlertPlan,
  report: Report,
  request: ReconcileRequest,
  entry: AccountEntry | undefined,
): Notification {
  return {
    transition: plan.kind,
    account: report.account,
    ...(entry ? { accountName: entry.name } : {}),
    finding: plan.finding,
    observedAt: report.observedAt,
    trigger: request.trigger,
  };
}
