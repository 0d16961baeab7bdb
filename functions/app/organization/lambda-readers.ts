import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { AccountClient } from '@aws-sdk/client-account';
import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { accountRegionOptIn } from '../../adapters/account-regions.js';
import { readIdentity } from '../../adapters/identity.js';
import type { Clock } from '../../clock.js';
import type { AccountAccess, AccountReader } from '../../core/ports.js';
import { assumeRole, THROTTLED_CALL_RETRIES } from '../../organization/assume-role.js';
import { memberReader } from '../../organization/member-reader.js';
import type { CredentialSource } from '../../organization/scan-organization.js';
import { organizationReaders } from './account-readers.js';

/** Connections kept open per endpoint, every member account together (a Region is read at most 40 at a time). */
const MAX_SOCKETS = 64;

/**
 * The Lambda functions' `readerFor` in organization mode, over the AWS SDK: STS for the functions' own identity and
 * for `AssumeRole`, and per member account the reader of `memberReader`, its Regions' opt-in status from the
 * Account API with the member's credentials. The member accounts' clients share one HTTP handler, so that the
 * accounts one container reconciles reuse the same few connections per Region endpoint instead of each opening its
 * own. Nothing is made or called before the first request for another account than the functions' own.
 */
export function lambdaOrganizationReaders(
  roleName: string,
  ownReader: AccountReader,
  clock: Clock,
): (account: string) => Promise<AccountAccess> {
  let sts: STSClient | undefined;
  let requestHandler: NodeHttpHandler | undefined;
  const stsClient = () => {
    sts ??= new STSClient({ ...THROTTLED_CALL_RETRIES });
    return sts;
  };
  const config = (region: string, credentials: CredentialSource | undefined) => {
    requestHandler ??= new NodeHttpHandler({
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS }),
    });
    return { region, requestHandler, ...(credentials ? { credentials } : {}) };
  };
  return organizationReaders({
    roleName,
    identity: () => readIdentity(stsClient()),
    ownReader,
    assume: (roleArn) => assumeRole(stsClient(), { roleArn }, clock),
    memberReader: (account, partition, credentials) =>
      memberReader({
        account,
        partition,
        credentials,
        clients: {
          ecr: (region, signedBy) => new ECRClient(config(region, signedBy)),
          iam: (region, signedBy) => new IAMClient(config(region, signedBy)),
          sts: (region, signedBy) => new STSClient(config(region, signedBy)),
        },
        regionOptIn: (signedBy) =>
          accountRegionOptIn((region) => new AccountClient(config(region, signedBy))),
      }),
  });
}
