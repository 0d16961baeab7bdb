import type { AwsCredentialIdentity } from '@smithy/types';
import type { Clock } from '../clock.js';
import { mapBounded } from '../core/bounded.js';
import { awsErrorOf, UsageError } from '../core/errors.js';
import {
  type AccountReport,
  type OrganizationReport,
  organizationReport,
  type SkippedAccount,
  unassumedAccountRead,
} from '../core/organization-report.js';
import type { AccountReader } from '../core/ports.js';
import { reconcileReport } from '../core/rule.js';
import type { Report } from '../core/types.js';
import { scanAccount } from '../reconcile/scan.js';
import { isActive, type OrganizationAccount } from './accounts.js';
import type { AssumedRole, AssumeRoleRequest } from './assume-role.js';

/** Renews an assumed role's credentials as they near expiry (see `assumeRole`). */
export type CredentialSource = () => Promise<AwsCredentialIdentity>;

/** What an organization scan reads through: the caller's credentials, and the roles they assume. */
export interface OrganizationScanPorts {
  /** The caller's account and partition. Throws when there are no usable credentials. */
  identity(): Promise<{ readonly account: string; readonly partition: string }>;
  /** The Regions enabled for the caller's account, read when none are given. Throws when it cannot. */
  listRegions(): Promise<readonly string[]>;
  /** The organization's accounts (Organizations `ListAccounts`). Throws when it cannot. */
  listAccounts(): Promise<readonly OrganizationAccount[]>;
  assumeRole(request: AssumeRoleRequest): Promise<AssumedRole>;
  /** A reader of one account: the caller's own (no credentials given), or another's through its role. */
  readerFor(account: string, partition: string, credentials?: CredentialSource): AccountReader;
}

export interface OrganizationScanOptions {
  /** Every account of the organization, or these account ids. */
  readonly accounts: 'organization' | readonly string[];
  /** The role assumed in every account but the caller's. */
  readonly roleName: string;
  readonly externalId?: string | undefined;
  /** How many accounts are read at once. */
  readonly accountConcurrency: number;
  /** The Regions to read in every account; by default those enabled for the caller's account. */
  readonly regions?: readonly string[] | undefined;
  /** How many Regions of one account are read at once. */
  readonly concurrency: number;
  readonly clock: Clock;
  /** Called as each account's report is ready. */
  readonly onAccountRead?: ((report: AccountReport, done: number, total: number) => void) | undefined;
}

/**
 * Scans many accounts: the caller's with its own credentials, every other one through `sts:AssumeRole` on its read
 * role. An account whose role cannot be assumed is reported as unreadable (nothing concluded, one
 * `OBSERVATION_INCOMPLETE` naming the role); the others are still read. With `'organization'`, accounts that are not
 * `ACTIVE` are listed as skipped, with their state.
 *
 * @throws {UsageError} when the organization cannot be listed (not the management account or a delegated
 *   administrator), or the Regions are not given and cannot be listed
 * @throws {AwsCallError} when the caller's own identity cannot be read (no usable credentials)
 */
export async function scanOrganization(
  ports: OrganizationScanPorts,
  options: OrganizationScanOptions,
): Promise<OrganizationReport> {
  const observedAt = options.clock.now().toISOString();
  const caller = await ports.identity();
  const { targets, skipped } = await chooseAccounts(ports, options.accounts);
  const regions = options.regions ?? (await callerRegions(ports));

  const readAccount = async (account: string): Promise<Report> => {
    const observe = { regions, concurrency: options.concurrency, now: options.clock.now };
    if (account === caller.account) return scanAccount(ports.readerFor(account, caller.partition), observe);
    const roleArn = `arn:${caller.partition}:iam::${account}:role/${options.roleName}`;
    const assumed = await ports.assumeRole({ roleArn, externalId: options.externalId });
    if (!assumed.ok) {
      return reconcileReport(
        unassumedAccountRead({
          account,
          partition: caller.partition,
          observedAt: options.clock.now().toISOString(),
          regions,
          roleArn,
          error: assumed.error,
        }),
      );
    }
    return scanAccount(ports.readerFor(account, caller.partition, assumed.credentials), observe);
  };

  let done = 0;
  const reports = await mapBounded(targets, options.accountConcurrency, async (target) => {
    const report: AccountReport = { ...(await readAccount(target.id)), accountName: target.name };
    options.onAccountRead?.(report, ++done, targets.length);
    return report;
  });
  return organizationReport(observedAt, reports, skipped);
}

/** The accounts to read, with their names when known, and those skipped with their state. */
async function chooseAccounts(
  ports: OrganizationScanPorts,
  accounts: OrganizationScanOptions['accounts'],
): Promise<{ targets: { id: string; name: string | null }[]; skipped: SkippedAccount[] }> {
  if (accounts === 'organization') {
    const listed = await ports.listAccounts().catch((error: unknown) => {
      throw new UsageError(
        `could not list the organization's accounts (${describe(error)}). --organization needs credentials of ` +
          'the management account or of a delegated administrator, allowed organizations:ListAccounts ' +
          '(`ecr-role-reconciler policy --for organization`). To scan given accounts without it, use --accounts ID,ID.',
        { cause: error },
      );
    });
    return {
      targets: listed.filter(isActive).map(({ id, name }) => ({ id, name })),
      skipped: listed
        .filter((account) => !isActive(account))
        .map(({ id, name, state }) => ({ account: id, accountName: name, state })),
    };
  }
  // Names are a courtesy: without permission to list the organization, they are null.
  const names = new Map(
    (await ports.listAccounts().catch(() => [])).map((account) => [account.id, account.name] as const),
  );
  return { targets: accounts.map((id) => ({ id, name: names.get(id) ?? null })), skipped: [] };
}

async function callerRegions(ports: OrganizationScanPorts): Promise<readonly string[]> {
  try {
    return await ports.listRegions();
  } catch (error) {
    throw new UsageError(
      `could not list the Regions enabled for this account (${describe(error)}), which every account is read in. ` +
        'Name them with --regions a,b,c, or allow ec2:DescribeRegions.',
      { cause: error },
    );
  }
}

/** `AccessDeniedException: You don't have permissions…` */
function describe(error: unknown): string {
  const { code, message } = awsErrorOf(error);
  return `${code}: ${message}`;
}
