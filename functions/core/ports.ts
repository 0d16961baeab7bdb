import type { AlertRecord, Notification, TriggerContext } from './alert-types.js';
import type { AwsError, DeletionTask, RegistryRead, RoleRead } from './types.js';

/**
 * A Region's opt-in status for the account: `enabled` (enabled by default, or opted in), `not-enabled`, or
 * `changing` while it is being enabled or disabled.
 */
export type RegionOptIn = 'enabled' | 'not-enabled' | 'changing';

/**
 * Reads an AWS account. Implemented by `functions/adapters/account-reader.ts` over the SDK clients, and by test
 * doubles. Every method reports what it saw; only `identity`, `listRegions` and `regionOptIn` throw (see their docs).
 */
export interface AccountReader {
  /** The caller's account and partition (STS `GetCallerIdentity`). Throws when there are no usable credentials. */
  identity(): Promise<{ readonly account: string; readonly partition: string }>;
  /** The Regions enabled for the account, sorted (EC2 `DescribeRegions`). Throws an `AwsCallError` when it cannot. */
  listRegions(): Promise<readonly string[]>;
  /**
   * The account's Regions and their opt-in status (EC2 `DescribeRegions` with `AllRegions`, or the Account API
   * `ListRegions`). A Region absent from the map has an unknown status. Throws an `AwsCallError` when it cannot be
   * read. This, not ECR's `UnrecognizedClientException` (also its answer to a bad or expired token), is what says
   * that a Region is not enabled.
   */
  regionOptIn(): Promise<ReadonlyMap<string, RegionOptIn>>;
  /**
   * `DescribeRegistry` in one Region. Never throws: every failure comes back as `unreadable` with its AWS error,
   * `UnrecognizedClientException` included (observeAccount decides from `regionOptIn` whether that Region is
   * `not-enabled`).
   */
  readRegistry(region: string): Promise<RegistryRead>;
  /** `GetRole` + attached and inline policy names for the replication role. Never throws. */
  readRole(): Promise<RoleRead>;
  /** `GetServiceLinkedRoleDeletionStatus`. Never throws: a failure is reported in `error` with status `UNKNOWN`. */
  readDeletionTask(taskId: string): Promise<DeletionTask>;
}

/**
 * Remembers what was announced (safety invariant 4). Implemented over DynamoDB (Lambda) and a JSON file (CLI).
 * Every write is conditional: a `false` result means another invocation got there first, never an error.
 * Failures to reach the store throw (so the invocation is retried).
 */
export interface AlertStore {
  /** Every alert record of the account (open and resolved). */
  load(account: string): Promise<AlertRecord[]>;
  /** Stores `next` if the stored version of (account, code) is `expectedVersion` (0: none stored). */
  compareAndSet(next: AlertRecord, expectedVersion: number): Promise<boolean>;
  /** Has this event id been handled successfully, with its memory not yet expired at `now` (the caller's clock)? */
  hasSeenEvent(eventId: string, now: Date): Promise<boolean>;
  /** Records a handled event id, kept until `expiresAt` (ISO-8601); may drop what expired before `now`. */
  rememberEvent(eventId: string, expiresAt: string, now: Date): Promise<void>;
  /** The role deletion task being followed for the account, if any. */
  deletionTask(account: string): Promise<FollowedDeletion | undefined>;
  /** Starts (a task) or stops (`undefined`) following a role deletion task. */
  setDeletionTask(account: string, task: FollowedDeletion | undefined): Promise<void>;
}

/** A role deletion task being followed (`DeleteServiceLinkedRole`'s `DeletionTaskId`), and since when. */
export interface FollowedDeletion {
  readonly taskId: string;
  /** ISO-8601: when following began (the task's lifetime counts from here). */
  readonly since: string;
}

/** A channel people read. `send` resolves when delivered and throws when it was not (after its own retries). */
export interface Notifier {
  readonly channel: string;
  send(notification: Notification): Promise<void>;
}

/** Asks for the same reconcile again later (safety invariant 3): an SQS delayed message on Lambda. */
export interface RecheckScheduler {
  schedule(request: RecheckRequest, delaySeconds: number): Promise<void>;
}

/** What a grace re-check carries: enough to say, once confirmed, what led to it. */
export interface RecheckRequest {
  readonly account: string;
  readonly eventId: string;
  readonly trigger?: TriggerContext | undefined;
}

/**
 * How one account is reached (organization mode): its reader (the caller's own credentials, or a member's read
 * role), or, when the read role could not be assumed, why, so that the account is reported unread (invariant 1).
 */
export type AccountAccess =
  | { readonly ok: true; readonly reader: AccountReader }
  | {
      readonly ok: false;
      readonly partition: string;
      readonly roleArn: string;
      readonly error: AwsError;
    };

/** What organization mode keeps of one account besides its alerts. */
export interface AccountEntry {
  readonly account: string;
  /** Its name in the organization, as the last sweep saw it; `null` when never seen. */
  readonly name: string | null;
  /**
   * Set while the account may have open alerts (a random token, renewed on every marking, so that clearing it is a
   * compare-and-set); `null` when it has none. The sweep finds departed accounts' alerts through it.
   */
  readonly openAlertsMark: string | null;
}

/**
 * One small entry per account of an organization (organization mode): its name, for the alerts of reconciles that
 * an event started, and whether it may have open alerts, for the sweep to close those of accounts that left.
 * Implemented beside the alert records (the DynamoDB table, the state file). Failures to reach it throw.
 */
export interface AccountRegister {
  /** The account's entry; `undefined` when it has none. */
  accountEntry(account: string): Promise<AccountEntry | undefined>;
  /** Every entry, sorted by account (all pages). */
  accountEntries(): Promise<AccountEntry[]>;
  /** Records the account's name (creating its entry when needed). */
  setAccountName(account: string, name: string): Promise<void>;
  /** Marks the account as having open alerts, with a new token, whatever the previous one. */
  markOpenAlerts(account: string): Promise<void>;
  /** Clears the mark if it is still `mark`: `false` when it was renewed meanwhile (then it stays). */
  clearOpenAlertsMark(account: string, mark: string): Promise<boolean>;
}
