import type { ECRClient } from '@aws-sdk/client-ecr';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { STSClient } from '@aws-sdk/client-sts';
import {
  type AccountReaderOptions,
  createAccountReader,
  DEFAULT_CALL_TIMEOUT_MS,
  type RegionOptInReader,
} from '../adapters/account-reader.js';
import { readRegistry } from '../adapters/ecr-registry.js';
import { readRole } from '../adapters/iam-role.js';
import { iamRegionFor } from '../core/partition.js';
import type { AccountReader } from '../core/ports.js';
import type { ClientLender } from './client-pool.js';
import type { CredentialSource } from './scan-organization.js';

/** Builds one SDK client for a Region, signing with `credentials` (the caller's own when `undefined`). */
export type ClientMaker<C> = (region: string, credentials: CredentialSource | undefined) => C;

export interface MemberReaderOptions
  extends Pick<AccountReaderOptions, 'homeRegion' | 'regionTimeoutMs' | 'callTimeoutMs'> {
  readonly account: string;
  readonly partition: string;
  /** The role's credentials; `undefined` for the caller's own account. */
  readonly credentials: CredentialSource | undefined;
  readonly clients: {
    readonly ecr: ClientMaker<ECRClient>;
    readonly iam: ClientMaker<IAMClient>;
    readonly sts: ClientMaker<STSClient>;
  };
  /**
   * Lent clients (see `ClientPool`) for the registry and role reads of an account read through its role, instead of
   * clients of its own: one read at a time, signing with this account's credentials. Needs `homeRegion`.
   */
  readonly lenders?:
    | { readonly ecr: ClientLender<ECRClient>; readonly iam: ClientLender<IAMClient> }
    | undefined;
  /** How the account's Regions' opt-in status is read, with the same credentials. */
  readonly regionOptIn: (credentials: CredentialSource | undefined) => RegionOptInReader;
}

/**
 * A reader of one account of an organization scan. Its identity is known (the account the role was assumed in, in
 * the caller's partition), so it never asks STS; the Regions are always given (the same list for every account), so
 * it never lists them: an account costs one call per Region and three for the role, besides `AssumeRole`.
 */
export function memberReader(options: MemberReaderOptions): AccountReader {
  const { credentials, clients, lenders, homeRegion } = options;
  const reader = createAccountReader({
    homeRegion,
    regionTimeoutMs: options.regionTimeoutMs,
    callTimeoutMs: options.callTimeoutMs,
    clients: {
      ecr: (region) => clients.ecr(region, credentials),
      iam: (region) => clients.iam(region, credentials),
      sts: (region) => clients.sts(region, credentials),
    },
    regionOptIn: options.regionOptIn(credentials),
  });
  const identity = async () => ({ account: options.account, partition: options.partition });
  if (!lenders || !credentials || homeRegion === undefined) return { ...reader, identity };
  // IAM is global: its client is pinned to the signing Region of the home Region's partition, as the reader's is.
  const iamRegion = iamRegionFor(homeRegion);
  const callTimeoutMs = options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
  return {
    ...reader,
    identity,
    readRegistry: (region) =>
      lenders.ecr(region, credentials, (client) => readRegistry(client, region, options.regionTimeoutMs)),
    readRole: () => lenders.iam(iamRegion, credentials, (client) => readRole(client, callTimeoutMs)),
  };
}
