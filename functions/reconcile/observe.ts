import { parseArn } from '../core/arn.js';
import { mapBounded } from '../core/bounded.js';
import { awsErrorOf } from '../core/errors.js';
import { partitionOfRegion } from '../core/partition.js';
import type { AccountReader, RegionOptIn } from '../core/ports.js';
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

/** ECR's answer to credentials it does not recognize: in a Region the account has not enabled, or a bad token. */
const UNRECOGNIZED_CLIENT = 'UnrecognizedClientException';

/**
 * Reads the account afresh: the Regions, each Region's registry and the role, in parallel where they are
 * independent. The account id comes from what was read (`DescribeRegistry`'s registryId, the role ARN), so STS is
 * called only when nothing else says it — which is also where missing credentials surface as a clear error.
 *
 * A Region is `not-enabled` only on positive knowledge (safety invariant 1). ECR answers
 * `UnrecognizedClientException` both in a Region the account has not enabled and to a bad or expired token, so
 * that answer alone proves nothing:
 * - Regions listed by the reader for this observation are enabled (`listRegions` lists no other): such an answer
 *   there stays `unreadable`, with no further call;
 * - given Regions (`regions`, always on Lambda): the account's opt-in status is read once, only if a Region gave
 *   that answer (so the common case costs no call), and the Region is `not-enabled` only if the status says so.
 *   Enabled, changing, unknown, or a status that cannot be read: `unreadable`, the reason in the error message.
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

  // Asked at most once, as soon as a given Region answers UnrecognizedClientException: it overlaps the other reads.
  let optInPending: Promise<OptInAnswer> | undefined;
  const askOptIn = () => {
    optInPending ??= Promise.resolve()
      .then(() => reader.regionOptIn())
      .then(
        (statuses): OptInAnswer => ({ statuses }),
        (error: unknown): OptInAnswer => ({ error: awsErrorOf(error) }),
      );
    return optInPending;
  };

  let done = 0;
  const reads = await mapBounded(
    listed.regions,
    options.concurrency ?? DEFAULT_CONCURRENCY,
    async (region) => {
      const read = await reader.readRegistry(region);
      if (options.regions && isUnrecognized(read)) void askOptIn();
      options.onRegionRead?.(read, ++done, listed.regions.length);
      return read;
    },
  );
  const optIn = optInPending ? await optInPending : undefined;
  const registries = reads.map((read) => judgeUnrecognized(read, optIn));
  const [role, deletion] = await Promise.all([rolePending, deletionPending]);

  const known = accountFromReads(registries, role);
  const { account, partition } = known
    ? { account: known, partition: partitionOf(role, registries) }
    : await reader.identity();
  return {
    account,
    partition,
    observedAt,
    registries,
    role,
    ...(listed.error ? { regionsError: listed.error } : {}),
    ...(deletion ? { deletion } : {}),
  };
}

/** The account's opt-in status as read for this observation; none when the Regions were listed by the reader. */
type OptInAnswer = { readonly statuses: ReadonlyMap<string, RegionOptIn> } | { readonly error: AwsError };

/** A Region whose ECR refused the credentials (or a reader that says `not-enabled` itself: it cannot know either). */
function isUnrecognized(read: RegistryRead): read is Exclude<RegistryRead, { outcome: 'read' }> {
  return (
    read.outcome === 'not-enabled' ||
    (read.outcome === 'unreadable' && read.error.code === UNRECOGNIZED_CLIENT)
  );
}

/**
 * `not-enabled` when the account's opt-in status says the Region is not enabled; otherwise `unreadable`, keeping
 * ECR's code and message and saying why it was not taken as a disabled Region. Without an opt-in answer, the Regions
 * were listed by the reader for this observation, so the Region is enabled.
 */
function judgeUnrecognized(read: RegistryRead, optIn: OptInAnswer | undefined): RegistryRead {
  if (!isUnrecognized(read)) return read;
  const status = optIn && 'statuses' in optIn ? optIn.statuses.get(read.region) : undefined;
  if (status === 'not-enabled') return { region: read.region, outcome: 'not-enabled', error: read.error };
  const why = !optIn
    ? 'the account lists this Region as enabled, so ECR refused the credentials (a bad or expired token?)'
    : 'error' in optIn
      ? `the Region's opt-in status could not be confirmed (${optIn.error.code}: ${optIn.error.message})`
      : status === 'enabled'
        ? "the account's opt-in status says this Region is enabled, so ECR refused the credentials (a bad or expired token?)"
        : status === 'changing'
          ? "the Region's opt-in status is changing (being enabled or disabled)"
          : "the Region's opt-in status is unknown (not in the account's list of Regions)";
  return {
    region: read.region,
    outcome: 'unreadable',
    error: {
      code: read.error.code,
      message: `${read.error.message} — not taken as a disabled Region: ${why}`,
    },
  };
}

/** The account from the role ARN, else from a Region's registry id; `undefined` when no read says it. */
function accountFromReads(registries: readonly RegistryRead[], role: RoleRead): string | undefined {
  const arn = role.outcome === 'present' ? parseArn(role.role.arn) : undefined;
  const fromRole =
    arn?.service === 'iam' && arn.region === '' && /^\d{12}$/.test(arn.accountId) ? arn.accountId : undefined;
  const fromRegistry = registries.find((read) => read.outcome === 'read' && read.registryId);
  return fromRole ?? (fromRegistry?.outcome === 'read' ? fromRegistry.registryId : undefined);
}

/** The partition from the role ARN, else from the first Region's name. */
function partitionOf(role: RoleRead, registries: readonly RegistryRead[]): string {
  const fromRole = role.outcome === 'present' ? parseArn(role.role.arn)?.partition : undefined;
  return fromRole ?? partitionOfRegion(registries[0]?.region ?? '');
}
