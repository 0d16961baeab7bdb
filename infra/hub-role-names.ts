import { partitionOfRegion } from '../functions/core/partition.js';

/** The hub functions whose roles have fixed names in organization mode. */
export type NamedFunctionRole = 'event' | 'recheck' | 'sweep';

/** The hub functions that read the member accounts, so the member read role trusts their roles. */
const MEMBER_READERS: readonly NamedFunctionRole[] = ['event', 'recheck'];

/**
 * The execution role name of a hub function in organization mode: fixed (by function and hub Region), because the
 * read role in every member account names it in its trust policy, and the management account's stacks, deployed
 * apart from the hub, must know it before it exists. One hub per account and Region (its bus has a fixed name too).
 *
 * @example
 * hubFunctionRoleName('recheck', 'us-east-1'); // → 'ecr-replication-role-reconciler-recheck-us-east-1'
 */
export function hubFunctionRoleName(fn: NamedFunctionRole, hubRegion: string): string {
  return `ecr-replication-role-reconciler-${fn}-${hubRegion}`;
}

/**
 * The ARNs the member read role trusts, as literal strings (for a stack deployed apart from the hub): the roles of
 * the hub's event and recheck functions in `hubAccount`, then `extraArns`.
 *
 * @example
 * memberReaderRoleArns('us-east-1', '111122223333');
 * // → ['arn:aws:iam::111122223333:role/ecr-replication-role-reconciler-event-us-east-1', '…-recheck-us-east-1']
 */
export function memberReaderRoleArns(
  hubRegion: string,
  hubAccount: string,
  extraArns: readonly string[] = [],
): string[] {
  const partition = partitionOfRegion(hubRegion);
  return [
    ...MEMBER_READERS.map(
      (fn) => `arn:${partition}:iam::${hubAccount}:role/${hubFunctionRoleName(fn, hubRegion)}`,
    ),
    ...extraArns,
  ];
}
