import type { AccountRead, AwsError, Report } from './types.js';

/** One account's report in an organization scan: the single-account report, with the account's name. */
export type AccountReport = Report & { readonly accountName: string | null };

/** An account listed but not read, and why: its state (`SUSPENDED`, `PENDING_CLOSURE`…). */
export interface SkippedAccount {
  readonly account: string;
  readonly accountName: string | null;
  readonly state: string;
}

/** `scan --accounts` and `scan --organization --format json`: a public contract (README). */
export interface OrganizationReport {
  readonly observedAt: string;
  /** Sorted by account id. */
  readonly accounts: readonly AccountReport[];
  /** Sorted by account id. */
  readonly skipped: readonly SkippedAccount[];
  readonly summary: {
    /** The reports (skipped accounts are not counted). */
    readonly accounts: number;
    /** Reports with no finding. */
    readonly inSync: number;
    /** Reports with a finding other than `OBSERVATION_INCOMPLETE`. */
    readonly withFindings: number;
    /** Reports with `OBSERVATION_INCOMPLETE` (an account can be in both of the last two). */
    readonly incomplete: number;
  };
}

/** Puts the accounts' reports and the skipped accounts together, sorted, and counts them. */
export function organizationReport(
  observedAt: string,
  accounts: readonly AccountReport[],
  skipped: readonly SkippedAccount[],
): OrganizationReport {
  const byAccount =
    <T>(of: (item: T) => string) =>
    (a: T, b: T) =>
      of(a).localeCompare(of(b));
  const sorted = [...accounts].sort(byAccount((report) => report.account));
  const codes = (report: Report) => report.findings.map((finding) => finding.code);
  return {
    observedAt,
    accounts: sorted,
    skipped: [...skipped].sort(byAccount((account) => account.account)),
    summary: {
      accounts: sorted.length,
      inSync: sorted.filter((report) => report.findings.length === 0).length,
      withFindings: sorted.filter((report) => codes(report).some((code) => code !== 'OBSERVATION_INCOMPLETE'))
        .length,
      incomplete: sorted.filter((report) => codes(report).includes('OBSERVATION_INCOMPLETE')).length,
    },
  };
}

/**
 * What is known of an account whose read role could not be assumed: nothing. The role and every Region are
 * unreadable with the STS error, so the rule concludes nothing and says why (`OBSERVATION_INCOMPLETE`).
 */
export function unassumedAccountRead(read: {
  readonly account: string;
  readonly partition: string;
  readonly observedAt: string;
  readonly regions: readonly string[];
  readonly roleArn: string;
  readonly error: AwsError;
}): AccountRead {
  const { error } = read;
  return {
    account: read.account,
    partition: read.partition,
    observedAt: read.observedAt,
    registries: read.regions.map((region) => ({ region, outcome: 'unreadable', error })),
    role: { outcome: 'unreadable', error },
    unassumedRole: { arn: read.roleArn, error },
  };
}
