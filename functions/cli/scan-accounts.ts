import type { Clock } from '../clock.js';
import { UsageError } from '../core/errors.js';
import { MEMBER_READ_ROLE_NAME } from '../core/permissions.js';
import { scanOrganization } from '../organization/scan-organization.js';
import { wholeNumber } from './args.js';
import { homeRegion, type SdkSetup } from './aws.js';
import { exitCodeFor, type FailOn } from './exit-code.js';
import { organizationPorts } from './organization-ports.js';
import { type Output, progress, widthOf } from './output.js';
import { renderOrganizationFindings, renderOrganizationText } from './render/organization-text.js';
import { renderReportCsv } from './render/report-csv.js';
import type { TextStyle } from './render/text-style.js';

/** The flags that make `scan` read many accounts, and their lines in its `--help`. */
export const ACCOUNTS_FLAGS = {
  accounts: { type: 'string' },
  organization: { type: 'boolean' },
  'role-name': { type: 'string' },
  'external-id': { type: 'string' },
  'account-concurrency': { type: 'string' },
} as const;

export const DEFAULT_ACCOUNT_CONCURRENCY = 10;

export const ACCOUNTS_FLAGS_HELP = `  --accounts ID,ID     Read these accounts (12-digit ids): the caller's with its credentials, every
                       other one through its read role
  --organization       Read every ACTIVE account of the organization (the caller must be the
                       management account or a delegated administrator); the others are listed as
                       skipped, with their state
  --role-name NAME     The role assumed in the other accounts (default: ${MEMBER_READ_ROLE_NAME},
                       the read role the member StackSet deploys)
  --external-id ID     The external id the read role requires, if it requires one
  --account-concurrency N
                       Accounts read at once, a whole number from 1 to 100 (default: ${DEFAULT_ACCOUNT_CONCURRENCY})`;

type AccountsFlags = {
  readonly [K in keyof typeof ACCOUNTS_FLAGS]?: (typeof ACCOUNTS_FLAGS)[K] extends { type: 'boolean' }
    ? boolean
    : string;
};

/** Which accounts the flags ask for: `undefined` for the caller's own account only (the single-account scan). */
export function accountsWanted(flags: AccountsFlags): 'organization' | string[] | undefined {
  if (flags.accounts !== undefined && flags.organization) {
    throw new UsageError('give --accounts or --organization, not both.');
  }
  if (flags.accounts === undefined && !flags.organization) {
    const stray = (['role-name', 'external-id', 'account-concurrency'] as const).find(
      (flag) => flags[flag] !== undefined,
    );
    if (stray)
      throw new UsageError(`--${stray} applies to many accounts: add --accounts ID,ID or --organization.`);
    return undefined;
  }
  if (flags.organization) return 'organization';
  const ids = [
    ...new Set(
      (flags.accounts ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    ),
  ];
  const invalid = ids.filter((id) => !/^\d{12}$/.test(id));
  if (ids.length === 0 || invalid.length > 0) {
    throw new UsageError(
      `--accounts: ${invalid.length > 0 ? `not an AWS account id: ${invalid.join(', ')}` : 'no account given'}. ` +
        'Give 12-digit account ids separated by commas, e.g. --accounts 111122223333,444455556666.',
    );
  }
  return ids;
}

/** IAM's role name syntax. @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** STS's external id syntax. @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export interface ScanAccountsRequest {
  readonly accounts: 'organization' | readonly string[];
  readonly flags: AccountsFlags;
  readonly regions: readonly string[] | undefined;
  readonly concurrency: number;
  readonly timeoutSeconds: number;
  readonly format: 'table' | 'json' | 'csv';
  readonly quiet: boolean;
  readonly failOn: FailOn;
  readonly style: TextStyle;
  readonly sdk: SdkSetup;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly writeReport: (report: unknown) => Promise<void>;
}

/** `scan --accounts` / `scan --organization`: every account read, printed. Returns the exit code. */
export async function scanAccounts(
  request: ScanAccountsRequest,
  output: Output,
  clock: Clock,
): Promise<number> {
  const { flags } = request;
  const roleName = flags['role-name'] ?? MEMBER_READ_ROLE_NAME;
  if (!ROLE_NAME.test(roleName)) {
    throw new UsageError(
      `--role-name ${JSON.stringify(roleName)} is not an IAM role name (1 to 64 letters, digits and +=,.@_-; no path).`,
    );
  }
  const externalId = flags['external-id'];
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw new UsageError('--external-id must be 2 to 1224 letters, digits and +=,.@:/_- (as STS requires).');
  }
  const accountConcurrency = wholeNumber(
    'account-concurrency',
    flags['account-concurrency'],
    DEFAULT_ACCOUNT_CONCURRENCY,
    {
      min: 1,
      max: 100,
    },
  );

  const ports = await organizationPorts(request.sdk, {
    homeRegion: await homeRegion(request.env, request.sdk),
    regionTimeoutMs: request.timeoutSeconds * 1000,
    maxSockets: Math.max(50, accountConcurrency * 4),
  });
  const bar = request.quiet
    ? progress({ ...output, interactive: false }, '')
    : progress(output, 'Reading accounts');
  const report = await scanOrganization(ports, {
    accounts: request.accounts,
    roleName,
    externalId,
    accountConcurrency,
    regions: request.regions,
    concurrency: request.concurrency,
    clock,
    onAccountRead: (_report, done, total) => bar.update(done, total),
  }).finally(() => bar.end());

  await request.writeReport(report);
  const text = { width: widthOf(output), style: request.style };
  if (request.format === 'json') output.out(JSON.stringify(report, null, 2));
  // Each row ends in CRLF (RFC 4180); `out` adds the last LF.
  else if (request.format === 'csv') output.out(renderReportCsv(...report.accounts).slice(0, -1));
  else if (request.quiet) {
    const findings = renderOrganizationFindings(report, text);
    if (findings) output.out(findings);
  } else output.out(renderOrganizationText(report, text));
  return exitCodeFor(
    report.accounts.flatMap((account) => account.findings.map((finding) => finding.severity)),
    request.failOn,
  );
}
