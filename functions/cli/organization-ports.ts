import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DEFAULT_HOME_REGION } from '../adapters/account-reader.js';
import type { CredentialSource, OrganizationScanPorts } from '../organization/scan-organization.js';
import { clientConfig, instrument, type SdkSetup } from './aws.js';
import { cliAccountReader } from './reader.js';

/** How an organization scan reads: the timeouts, and the caller's home Region (STS, Organizations, IAM's partition). */
export interface OrganizationPortsOptions {
  readonly homeRegion: string | undefined;
  readonly regionTimeoutMs: number;
  /** At most this many connections to one endpoint, all accounts together. */
  readonly maxSockets: number;
}

/**
 * The organization scan's ports over the AWS SDK, with `--profile` and `--debug`. Every client shares one HTTP
 * handler, so that a thousand accounts reuse the same few connections per Region endpoint instead of opening their
 * own, and the member accounts share a few clients per Region, each lent to one read at a time and signing with that
 * read's account's role credentials (see `ClientPool`).
 */
export async function organizationPorts(
  setup: SdkSetup,
  options: OrganizationPortsOptions,
): Promise<OrganizationScanPorts> {
  const [
    { ECRClient },
    { IAMClient },
    { STSClient },
    { EC2Client },
    { OrganizationsClient },
    { NodeHttpHandler },
  ] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-sts'),
    import('@aws-sdk/client-ec2'),
    import('@aws-sdk/client-organizations'),
    import('@smithy/node-http-handler'),
  ]);
  const [
    { listOrganizationAccounts },
    { assumeRole, THROTTLED_CALL_RETRIES },
    { memberReader },
    { ClientPool },
    { ec2Regions },
  ] = await Promise.all([
    import('../organization/accounts.js'),
    import('../organization/assume-role.js'),
    import('../organization/member-reader.js'),
    import('../organization/client-pool.js'),
    import('../adapters/regions.js'),
  ]);
  const agent = { keepAlive: true, maxSockets: options.maxSockets };
  const requestHandler = new NodeHttpHandler({
    httpsAgent: new HttpsAgent(agent),
    // A local endpoint or an emulator (`AWS_ENDPOINT_URL=http://…`) gets the same limit.
    httpAgent: new HttpAgent(agent),
  });
  const config = (region: string | undefined, credentials?: CredentialSource) => ({
    ...clientConfig(region, setup),
    requestHandler,
    ...(credentials ? { credentials } : {}),
  });
  const homeRegion = options.homeRegion ?? DEFAULT_HOME_REGION;
  // AssumeRole and ListAccounts: retried as STS and Organizations throttling wants (see THROTTLED_CALL_RETRIES).
  const sts = instrument(new STSClient({ ...config(homeRegion), ...THROTTLED_CALL_RETRIES }), setup);
  const organizations = instrument(
    new OrganizationsClient({ ...config(homeRegion), ...THROTTLED_CALL_RETRIES }),
    setup,
  );
  const clients = {
    ecr: (region: string, credentials?: CredentialSource) =>
      instrument(new ECRClient(config(region, credentials)), setup),
    iam: (region: string, credentials?: CredentialSource) =>
      instrument(new IAMClient(config(region, credentials)), setup),
    sts: (region: string, credentials?: CredentialSource) =>
      instrument(new STSClient(config(region, credentials)), setup),
  };
  // The member accounts' registry and role reads borrow their clients: a few per Region, lent to one read at a time
  // and signing with that read's account's credentials, instead of 18 new clients an account (a third of the CPU
  // an account cost: each client resolves its configuration and builds its middleware on first use).
  const lenders = {
    ecr: new ClientPool((region, credentials) => clients.ecr(region, credentials)).lend,
    iam: new ClientPool((region, credentials) => clients.iam(region, credentials)).lend,
  };
  // Who the caller is and which Regions its account has enabled, as `scan` reads them.
  const caller = cliAccountReader({ homeRegion, regionTimeoutMs: options.regionTimeoutMs }, setup);
  return {
    identity: () => caller.identity(),
    listRegions: () => caller.listRegions(),
    listAccounts: () => listOrganizationAccounts(organizations),
    assumeRole: (request) => assumeRole(sts, request, setup.clock),
    readerFor: (account, partition, credentials) =>
      memberReader({
        account,
        partition,
        credentials,
        homeRegion,
        regionTimeoutMs: options.regionTimeoutMs,
        clients,
        lenders,
        regionOptIn: (signedBy) =>
          ec2Regions((region) => instrument(new EC2Client(config(region, signedBy)), setup)).regionOptIn,
      }),
  };
}
