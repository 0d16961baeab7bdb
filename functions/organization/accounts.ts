import { ListAccountsCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { callWithin } from '../adapters/aws-error.js';
import { AwsCallError } from '../core/errors.js';

/** An account of the organization as `ListAccounts` lists it. */
export interface OrganizationAccount {
  readonly id: string;
  readonly name: string | null;
  /** `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`, `CLOSED`…: `State`, else the older `Status`. */
  readonly state: string;
}

/** How long listing the whole organization may take, every page and the SDK's retries included. */
const DEFAULT_LIST_TIMEOUT_MS = 60_000;

/** The page size `ListAccounts` allows at most. */
const PAGE_SIZE = 20;

/**
 * Every account of the organization, sorted by id, from Organizations `ListAccounts` called with the current
 * credentials (the management account or a delegated administrator). Follows `NextToken` until it is absent: a page
 * may be empty and still carry a token. `State` replaced `Status` in 2026; an answer without `State` falls back to
 * `Status`, and an account with neither is `UNKNOWN` (never taken as active).
 *
 * @throws {AwsCallError} when a page cannot be read (`AccessDeniedException` when the caller may not list the
 *   organization, `AWSOrganizationsNotInUseException` outside an organization; throttling is retried by the SDK)
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 * @example
 * const accounts = await listOrganizationAccounts(new OrganizationsClient({ region: 'us-east-1' }));
 * // → [{ id: '111122223333', name: 'prod-eu', state: 'ACTIVE' }, …]
 */
export async function listOrganizationAccounts(
  client: OrganizationsClient,
  timeoutMs = DEFAULT_LIST_TIMEOUT_MS,
): Promise<OrganizationAccount[]> {
  const listed = await callWithin('ListAccounts', timeoutMs, async (abortSignal) => {
    const accounts = new Map<string, OrganizationAccount>();
    let nextToken: string | undefined;
    do {
      const page = await client.send(
        new ListAccountsCommand({ MaxResults: PAGE_SIZE, NextToken: nextToken }),
        {
          abortSignal,
        },
      );
      for (const account of page.Accounts ?? []) {
        if (!account.Id) continue;
        const state = account.State ?? account.Status ?? 'UNKNOWN';
        accounts.set(account.Id, { id: account.Id, name: account.Name ?? null, state });
      }
      nextToken = page.NextToken || undefined;
    } while (nextToken);
    return [...accounts.values()].sort((a, b) => a.id.localeCompare(b.id));
  });
  if (!listed.ok) throw new AwsCallError('ListAccounts', listed.error, { cause: listed.cause });
  return listed.output;
}

/** Only an active account is read; every other state is reported as skipped. */
export function isActive(account: OrganizationAccount): boolean {
  return account.state === 'ACTIVE';
}
