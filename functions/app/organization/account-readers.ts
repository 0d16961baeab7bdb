import type { AccountAccess, AccountReader } from '../../core/ports.js';
import type { AssumedRole } from '../../organization/assume-role.js';
import type { CredentialSource } from '../../organization/scan-organization.js';

/** What the functions reach the accounts of an organization through. */
export interface OrganizationReadersOptions {
  /** The read role's name in every member account (`MEMBER_READ_ROLE_NAME`). */
  readonly roleName: string;
  /** The functions' own account and partition (STS `GetCallerIdentity`); asked once, kept when it answers. */
  readonly identity: () => Promise<{ readonly account: string; readonly partition: string }>;
  /** Reads the functions' own account, with their own credentials. */
  readonly ownReader: AccountReader;
  /** `sts:AssumeRole` into a role, renewing its credentials as they near expiry (see `assumeRole`). */
  readonly assume: (roleArn: string) => Promise<AssumedRole>;
  /** A reader of a member account, signing with its role's credentials (see `memberReader`). */
  readonly memberReader: (account: string, partition: string, credentials: CredentialSource) => AccountReader;
  /** How many member readers (and their SDK clients) are kept at most; credentials are kept for every account. */
  readonly maxReaders?: number | undefined;
}

/** Enough for the accounts one container reconciles in a row, without keeping a client per Region per account. */
const DEFAULT_MAX_READERS = 32;

/**
 * `readerFor` of organization mode: the functions' own account is read with their own credentials; any other
 * account through `arn:<partition>:iam::<account>:role/<roleName>`. Credentials are assumed once per account and
 * kept for the container's life (renewed before they expire); a role that cannot be assumed is reported as such
 * (the account is then reported unread, naming the role) and tried again on the account's next reconcile.
 *
 * @example
 * const readerFor = organizationReaders({ roleName: 'ecr-replication-role-reconciler-read', … });
 * const access = await readerFor('111122223333'); // → { ok: true, reader } or { ok: false, roleArn, error, … }
 */
export function organizationReaders(
  options: OrganizationReadersOptions,
): (account: string) => Promise<AccountAccess> {
  const identity = retainedOnSuccess(options.identity);
  const assumed = new Map<string, Promise<AssumedRole>>();
  const readers = new BoundedCache<string, AccountReader>(options.maxReaders ?? DEFAULT_MAX_READERS);

  const credentialsOf = (roleArn: string): Promise<AssumedRole> => {
    const cached = assumed.get(roleArn);
    if (cached) return cached;
    const assuming = options.assume(roleArn).then((result) => {
      // Kept only when assumed: the role may be deployed before the account's next reconcile.
      if (!result.ok) assumed.delete(roleArn);
      return result;
    });
    assumed.set(roleArn, assuming);
    return assuming;
  };

  return async (account) => {
    const own = await identity();
    if (account === own.account) return { ok: true, reader: options.ownReader };
    const roleArn = `arn:${own.partition}:iam::${account}:role/${options.roleName}`;
    const role = await credentialsOf(roleArn);
    if (!role.ok) return { ok: false, partition: own.partition, roleArn, error: role.error };
    const reader =
      readers.get(account) ??
      readers.set(account, options.memberReader(account, own.partition, role.credentials));
    return { ok: true, reader };
  };
}

/** `make`'s answer, asked once and kept; a failure is not kept, so that the next call asks again. */
function retainedOnSuccess<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}

/** A map keeping the `max` entries used last (a `Map` iterates in insertion order: the first is the oldest). */
class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: K, value: V): V {
    this.entries.delete(key);
    this.entries.set(key, value);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(oldest);
    }
    return value;
  }
}
