import type { AccountReader } from '../core/ports.js';
import { reconcileReport } from '../core/rule.js';
import type { Report } from '../core/types.js';
import { type ObserveOptions, observeAccount } from './observe.js';

/** One pass of the rule over the account as it is now: observe, then decide. Every entry point starts here. */
export async function scanAccount(reader: AccountReader, options: ObserveOptions): Promise<Report> {
  return reconcileReport(await observeAccount(reader, options));
}
