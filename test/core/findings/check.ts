import type { FindingRuleOf } from '../../../functions/core/findings/index.js';
import { accountView, findingOf } from '../../../functions/core/rule.js';
import type { AccountRead, Finding, FindingCode } from '../../../functions/core/types.js';

/** What `rule` says of `read`: `not-applicable`, `compliant` or `non-compliant`. */
export function statusOf<C extends FindingCode>(rule: FindingRuleOf<C>, read: AccountRead): string {
  return rule.check(accountView(read)).status;
}

/** The finding `rule` reports for `read`, as the report carries it; throws when there is none. */
export function findingFor<C extends FindingCode>(rule: FindingRuleOf<C>, read: AccountRead): Finding<C> {
  const finding = findingOf(rule, accountView(read));
  if (!finding) throw new Error(`expected ${rule.code}`);
  return finding;
}
