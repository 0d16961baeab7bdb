import type { FindingRule } from './findings/finding-rule.js';
import type { FINDING_RULES } from './findings/index.js';

type AnyFindingRule = (typeof FINDING_RULES)[number];
/** The finding codes (a public contract: README "What it reports"), one per module in `findings/`. */
export type FindingCode = AnyFindingRule['code'];
/** The evidence of a finding of code `C`, as its module types it. */
export type EvidenceOf<C extends FindingCode> =
  Extract<AnyFindingRule, { readonly code: C }> extends FindingRule<C, infer E> ? E : never;
export type Severity = 'high' | 'medium' | 'low' | 'warning';

/** An AWS error as read off the wire: its code (the exception name) and message. */
export interface AwsError {
  readonly code: string;
  readonly message: string;
}

export interface Destination {
  readonly region: string;
  readonly registryId: string;
}

// ---------------------------------------------------------------------------------------------------------------
// What the readers return: raw reads, before normalization. Adapters fill these from SDK shapes; the core
// normalizes them. "Absent" is data, never an error.
// ---------------------------------------------------------------------------------------------------------------

/** The outcome of `DescribeRegistry` in one Region. */
export type RegistryRead =
  | {
      readonly region: string;
      readonly outcome: 'read';
      /** The account that owns the registry, as `DescribeRegistry` returns it. */
      readonly registryId: string | undefined;
      readonly replicationConfiguration: unknown;
    }
  | { readonly region: string; readonly outcome: 'not-enabled'; readonly error: AwsError }
  | { readonly region: string; readonly outcome: 'unreadable'; readonly error: AwsError };

export interface RawRole {
  readonly roleName: string;
  readonly arn: string;
  readonly path: string;
  /** As IAM returns it: URL-encoded JSON (the SDK does not decode it). */
  readonly assumeRolePolicyDocument: string | undefined;
  readonly createDate: string | undefined;
  readonly lastUsed: { readonly date: string | undefined; readonly region: string | undefined } | undefined;
  /** `undefined` when the policy lists could not be read (see `policiesError`). */
  readonly attachedPolicyArns: readonly string[] | undefined;
  readonly inlinePolicyNames: readonly string[] | undefined;
  readonly policiesError?: AwsError;
}

/** The outcome of reading the role by name (`GetRole` + policy lists). */
export type RoleRead =
  | { readonly outcome: 'present'; readonly role: RawRole }
  | { readonly outcome: 'absent' }
  | { readonly outcome: 'unreadable'; readonly error: AwsError };

/** A service-linked role deletion task, as `GetServiceLinkedRoleDeletionStatus` reports it. */
export interface DeletionTask {
  readonly taskId: string;
  readonly status: 'SUCCEEDED' | 'IN_PROGRESS' | 'FAILED' | 'NOT_STARTED' | 'UNKNOWN';
  readonly reason: string | undefined;
  readonly usage: readonly { readonly region: string; readonly resources: readonly string[] }[];
  readonly error?: AwsError;
}

/** Everything read from an account in one pass. */
export interface AccountRead {
  readonly account: string;
  readonly partition: string;
  /** ISO-8601, when the reads began. */
  readonly observedAt: string;
  readonly registries: readonly RegistryRead[];
  /** Set when the list of Regions itself could not be read. */
  readonly regionsError?: AwsError;
  readonly role: RoleRead;
  /** Set when a deletion of the role has been requested and its task is being tracked. */
  readonly deletion?: DeletionTask;
  /**
   * Set when the account is read through a role (another account of an organization) and that role could not be
   * assumed: then nothing in the account was read.
   */
  readonly unassumedRole?: { readonly arn: string; readonly error: AwsError };
}

// ---------------------------------------------------------------------------------------------------------------
// The normalized view, the decision and the report (the JSON contract of `scan --format json`).
// ---------------------------------------------------------------------------------------------------------------

export type RegionState = 'replicating' | 'not-replicating' | 'unreadable' | 'not-enabled';

export interface RegionReport {
  readonly region: string;
  readonly state: RegionState;
  readonly destinations: readonly Destination[];
  readonly error: AwsError | null;
}

export interface RoleReport {
  readonly state: 'present' | 'absent' | 'unreadable';
  readonly arn: string | null;
  readonly path: string | null;
  readonly serviceLinked: boolean;
  readonly trustedPrincipals: readonly string[];
  readonly attachedPolicyArns: readonly string[];
  readonly inlinePolicyNames: readonly string[];
  readonly lastUsed: { readonly date: string | null; readonly region: string | null } | null;
  readonly error: AwsError | null;
}

export type DesiredRole = 'present' | 'absent' | 'unknown';

/** What every finding rule looks at: the account read and what the rule made of it, computed once per reconcile. */
export interface AccountView {
  readonly read: AccountRead;
  /** Sorted by Region. */
  readonly regions: readonly RegionReport[];
  readonly role: RoleReport;
  readonly desiredRole: DesiredRole;
}

interface FindingOfCode<C extends FindingCode> {
  readonly code: C;
  readonly severity: Severity;
  readonly message: string;
  /** Sorted. */
  readonly regions: readonly string[];
  /** Its keys, in their order, are part of the JSON report. */
  readonly evidence: EvidenceOf<C>;
  readonly remediation: string;
}

/**
 * A finding as the rule decides it, its evidence typed by its code: `finding.code === 'ROLE_POLICY_DRIFT'` narrows
 * `finding.evidence` to that finding's evidence. `Finding<'ROLE_MISSING'>` is one code's.
 */
export type Finding<C extends FindingCode = FindingCode> = { readonly [K in C]: FindingOfCode<K> }[C];

/**
 * A finding as announced and remembered (alert records, notifications): written by this version or an earlier one
 * and read back from a store, so its evidence is only known to be a JSON object. Every {@link Finding} is one.
 */
export interface AnnouncedFinding {
  readonly code: FindingCode;
  readonly severity: Severity;
  readonly message: string;
  readonly regions: readonly string[];
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly remediation: string;
}

export interface Report {
  readonly account: string;
  readonly observedAt: string;
  readonly desiredRole: DesiredRole;
  readonly role: RoleReport;
  readonly regions: readonly RegionReport[];
  readonly findings: readonly Finding[];
}
