import type { Clock } from '../clock.js';
import type { ListAccountsOptions, OrganizationAccountState } from './accounts.js';
import type { CallMatch, Fault } from './faults.js';
import type { Published } from './services/sns.js';
import type { Queued } from './services/sqs.js';
import type { AccountState, OptInStatus, ReplicationRule } from './state.js';

export interface Call {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly at: number;
  /** The access key id the request was signed with (from its SigV4 `Credential`): which credentials were used. */
  readonly accessKeyId: string;
  /**
   * The account the call concerns: the one its key belongs to (a role session's account, else the caller's), except
   * for `AssumeRole`, which concerns the account of the role assumed. Faults and latencies match on it.
   */
  readonly account: string;
}

/** A message the local account received, as a reader would get it: a Slack webhook post or an SNS publish. */
export type ReceivedMessage =
  | { readonly channel: 'slack'; readonly path: string; readonly body: unknown }
  | ({ readonly channel: 'sns' } & Published);

export interface SlackResponse {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** Never answer: the caller's timeout has to end the request. */
  readonly hang?: boolean;
}

/** Regions as `LocalAccountOptions.regions` takes them: names alone are enabled. */
export type RegionsOption = readonly (string | { name: string; optInStatus?: OptInStatus })[];

/** The organization the caller's account belongs to. */
export interface OrganizationOptions {
  /** The account that manages it (added, named `management`, when it is not the caller's). @default the caller's */
  readonly managementAccount?: string | undefined;
  /** Member accounts (added with `addAccount`) that may list the organization too. */
  readonly delegatedAdministrators?: readonly string[] | undefined;
  readonly listAccounts?: ListAccountsOptions | undefined;
}

export interface LocalAccountOptions {
  /** The caller's account id: the account of every request not signed with a key STS issued. */
  readonly account?: string;
  /** The account's Regions; names alone are enabled. Default: the 17 default Regions plus 4 not opted in. */
  readonly regions?: RegionsOption | undefined;
  /**
   * The caller's organization, or `false` for an account that belongs to none (Organizations then answers
   * `AWSOrganizationsNotInUseException`). Default: the caller's account manages an organization, alone in it until
   * members are added.
   */
  readonly organization?: false | OrganizationOptions | undefined;
  /** Delay before every AWS answer, in ms. */
  readonly latencyMs?: number | undefined;
  readonly port?: number | undefined;
  /** Stamps roles and calls. Default: the system clock. */
  readonly clock?: Clock | undefined;
  /** Told of each Slack message and SNS publish received, as it is received (e.g. to print it). */
  readonly onMessage?: ((message: ReceivedMessage) => void) | undefined;
}

/** What shapes one account's state as drift would, bypassing the APIs where AWS would refuse. */
export interface AccountShaping {
  putReplication(region: string, rules: readonly ReplicationRule[]): void;
  clearReplication(region: string): void;
  createServiceLinkedRole(): void;
  /** Removes a role whatever it is, as drift would (AWS itself would refuse a service-linked one in use). */
  deleteRoleOutOfBand(name: string): void;
  /** A role trusting `trustedService`, or with the trust policy given (a JSON document). */
  createRole(role: {
    name: string;
    path: string;
    trustedService?: string;
    trustPolicy?: string;
    maxSessionDuration?: number;
  }): void;
  /** Attaches a policy bypassing the protection of service-linked roles, to simulate policy drift. */
  attachPolicy(roleName: string, policyArn: string): void;
  putInlinePolicy(roleName: string, policyName: string): void;
  setRoleLastUsed(date: string, region: string): void;
}

/** The role the organization mode assumes in an account (see `createReadRole`). */
export interface ReadRoleOptions {
  /** @default MEMBER_READ_ROLE_NAME (`ecr-replication-role-reconciler-read`) */
  readonly name?: string | undefined;
  /** When given, `AssumeRole` must pass it (the trust policy's `sts:ExternalId` condition). */
  readonly externalId?: string | undefined;
  /** @default 3600 */
  readonly maxSessionDuration?: number | undefined;
}

export interface AddAccountOptions {
  /** 12 digits, unique. */
  readonly id: string;
  /** @default `account-<id>` */
  readonly name?: string | undefined;
  readonly email?: string | undefined;
  /** Its state in the organization. @default 'ACTIVE' */
  readonly state?: OrganizationAccountState | undefined;
  /** @default the caller's account's Regions */
  readonly regions?: RegionsOption | undefined;
  /** Whether it joins the caller's organization; `false` for a standalone account. @default true */
  readonly organization?: boolean | undefined;
  readonly joinedMethod?: 'INVITED' | 'CREATED' | undefined;
}

/** One account the local account serves: a member of the organization (or the caller's own, or a standalone one). */
export interface MemberAccount extends AccountShaping {
  readonly accountId: string;
  readonly name: string;
  readonly state: AccountState;
  readonly organizationState: OrganizationAccountState;
  setOrganizationState(state: OrganizationAccountState): void;
  /** Creates the role the organization mode assumes here, trusted by the caller's account; returns its ARN. */
  createReadRole(options?: ReadRoleOptions): string;
}

/**
 * The local account: a running endpoint and the handles to shape its state for a scenario. The shaping methods at
 * the top act on the caller's account; those of `addAccount`'s handles on that account.
 */
export interface LocalAccount extends AccountShaping {
  readonly url: string;
  /** The caller's account: the one any key but those STS issued signs for. */
  readonly accountId: string;
  readonly slackWebhookUrl: string;
  readonly state: AccountState;
  /** The organization's id (`o-…`), or `undefined` when the caller's account belongs to none. */
  readonly organizationId: string | undefined;
  readonly calls: readonly Call[];
  readonly published: readonly Published[];
  /** Messages sent to the queues made with `createQueue`, in order. */
  readonly queued: readonly Queued[];
  readonly slackMessages: readonly { readonly path: string; readonly body: unknown }[];
  resetCalls(): void;
  /** Serves one more account (a member of the organization unless told otherwise). Throws for a taken id. */
  addAccount(options: AddAccountOptions): MemberAccount;
  /** The handle of an account served (the caller's included). Throws for an unknown id. */
  getAccount(id: string): MemberAccount;
  /** Every account served, the caller's first. */
  accountIds(): string[];
  /** Stops serving a member account: it leaves the organization and its sessions' keys are no longer known. */
  removeAccount(id: string): void;
  /** {@link MemberAccount.createReadRole} in account `accountId` (the caller's own included); returns its ARN. */
  createReadRole(accountId: string, options?: ReadRoleOptions): string;
  /** Lets a member account list the organization, as a delegated administrator can. */
  registerDelegatedAdministrator(accountId: string): void;
  /** Changes how `ListAccounts` pages from now on (empty pages, `State` and/or the retired `Status`). */
  configureListAccounts(options: ListAccountsOptions): void;
  createTopic(name: string, region?: string): string;
  /** A queue that accepts `SendMessage`; returns its URL, on this endpoint as SQS's own URLs are on theirs. */
  createQueue(name: string): string;
  setFault(fault: CallMatch & { fault: Fault; times?: number }): void;
  clearFaults(): void;
  setLatency(ms: number, match?: CallMatch): void;
  slackRespond(...responses: SlackResponse[]): void;
  close(): Promise<void>;
}
