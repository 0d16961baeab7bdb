import { DescribeRegistryCommand, type ECRClient } from '@aws-sdk/client-ecr';
import type { RegistryRead } from '../core/types.js';
import { callWithin } from './aws-error.js';

/** How long one Region may take to answer `DescribeRegistry`, retries included, unless told otherwise. */
export const DEFAULT_REGION_TIMEOUT_MS = 10_000;

/**
 * Reads a Region's registry with `DescribeRegistry`. Never throws: any failure (access denied, throttling past the
 * SDK's retries, timeout, network, 5xx, `UnrecognizedClientException`) comes back as `unreadable` with its AWS
 * error. The replication configuration is passed through as read; the core normalizes it.
 *
 * `UnrecognizedClientException` is not taken to mean "Region not enabled": ECR gives that answer to a bad or
 * expired token as well, so this read alone cannot tell. `observeAccount` decides it from the account's Region
 * opt-in status (safety invariant 1: no conclusion from silence).
 *
 * The timeout covers the whole call, the SDK's retries included, so one slow Region cannot hold up a scan.
 *
 * @param client - an ECR client for `region`
 * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeRegistry.html
 * @example
 * await readRegistry(new ECRClient({ region: 'eu-west-1' }), 'eu-west-1');
 * // → { region: 'eu-west-1', outcome: 'read', registryId: '123456789012', replicationConfiguration: { rules: [] } }
 */
export async function readRegistry(
  client: ECRClient,
  region: string,
  timeoutMs = DEFAULT_REGION_TIMEOUT_MS,
): Promise<RegistryRead> {
  const read = await callWithin('DescribeRegistry', timeoutMs, (abortSignal) =>
    client.send(new DescribeRegistryCommand({}), { abortSignal }),
  );
  if (!read.ok) return { region, outcome: 'unreadable', error: read.error };
  return {
    region,
    outcome: 'read',
    registryId: read.output.registryId,
    replicationConfiguration: read.output.replicationConfiguration,
  };
}
