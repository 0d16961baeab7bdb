import type { DeletionTask, RegistryRead, RoleRead } from './types.js';

/**
 * Reads an AWS account. Implemented by `functions/adapters/account-reader.ts` over the SDK clients, and by test
 * doubles. Every method reports what it saw; only `identity` and `listRegions` throw (see their docs).
 */
export interface AccountReader {
  /** The caller's account and partition (STS `GetCallerIdentity`). Throws when there are no usable credentials. */
  identity(): Promise<{ readonly account: string; readonly partition: string }>;
  /** The Regions enabled for the account (EC2 `DescribeRegions`). Throws an `AwsCallError` when it cannot. */
  listRegions(): Promise<readonly string[]>;
  /** `DescribeRegistry` in one Region. Never throws: failures come back as `not-enabled` or `unreadable`. */
  readRegistry(region: string): Promise<RegistryRead>;
  /** `GetRole` + attached and inline policy names for the replication role. Never throws. */
  readRole(): Promise<RoleRead>;
  /** `GetServiceLinkedRoleDeletionStatus`. Never throws: a failure is reported in `error` with status `UNKNOWN`. */
  readDeletionTask(taskId: string): Promise<DeletionTask>;
}
