import type { Classification, Trigger } from '../core/classify.js';
import { classify } from '../core/classify.js';
import type { FindingCode, Report } from '../core/types.js';
import {
  type ReconcileDeps,
  type ReconcileRequest,
  reconcile,
  type SentNotification,
} from '../reconcile/reconcile.js';
import { parseTrigger } from './schemas.js';
import type { Telemetry } from './telemetry.js';

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
  const outcome = await reconcile(deps, requestFor(parsed.event.account, trigger));
  if (outcome.report) telemetry.reconciled(outcome.report, outcome.notifications, outcome.deferred);
  return {
    eventId: trigger.eventId,
    relevant: true,
    reason: outcome.status === 'duplicate' ? 'duplicate event: already handled' : classification.reason,
    report: outcome.report,
    notifications: outcome.notifications,
    deferred: outcome.deferred,
  };
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

export type { Classification };
