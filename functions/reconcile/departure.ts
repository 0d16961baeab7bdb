import { alertTransitions, recordsForChannel } from '../core/alerts.js';
import { ConfigError, ENV } from '../settings.js';
import { announceAll, summarize } from './announce.js';
import { CLAIM_LEASE_MS } from './reconcile.js';
import { DeliveryError, type ReconcileDeps, type ReconcileOutcome } from './types.js';

/** An account the organization no longer lists as ACTIVE, whose alerts may still be open. */
export interface AccountDepartureRequest {
  readonly account: string;
  /** Its name as last listed; the register's when `null`. */
  readonly accountName: string | null;
  /** Its state (`SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`…); `null` when it left the organization. */
  readonly state: string | null;
}

/**
 * Closes the open alerts of an account that is no longer watched, each channel told once, saying why (never that it
 * was fixed): the same compare-and-set claims as every alert transition (safety invariant 4), so that retries and
 * concurrent sweeps announce each closing once, and a channel that failed is told on the retry. Nothing is read in
 * the account. Once every alert of the account is closed and delivered, its open-alerts mark is cleared, if no
 * reconcile renewed it meanwhile.
 *
 * @throws {DeliveryError} after everything else is done, when a channel failed to deliver a closing
 * @throws {ConfigError} without an account register (organization mode only)
 */
export async function closeDepartedAccount(
  deps: ReconcileDeps,
  request: AccountDepartureRequest,
): Promise<ReconcileOutcome> {
  const { store, register, log } = deps;
  if (!register) {
    throw new ConfigError(
      ENV.memberReadRoleName,
      `${ENV.memberReadRoleName} is not set: accounts leaving an organization are closed in organization mode only.`,
    );
  }
  const now = deps.clock.now();
  // The mark is read before the records: a reconcile that opens an alert after this read renews it, and clearing
  // it below then fails.
  const entry = await register.accountEntry(request.account);
  const accountName = request.accountName ?? entry?.name ?? null;
  const records = await store.load(request.account);
  const plans = deps.notifiers.flatMap((notifier) =>
    alertTransitions(recordsForChannel(records, notifier.channel), [], {
      account: request.account,
      channel: notifier.channel,
      now,
      leaseMs: CLAIM_LEASE_MS,
    }).map((plan) => ({ plan, notifier })),
  );
  const departure = { kind: 'account-departed', state: request.state } as const;
  const deliveries = await announceAll(
    deps,
    plans,
    (plan) => ({
      transition: plan.kind,
      account: request.account,
      accountName,
      finding: plan.finding,
      observedAt: now.toISOString(),
      departure,
    }),
    now,
  );
  const outcome: ReconcileOutcome = {
    status: 'reconciled',
    report: null,
    notifications: summarize(deliveries),
    deferred: [],
  };
  if (deliveries.some((delivery) => delivery.error !== undefined)) throw new DeliveryError(outcome);

  if (entry?.openAlertsMark) {
    const left = await store.load(request.account);
    // Per channel, as the plans were made: a record kept from before channels had their own is its channels' past.
    const settled = deps.notifiers.every((notifier) =>
      recordsForChannel(left, notifier.channel).every(
        (record) => record.status === 'resolved' && record.notifiedAt !== null,
      ),
    );
    if (settled && (await register.clearOpenAlertsMark(request.account, entry.openAlertsMark))) {
      log.info('no alert of the account is open any more', { account: request.account });
    }
  }
  return outcome;
}
