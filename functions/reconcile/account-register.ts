import type { AlertRecord } from '../core/alert-types.js';
import type { AccountEntry, AccountRegister } from '../core/ports.js';

/**
 * The account's entry, with its name brought up to date: a request that knows the name (a sweep's) records it when
 * it changed, so that the reconciles an event starts can name the account too. Returns the entry as it now is.
 */
export async function currentAccountEntry(
  register: AccountRegister,
  account: string,
  knownName: string | null | undefined,
): Promise<AccountEntry> {
  const entry = (await register.accountEntry(account)) ?? { account, name: null, openAlertsMark: null };
  if (!knownName || knownName === entry.name) return entry;
  await register.setAccountName(account, knownName);
  return { ...entry, name: knownName };
}

/**
 * Keeps the account marked while it may have open alerts, so that the sweep finds them if the account leaves. Run
 * after this reconcile's alert records were written: a claim that opened or kept an alert open renews the mark
 * (a new token, so that a departure closing the account's alerts meanwhile cannot clear it, see
 * `closeDepartedAccount`); open records without a mark (one written by an invocation that died before marking) get
 * one. A mark left on an account whose alerts all closed costs only a look when the account leaves.
 */
export async function keepOpenAlertsMark(
  register: AccountRegister,
  entry: AccountEntry,
  loaded: readonly AlertRecord[],
  claims: readonly AlertRecord[],
): Promise<void> {
  const claimedOpen = claims.some((claim) => claim.status === 'open');
  const wasOpen = loaded.some((record) => record.status === 'open');
  if (claimedOpen || (wasOpen && entry.openAlertsMark === null)) await register.markOpenAlerts(entry.account);
}
