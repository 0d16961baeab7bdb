import type { RecheckRequest } from '../../core/ports.js';
import { type ReconcileDeps, type ReconcileOutcome, reconcile } from '../../reconcile/reconcile.js';

/**
 * The grace re-check (safety invariant 3), wherever the delay was waited out (an SQS message, a pause in this
 * process): the same reconcile, reading the state afresh, now announcing what it finds. Its event id is the held
 * event's, marked, so that it is not taken for that event seen again.
 */
export function confirmRecheck(deps: ReconcileDeps, request: RecheckRequest): Promise<ReconcileOutcome> {
  return reconcile(deps, { ...request, eventId: `recheck:${request.eventId}`, mode: 'confirm' });
}
