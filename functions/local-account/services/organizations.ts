import type { AccountDirectory, AccountRecord, OrganizationFacts } from '../accounts.js';
import { organizationsAccessDenied } from '../faults.js';
import { ApiError } from '../state.js';
import type { ApiRequest, WireResponse } from './wire.js';

/** `ListAccounts`' page size when `MaxResults` is not given, and the most it allows. */
const MAX_PAGE = 20;

/** What Organizations answers from: every account, and which one the request's credentials belong to. */
export interface OrganizationsContext {
  readonly directory: AccountDirectory;
  readonly callerAccount: string;
}

/**
 * AWS Organizations over AWS JSON 1.1 (`X-Amz-Target: AWSOrganizationsV20161128.<Operation>`): `ListAccounts` for
 * the management account or a delegated administrator, `DescribeOrganization` for any account of the organization.
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_ListAccounts.html
 * @see https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
 */
export function serveOrganizations(context: OrganizationsContext, request: ApiRequest): WireResponse {
  const { directory, callerAccount } = context;
  const organization = directory.organization;
  if (!organization || !directory.get(callerAccount)?.inOrganization) {
    throw new ApiError(
      'AWSOrganizationsNotInUseException',
      'Your account is not a member of an organization.',
      404,
    );
  }
  switch (request.operation) {
    case 'DescribeOrganization':
      return json({ Organization: describe(organization, directory) });
    case 'ListAccounts': {
      const allowed =
        callerAccount === organization.managementAccount ||
        organization.delegatedAdministrators.has(callerAccount);
      if (!allowed) throw organizationsAccessDenied();
      return json(listAccounts(organization, directory, request.json));
    }
    default:
      throw new ApiError('UnknownOperationException', `Unknown operation ${request.operation}.`);
  }
}

function listAccounts(
  organization: OrganizationFacts,
  directory: AccountDirectory,
  input: Record<string, unknown>,
): { Accounts: unknown[]; NextToken?: string } {
  const size = input.MaxResults === undefined ? MAX_PAGE : Number(input.MaxResults);
  if (!Number.isInteger(size) || size < 1) {
    throw invalidInput(
      'MIN_VALUE_EXCEEDED',
      'You provided a value that is less than the minimum allowed value.',
    );
  }
  if (size > MAX_PAGE)
    throw invalidInput('MAX_VALUE_EXCEEDED', 'You provided a value that exceeds the maximum allowed value.');
  const { offset, page } = readToken(input.NextToken);
  const every = organization.listing.emptyPageEvery;
  const more = offset < directory.organizationSize;
  // As AWS documents: a page may come back empty and still carry a token; only a missing token ends the list.
  if (more && every > 0 && page % every === 0) return { Accounts: [], NextToken: token(offset, page + 1) };
  const end = offset + size;
  const accounts = directory
    .organizationAccounts(offset, end)
    .map((account) => accountJson(account, organization));
  return end < directory.organizationSize
    ? { Accounts: accounts, NextToken: token(end, page + 1) }
    : { Accounts: accounts };
}

function accountJson(account: AccountRecord, organization: OrganizationFacts): Record<string, unknown> {
  const fields = organization.listing.accountStateFields;
  return {
    Id: account.id,
    Arn: `arn:aws:organizations::${organization.managementAccount}:account/${organization.id}/${account.id}`,
    Email: account.email,
    Name: account.name,
    ...(fields !== 'Status' ? { State: account.organizationState } : {}),
    ...(fields !== 'State' ? { Status: retiredStatus(account.organizationState) } : {}),
    JoinedMethod: account.joinedMethod,
    // AWS JSON writes timestamps as seconds since the epoch.
    JoinedTimestamp: account.joinedAt / 1000,
  };
}

/** The retired `Status` knew only ACTIVE, SUSPENDED and PENDING_CLOSURE. */
function retiredStatus(state: AccountRecord['organizationState']): string {
  if (state === 'CLOSED') return 'SUSPENDED';
  if (state === 'PENDING_ACTIVATION') return 'ACTIVE';
  return state;
}

function describe(organization: OrganizationFacts, directory: AccountDirectory): Record<string, unknown> {
  const management = organization.managementAccount;
  return {
    Id: organization.id,
    Arn: `arn:aws:organizations::${management}:organization/${organization.id}`,
    FeatureSet: 'ALL',
    MasterAccountArn: `arn:aws:organizations::${management}:account/${organization.id}/${management}`,
    MasterAccountId: management,
    MasterAccountEmail: directory.get(management)?.email ?? `aws+${management}@example.com`,
    AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
  };
}

/** A `NextToken`: opaque to clients, as AWS's are; here the next account's position and the next page's number. */
function token(offset: number, page: number): string {
  return Buffer.from(`${offset}:${page}`).toString('base64url');
}

function readToken(value: unknown): { offset: number; page: number } {
  if (value === undefined || value === null) return { offset: 0, page: 1 };
  const match = /^(\d+):(\d+)$/.exec(Buffer.from(String(value), 'base64url').toString('utf8'));
  if (!match) {
    throw invalidInput(
      'INVALID_PAGINATION_TOKEN',
      'Get the value for the NextToken parameter from the response to a previous call of the operation.',
    );
  }
  return { offset: Number(match[1]), page: Number(match[2]) };
}

function invalidInput(reason: string, message: string): ApiError {
  return new ApiError('InvalidInputException', message, 400, { Reason: reason });
}

function json(body: unknown): WireResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  };
}
