import { closeDepartedAccount } from '../../reconcile/departure.js';
import {
  DeliveryError,
  type ReconcileDeps,
  type ReconcileOutcome,
  reconcile,
} from '../../reconcile/reconcile.js';
import { confirmRecheck } from '../recheck/confirm.js';
import type { Telemetry } from '../telemetry.js';
import { type AccountQueueMessage, decodeAccountQueueMessage } from './message.js';

/** One message as SQS delivers it to the recheck function. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
}

/**
 * Does what one message of the recheck function's queues asks: a grace re-check (safety invariant 3), a sweep's
 * reconcile of one account (as the schedule's, announcing what it finds), or the closing of the alerts of an
 * account no longer watched. What was read and told is counted, delivered or not.
 *
 * @throws when the message cannot be read, or the work failed (an alert not delivered included): the message is
 *   then reported back alone, retried, and kept in the dead-letter queue
 */
export async function handleAccountMessage(
  deps: ReconcileDeps,
  telemetry: Telemetry,
  message: QueueMessage,
): Promise<ReconcileOutcome> {
  const request = decodeAccountQueueMessage(message.body);
  const counted = (outcome: ReconcileOutcome) => {
    if (request.type === 'departure') telemetry.departed(request, outcome.notifications);
    else if (outcome.report) telemetry.reconciled(outcome.report, outcome.notifications, outcome.deferred);
  };
  try {
    const outcome = await run(deps, request, message.messageId);
    counted(outcome);
    return outcome;
  } catch (error) {
    // An alert not delivered still counts what the reconcile saw and told.
    if (error instanceof DeliveryError) counted(error.outcome);
    throw error;
  }
}

function run(
  deps: ReconcileDeps,
  request: AccountQueueMessage,
  messageId: string,
): Promise<ReconcileOutcome> {
  switch (request.type) {
    case 'recheck':
      return confirmRecheck(deps, request.request);
    case 'sweep':
      // A redelivery of the same message is the same sweep of the account: its id says so.
      return reconcile(deps, {
        account: request.account,
        accountName: request.accountName,
        eventId: `sweep:${messageId}`,
        mode: 'confirm',
      });
    case 'departure':
      return closeDepartedAccount(deps, request);
  }
}
