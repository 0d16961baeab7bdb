import type { EvidenceOf, Finding, FindingCode, Severity } from '../types.js';
import type { FindingRule, Substance } from './finding-rule.js';
import { observationIncomplete } from './observation-incomplete.js';
import { roleDeletionBlocked } from './role-deletion-blocked.js';
import { roleMissing } from './role-missing.js';
import { roleNotServiceLinked } from './role-not-service-linked.js';
import { roleOrphaned } from './role-orphaned.js';
import { rolePolicyDrift } from './role-policy-drift.js';

/**
 * The rule: one module per finding, checked in this order, which is the order of the report's findings (a public
 * contract). Adding a finding is one module (its code, severity, check, typed evidence, remediation and substance),
 * its table-driven test in `test/core/findings/`, and one line here.
 */
export const FINDING_RULES = [
  observationIncomplete,
  roleMissing,
  roleNotServiceLinked,
  rolePolicyDrift,
  roleOrphaned,
  roleDeletionBlocked,
] as const;

/** The rule for one code. */
export type FindingRuleOf<C extends FindingCode> = FindingRule<C, EvidenceOf<C>>;

/** Every finding code, in the order of {@link FINDING_RULES}. */
export const FINDING_CODES: readonly FindingCode[] = FINDING_RULES.map((rule) => rule.code);

export const SEVERITY_BY_CODE: Readonly<Record<FindingCode, Severity>> = Object.fromEntries(
  FINDING_RULES.map((rule) => [rule.code, rule.severity]),
) as Record<FindingCode, Severity>;

const RULE_BY_CODE: ReadonlyMap<string, FindingRuleOf<FindingCode>> = new Map(
  FINDING_RULES.map((rule) => [rule.code, rule]),
);

/**
 * The facts of a finding whose change is news (see {@link FindingRule.substance}). None for a code this version
 * does not raise.
 */
export function substanceOf(finding: Finding): Substance {
  return RULE_BY_CODE.get(finding.code)?.substance(finding.evidence) ?? {};
}
