import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { AccountState } from './state.js';

/** An account's state in its organization, as Organizations reports it (`Account.State`). */
export type OrganizationAccountState =
  | 'ACTIVE'
  | 'SUSPENDED'
  | 'PENDING_ACTIVATION'
  | 'PENDING_CLOSURE'
  | 'CLOSED';

/** One account the local account serves: its AWS state, and what Organizations knows of it. */
export interface AccountRecord {
  readonly id: string;
  readonly state: AccountState;
  name: string;
  readonly email: string;
  organizationState: OrganizationAccountState;
  readonly joinedMethod: 'INVITED' | 'CREATED';
  /** When it joined the organization, in ms since the epoch. */
  readonly joinedAt: number;
  /** Whether it belongs to the organization (a standalone account does not). */
  readonly inOrganization: boolean;
}

/** Which of `State` and the retired `Status` `ListAccounts` writes for each account. */
export type AccountStateFields = 'State' | 'Status' | 'both';

/** How `ListAccounts` pages, changeable while the local account runs. */
export interface ListAccountsOptions {
  /**
   * Every how many pages one comes back empty, still carrying a `NextToken` (AWS documents that `List*` operations
   * do this now and then); 0 never. At least 2, so that listing always ends.
   * @default 3
   */
  readonly emptyPageEvery?: number;
  /** @default 'State' (AWS retired `Status` on September 9, 2026) */
  readonly accountStateFields?: AccountStateFields;
}

/** The organization the caller's account belongs to. */
export interface OrganizationFacts {
  readonly id: string;
  readonly managementAccount: string;
  readonly delegatedAdministrators: Set<string>;
  listing: Required<ListAccountsOptions>;
}

export const DEFAULT_LISTING: Required<ListAccountsOptions> = {
  emptyPageEvery: 3,
  accountStateFields: 'State',
};

/**
 * Every account the local account serves, by id, and the organization's accounts in the order they joined (what
 * `ListAccounts` pages through): one map lookup per request and one slice per page, whatever the number of accounts.
 */
export class AccountDirectory {
  private readonly byId = new Map<string, AccountRecord>();
  private readonly members: string[] = [];

  constructor(
    /** The organization, or `undefined` when the caller's account belongs to none. */
    readonly organization: OrganizationFacts | undefined,
    private readonly clock: Clock,
  ) {}

  get(id: string): AccountRecord | undefined {
    return this.byId.get(id);
  }

  /** Adds an account; it joins the organization unless `inOrganization` is false or there is none. */
  add(
    state: AccountState,
    fields: Partial<Pick<AccountRecord, 'name' | 'email' | 'organizationState' | 'joinedMethod'>> & {
      inOrganization?: boolean;
    },
  ): AccountRecord {
    const id = state.accountId;
    if (!/^\d{12}$/.test(id)) throw new Error(`an account id is 12 digits, not ${JSON.stringify(id)}`);
    if (this.byId.has(id)) throw new Error(`account ${id} is already served by this local account`);
    const record: AccountRecord = {
      id,
      state,
      name: fields.name ?? `account-${id}`,
      email: fields.email ?? `aws+${id}@example.com`,
      organizationState: fields.organizationState ?? 'ACTIVE',
      joinedMethod: fields.joinedMethod ?? 'CREATED',
      joinedAt: this.clock.now().getTime(),
      inOrganization: this.organization !== undefined && fields.inOrganization !== false,
    };
    this.byId.set(id, record);
    if (record.inOrganization) this.members.push(id);
    return record;
  }

  /** Every account's id, in the order they were added. */
  ids(): string[] {
    return [...this.byId.keys()];
  }

  remove(id: string): void {
    if (!this.byId.delete(id)) return;
    const index = this.members.indexOf(id);
    if (index >= 0) this.members.splice(index, 1);
  }

  /** The organization's accounts from `start` (inclusive) to `end` (exclusive), in the order they joined. */
  organizationAccounts(start: number, end: number): AccountRecord[] {
    return this.members.slice(start, end).flatMap((id) => this.byId.get(id) ?? []);
  }

  get organizationSize(): number {
    return this.members.length;
  }
}

/** An organization id as AWS shapes them (`o-` and 10 lower-case letters or digits), the same for the same account. */
export function organizationIdFor(managementAccount: string): string {
  return `o-${createHash('sha256').update(managementAccount).digest('hex').slice(0, 10)}`;
}
