import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { AwsCallError } from '../core/errors.js';
import type { AwsError } from '../core/types.js';
import { describeCallError } from './aws-error.js';
import { partitionOfRegion } from './partition.js';

/** How long `GetCallerIdentity` may take, the SDK's retries included, unless told otherwise. */
export const DEFAULT_IDENTITY_TIMEOUT_MS = 10_000;

/** What to do about errors that mean "no usable credentials", keyed by error code. */
const CREDENTIALS_HELP: Readonly<Record<string, string>> = {
  CredentialsProviderError:
    'No AWS credentials were found. Set AWS_PROFILE (and run `aws sso login` for an SSO profile), or export ' +
    'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. To try it locally without AWS, run `npm start`.',
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
  const signal = AbortSignal.timeout(timeoutMs);
  let output: { Account?: string | undefined; Arn?: string | undefined };
  try {
    output = await client.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
  } catch (error) {
    const awsError = withHelp(describeCallError(error, signal, 'GetCallerIdentity', timeoutMs));
    throw new AwsCallError('GetCallerIdentity', awsError, { cause: error });
  }
  if (!output.Account) {
    throw new AwsCallError('GetCallerIdentity', {
      code: 'InvalidResponse',
      message: 'no Account in the answer',
    });
  }
  const partition = partitionOfArn(output.Arn) ?? partitionOfRegion(await client.config.region());
  return { account: output.Account, partition };
}

/** `arn:aws-us-gov:iam::123456789012:user/x` → `aws-us-gov`; `undefined` when it is not an ARN. */
export function partitionOfArn(arn: string | undefined): string | undefined {
  const [scheme, partition] = arn?.split(':') ?? [];
  return scheme === 'arn' && partition ? partition : undefined;
}

function withHelp(error: AwsError): AwsError {
  const help = CREDENTIALS_HELP[error.code];
  return help ? { code: error.code, message: `${help} (${error.message})` } : error;
}
