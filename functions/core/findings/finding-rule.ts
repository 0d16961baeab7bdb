import type { AccountView, RegionReport, Severity } from '../types.js';

/** A JSON value: what a finding's substance is made of (it is compared as JSON text). */
export type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/**
 * The facts of a finding, beyond its code and Regions, whose change is news: a different alert (safety invariant
 * 4). Never the time or the wording, so that a re-read of the same state never looks like a change.
 */
export type Substance = Readonly<Record<string, Json>>;

/**
 * What every finding's evidence starts with: when and in which account it was seen (renderers leave these out, the
 * notification says them). Evidence types are type aliases, not interfaces: TypeScript lets an object type alias,
 * not an interface, stand where a plain JSON record is expected (renderers and alert stores take evidence so).
 */
export type Sighting = { readonly observedAt: string; readonly account: string };

/** What a finding says, beyond its code and severity. */
export interface FindingDetails<E> {
  /** One line, for people. */
  readonly message: string;
  /** The Regions involved, in any order (the rule sorts them); none for the account-wide role. */
  readonly regions: readonly string[];
  /** What was read that makes it a finding. Its keys, in their order, are part of the JSON report. */
  readonly evidence: E;
  /** What to do, following the AWS guidance. */
  readonly remediation: string;
}

/**
 * What a check says of an account, as cdk-nag's rules do: the finding does not apply (it is about something not
 * there or not seen, another finding speaks), the account complies, or it does not (and what to report).
 */
export type CheckResult<E> =
  | { readonly status: 'not-applicable' }
  | { readonly status: 'compliant' }
  | { readonly status: 'non-compliant'; readonly finding: FindingDetails<E> };

export const NOT_APPLICABLE = { status: 'not-applicable' } as const;
export const COMPLIANT = { status: 'compliant' } as const;

export function nonCompliant<E>(finding: FindingDetails<E>): CheckResult<E> {
  return { status: 'non-compliant', finding };
}

/**
 * One finding: one module under `findings/`, listed in `FINDING_RULES`.
 * @example
 * export const roleMissing: FindingRule<'ROLE_MISSING', RoleMissingEvidence> = {
 *   code: 'ROLE_MISSING',
 *   severity: 'high',
 *   check(view) {
 *     if (view.desiredRole !== 'present' || view.role.state === 'unreadable') return NOT_APPLICABLE;
 *     if (view.role.state === 'present') return COMPLIANT;
 *     return nonCompliant({ message, regions, evidence: { ...sighting(view), getRole: 'NoSuchEntity', replicating }, remediation });
 *   },
 *   substance: () => ({}),
 * };
 */
export interface FindingRule<C extends string, E extends Sighting> {
  /** A public contract (README "What it reports"). */
  readonly code: C;
  readonly severity: Severity;
  /** The check: pure, over the account as read. */
  check(view: AccountView): CheckResult<E>;
  /**
   * What makes two sightings the same alert, beyond the code and the Regions. Alert records in users' tables
   * keep the fingerprint `JSON.stringify({ code, regions, ...substance })`: renaming, reordering or adding a key
   * changes every stored fingerprint, and re-announces every open finding of the code.
   */
  substance(evidence: E): Substance;
}

/** The Regions that replicate, by name, in the view's order. */
export function replicatingRegions(view: AccountView): string[] {
  return view.regions.filter((region) => region.state === 'replicating').map((region) => region.region);
}

/** The Regions in `state`, by name, in the view's order. */
export function regionsIn(view: AccountView, state: RegionReport['state']): string[] {
  return view.regions.filter((region) => region.state === state).map((region) => region.region);
}

/** When and in which account: the start of every finding's evidence. */
export function sighting(view: AccountView): Sighting {
  return { observedAt: view.read.observedAt, account: view.read.account };
}

/** Region names for a message: the first four, then how many more. */
export function regionList(regions: readonly string[]): string {
  if (regions.length <= 4) return regions.join(', ');
  return `${regions.slice(0, 4).join(', ')} and ${regions.length - 4} more`;
}
