import type { AccountEntry } from '../../core/ports.js';
import type { OrganizationAccount } from '../../organization/accounts.js';
import type { ReconcileLog } from '../../reconcile/reconcile.js';
import { encodeDepartureMessage, encodeSweepMessage } from '../account-queue/message.js';
import type { OutgoingMessage } from './send-batches.js';

/** What a sweep works with. */
export interface SweepPorts {
  /** The organization's accounts (Organizations `ListAccounts`). Throws when it cannot. */
  listAccounts(): Promise<readonly OrganizationAccount[]>;
  /** The account register's entries (names, open-alert marks). Throws when it cannot. */
  accountEntries(): Promise<readonly AccountEntry[]>;
  /** Sends the messages to the account queue. Throws when some could not be sent. */
  send(messages: readonly OutgoingMessage[]): Promise<void>;
}

/** What a sweep sent. */
export interface SweepOutcome {
  /** Accounts listed ACTIVE: one reconcile message each. */
  readonly swept: number;
  /** Accounts no longer watched that may have open alerts: one closing message each. */
  readonly departed: number;
  /** Accounts listed in a state that neither is watched nor says it left (`PENDING_ACTIVATION`, unknown). */
  readonly unwatched: number;
}

/**
 * The states that do not say an account left the watch: `ACTIVE` (watched), `PENDING_ACTIVATION` (never yet
 * watched) and a state that could not be read (`UNKNOWN`): nothing is closed for them (safety invariant 1). Every
 * other state (`SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`, one Organizations adds later) does.
 */
const NOT_DEPARTED = new Set(['ACTIVE', 'PENDING_ACTIVATION', 'UNKNOWN']);

/**
 * The periodic sweep of organization mode: one message per ACTIVE account to the account queue, where the recheck
 * function reconciles each account as a unit of work of its own (one account failing never fails the sweep, nor
 * another account), and one message per account that may have open alerts and is no longer ACTIVE (suspended,
 * closing, closed, or absent from the list: it left the organization), to close them. It reads no account itself.
 *
 * @throws when the accounts or the register cannot be listed, or the messages cannot be sent: the sweep is then
 *   retried whole (the accounts it sent already are reconciled twice, which changes nothing)
 */
export async function sweepOrganization(ports: SweepPorts, log: ReconcileLog): Promise<SweepOutcome> {
  const listed = await ports.listAccounts();
  // An organization has at least its management account: an empty list proves nothing, and would close everything.
  if (listed.length === 0) throw new Error('ListAccounts listed no account: nothing is concluded from it.');
  const byId = new Map(listed.map((account) => [account.id, account]));
  const entries = await ports.accountEntries();

  const active = listed.filter((account) => account.state === 'ACTIVE');
  const departed = entries.filter((entry) => {
    const state = byId.get(entry.account)?.state;
    return entry.openAlertsMark !== null && (state === undefined || !NOT_DEPARTED.has(state));
  });
  const unwatched = listed.filter((account) => account.state !== 'ACTIVE' && NOT_DEPARTED.has(account.state));
  if (unwatched.length > 0) {
    log.warn('accounts neither watched nor known to have left', {
      accounts: unwatched.map(({ id, state }) => ({ account: id, state })),
    });
  }

  const messages: OutgoingMessage[] = [
    ...active.map(({ id, name }) => ({
      id: `sweep-${id}`,
      body: encodeSweepMessage({ account: id, accountName: name }),
    })),
    ...departed.map(({ account, name }) => {
      const seen = byId.get(account);
      return {
        id: `departure-${account}`,
        body: encodeDepartureMessage({
          account,
          accountName: seen?.name ?? name,
          state: seen?.state ?? null,
        }),
      };
    }),
  ];
  await ports.send(messages);
  const outcome = { swept: active.length, departed: departed.length, unwatched: unwatched.length };
  log.info('sweep sent', {
    ...outcome,
    departedAccounts: departed.map(({ account }) => ({ account, state: byId.get(account)?.state ?? null })),
  });
  return outcome;
}
