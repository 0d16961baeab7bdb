import { classify, type Trigger } from '../../core/classify.js';
import type { FindingCode, Report } from '../../core/types.js';
import {
  DeliveryError,
  type ReconcileDeps,
  type ReconcileOutcome,
  type ReconcileRequest,
  reconcile,
  type SentNotification,
} from '../../reconcile/reconcile.js';
import type { Telemetry } from '../telemetry.js';
import { parseTrigger } from './parse.js';

/** What handling one event did: the `handle` command prints one of these per event (a public contract). */
export interface HandleResult {
  readonly eventId: string | null;
  readonly relevant: boolean;
  readonly reason: string;
  readonly report: Report | null;
  readonly notifications: readonly SentNotification[];
  readonly deferred: readonly FindingCode[];
}

/** The input is not an event this reconciler can read. Thrown so the event is kept (DLQ), never dropped. */
export class MalformedEventError extends Error {
  override readonly name = 'MalformedEventError';
  constructor(
    readonly eventId: string | undefined,
    readonly issues: readonly string[],
  ) {
    super(`malformed event${eventId ? ` ${eventId}` : ''}: ${issues.join('; ')}`);
  }
}

/**
 * The event was handled but a channel did not deliver some alerts: the invocation fails so that they are retried.
 * `result` is what handling did (the delivered channels are recorded and will not be told again).
 */
export class UndeliveredAlertsError extends Error {
  override readonly name = 'UndeliveredAlertsError';
  constructor(
    readonly result: HandleResult,
    cause: DeliveryError,
  ) {
    super(cause.message, { cause });
  }
}

/**
 * The EventBridge path shared by the Lambda handler and `handle`: parse, classify, reconcile when relevant.
 * An event only says *when* to look (safety invariant 2); what it says is never taken as the state.
 */
export async function handleEvent(
  deps: ReconcileDeps,
  telemetry: Telemetry,
  input: unknown,
): Promise<HandleResult> {
  const parsed = parseTrigger(input);
  if (!parsed.ok) {
    telemetry.malformed(parsed.id, parsed.issues);
    throw new MalformedEventError(parsed.id, parsed.issues);
  }
  const classification = classify(parsed.event);
  if (!classification.relevant) {
    telemetry.ignored(classification, parsed.event.id);
    return {
      eventId: parsed.event.id,
      relevant: false,
      reason: classification.reason,
      report: null,
      notifications: [],
      deferred: [],
    };
  }

  const { trigger } = classification;
  telemetry.relevant(trigger, classification.reason);
  const resultOf = (outcome: ReconcileOutcome): HandleResult => ({
    eventId: trigger.eventId,
    relevant: true,
    reason: outcome.status === 'duplicate' ? 'duplicate event: already handled' : classification.reason,
    report: outcome.report,
    notifications: outcome.notifications,
    deferred: outcome.deferred,
  });
  const outcome = await reconcile(deps, requestFor(parsed.event.account, trigger)).catch((error: unknown) => {
    if (!(error instanceof DeliveryError)) throw error;
    // What was read and sent still counts; the invocation then fails so that the failed channels are retried.
    const { report, notifications, deferred } = error.outcome;
    if (report) telemetry.reconciled(report, notifications, deferred);
    throw new UndeliveredAlertsError(resultOf(error.outcome), error);
  });
  if (outcome.report) telemetry.reconciled(outcome.report, outcome.notifications, outcome.deferred);
  return resultOf(outcome);
}

function requestFor(account: string, trigger: Trigger): ReconcileRequest {
  switch (trigger.kind) {
    case 'schedule':
      return { account, eventId: trigger.eventId, mode: 'confirm' };
    case 'region-opt-in':
      return { account, eventId: trigger.eventId, mode: 'confirm' };
    case 'replication-change':
      return { account, eventId: trigger.eventId, mode: 'event', trigger: trigger.context };
    case 'role-change':
      return {
        account,
        eventId: trigger.eventId,
        mode: 'event',
        trigger: trigger.context,
        deletionTaskId: trigger.deletionTaskId,
      };
  }
}
