import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { parseArn } from '../core/arn.js';
import { AwsCallError } from '../core/errors.js';
import { partitionOfRegion } from '../core/partition.js';
import type { AwsError } from '../core/types.js';
import { callWithin } from './aws-error.js';

/** How long `GetCallerIdentity` may take, the SDK's retries included, unless told otherwise. */
const DEFAULT_IDENTITY_TIMEOUT_MS = 10_000;

/** What to do about errors that mean "no usable credentials", keyed by error code. */
const CREDENTIALS_HELP: Readonly<Record<string, string>> = {
  CredentialsProviderError:
    'No AWS credentials were found. Set AWS_PROFILE (and run `aws sso login` for an SSO profile), or export ' +
    'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. To try it without AWS, serve a local account with ' +
    '`ecr-role-reconciler local-account` and point AWS_ENDPOINT_URL at it.',
  TokenProviderError:
    'The SSO session of this profile is missing or has expired. Run `aws sso login` (with --profile if needed).',
  ExpiredToken: 'The AWS credentials have expired. Refresh them (e.g. `aws sso login`) and try again.',
  ExpiredTokenException:
    'The AWS credentials have expired. Refresh them (e.g. `aws sso login`) and try again.',
  InvalidClientTokenId:
    'The AWS access key is not valid in this partition or account. Check AWS_PROFILE and the exported credentials.',
};

/**
 * The caller's account and partition, from STS `GetCallerIdentity`. The partition is the second field of the
 * caller's ARN (`arn:aws-cn:sts::…`); if the ARN is missing, the partition of the client's Region.
 *
 * @throws {AwsCallError} when the identity cannot be read; for missing or expired credentials the message says how
 * to fix it.
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
 * @example
 * await readIdentity(new STSClient({ region: 'cn-north-1' })); // → { account: '123456789012', partition: 'aws-cn' }
 */
export async function readIdentity(
  client: STSClient,
  timeoutMs = DEFAULT_IDENTITY_TIMEOUT_MS,
): Promise<{ account: string; partition: string }> {
  const called = await callWithin('GetCallerIdentity', timeoutMs, (abortSignal) =>
    client.send(new GetCallerIdentityCommand({}), { abortSignal }),
  );
  if (!called.ok)
    throw new AwsCallError('GetCallerIdentity', withHelp(called.error), { cause: called.cause });
  const { Account: account, Arn: arn } = called.output;
  if (!account) {
    throw new AwsCallError('GetCallerIdentity', {
      code: 'InvalidResponse',
      message: 'no Account in the answer',
    });
  }
  const partition = parseArn(arn)?.partition ?? partitionOfRegion(await client.config.region());
  return { account, partition };
}

function withHelp(error: AwsError): AwsError {
  const help = CREDENTIALS_HELP[error.code];
  return help ? { code: error.code, message: `${help} (${error.message})` } : error;
}
