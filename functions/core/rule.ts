import { FINDING_RULES, type FindingRuleOf } from './findings/index.js';
import { regionReport, roleReport } from './normalize.js';
import type {
  AccountRead,
  AccountView,
  DesiredRole,
  Finding,
  FindingCode,
  RegionReport,
  Report,
} from './types.js';

/**
 * The rule: the role must exist if and only if at least one Region replicates. A Region that could not be read is
 * never taken as "not replicating" (safety invariant 1): without a replicating Region and with anything unseen,
 * the desired state is `unknown`. Reading no Region at all proves nothing either.
 */
function desiredRoleState(regions: readonly RegionReport[], regionsListed = true): DesiredRole {
  if (regions.some((region) => region.state === 'replicating')) return 'present';
  // Not one registry answered (e.g. every Region "not enabled", which is also how ECR answers a bad token).
  const noneRead = !regions.some((region) => region.state === 'not-replicating');
  if (!regionsListed || noneRead || regions.some((region) => region.state === 'unreadable')) {
    return 'unknown';
  }
  return 'absent';
}

/** Decides everything about one account read: the normalized view, the desired state and the findings. */
export function reconcileReport(read: AccountRead): Report {
  const view = accountView(read);
  return {
    account: read.account,
    observedAt: read.observedAt,
    desiredRole: view.desiredRole,
    role: view.role,
    regions: view.regions,
    findings: findingsFor(view),
  };
}

/** The read normalized, once, for every finding rule to look at. */
export function accountView(read: AccountRead): AccountView {
  const regions = read.registries.map(regionReport).sort((a, b) => a.region.localeCompare(b.region));
  return {
    read,
    regions,
    role: roleReport(read.role),
    desiredRole: desiredRoleState(regions, read.regionsError === undefined),
  };
}

/** The findings of every rule that does not hold, in the order of `FINDING_RULES`. */
function findingsFor(view: AccountView): Finding[] {
  const findings: Finding[] = [];
  for (const rule of FINDING_RULES) {
    const finding = findingOf(rule, view);
    if (finding) findings.push(finding);
  }
  return findings;
}

/** What one rule finds in the view: its finding, or nothing when it holds or does not apply. */
export function findingOf<C extends FindingCode>(
  rule: FindingRuleOf<C>,
  view: AccountView,
): Finding<C> | undefined {
  const result = rule.check(view);
  if (result.status !== 'non-compliant') return undefined;
  const { message, regions, evidence, remediation } = result.finding;
  return {
    code: rule.code,
    severity: rule.severity,
    message,
    regions: [...regions].sort(),
    evidence,
    remediation,
  };
}
