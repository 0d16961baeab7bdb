import { mapBounded } from '../core/bounded.js';
import type { AccountReader } from '../core/ports.js';
import type { AccountRead, AwsError, RegistryRead, RoleRead } from '../core/types.js';

export interface ObserveOptions {
  /** The Regions to read; by default every Region enabled for the account. */
  readonly regions?: readonly string[] | undefined;
  /** How many Regions are read at once. */
  readonly concurrency?: number | undefined;
  /** A role deletion task to follow (`DeleteServiceLinkedRole`'s `DeletionTaskId`). */
  readonly deletionTaskId?: string | undefined;
  readonly now: () => Date;
  /** Called as each Region's read completes. */
  readonly onRegionRead?: ((read: RegistryRead, done: number, total: number) => void) | undefined;
}

/** Enough to read every commercial Region at once: a scan costs about two round trips, not one per Region. */
export const DEFAULT_CONCURRENCY = 40;

/**
 * Reads the account afresh: the Regions, each Region's registry and the role, in parallel where they are
 * independent. The account id comes from what was read (`DescribeRegistry`'s registryId, the role ARN), so STS is
 * called only when nothing else says it — which is also where missing credentials surface as a clear error.
 */
export async function observeAccount(reader: AccountReader, options: ObserveOptions): Promise<AccountRead> {
  const observedAt = options.now().toISOString();
  // The role and the deletion task do not depend on the Regions: read them while the Regions are listed and read.
  // (Neither read throws: the port reports failures as data.)
  const rolePending = reader.readRole();
  const deletionPending = options.deletionTaskId
    ? reader.readDeletionTask(options.deletionTaskId)
    : undefined;
  const listed: { regions: string[]; error?: AwsError } = options.regions
    ? { regions: [...new Set(options.regions)] }
    : await reader.listRegions().then(
        (regions) => ({ regions: [...regions] }),
        (error: unknown) => ({ regions: [], error: awsErrorOf(error) }),
      );

  let done = 0;
  const registries = await mapBounded(
    listed.regions,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (region) => {
      const read = await reader.readRegistry(region);
      options.onRegionRead?.(read, ++done, listed.regions.length);
      return read;
    },
  );
  const [role, deletion] = await Promise.all([rolePending, deletionPending]);

  const known = accountFromReads(registries, role);
  const { account, partition } = known ?? (await reader.identity());
  return {
    account,
    partition: known ? partitionOf(role, registries) : partition,
    observedAt,
    registries,
    role,
    ...(listed.error ? { regionsError: listed.error } : {}),
    ...(deletion ? { deletion } : {}),
  };
}

function accountFromReads(
  registries: readonly RegistryRead[],
  role: RoleRead,
): { account: string; partition: string } | undefined {
  const fromRole =
    role.outcome === 'present' ? /^arn:[^:]+:iam::(\d{12}):/.exec(role.role.arn)?.[1] : undefined;
  const fromRegistry = registries.find((read) => read.outcome === 'read' && read.registryId);
  const account = fromRole ?? (fromRegistry?.outcome === 'read' ? fromRegistry.registryId : undefined);
  return account ? { account, partition: partitionOf(role, registries) } : undefined;
}

/** The partition from the role ARN, else from the Region names (cn-*, us-gov-*, else aws). */
function partitionOf(role: RoleRead, registries: readonly RegistryRead[]): string {
  if (role.outcome === 'present') {
    const partition = role.role.arn.split(':')[1];
    if (partition) return partition;
  }
  const region = registries[0]?.region ?? '';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function awsErrorOf(error: unknown): AwsError {
  if (error && typeof error === 'object' && 'awsError' in error)
    return (error as { awsError: AwsError }).awsError;
  const { name, message } = error instanceof Error ? error : { name: 'Error', message: String(error) };
  return { code: name, message };
}
