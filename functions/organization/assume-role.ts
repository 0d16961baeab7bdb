import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { callWithin } from '../adapters/aws-error.js';
import type { Clock } from '../clock.js';
import type { AwsError } from '../core/types.js';

/** The session name every assumed role carries, so that CloudTrail in the member account says who read it. */
export const SESSION_NAME = 'ecr-role-reconciler';

/** Credentials are renewed this long before they expire, so that no call is signed with credentials about to lapse. */
const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * The retries for `AssumeRole` and `ListAccounts`, which STS and Organizations throttle per calling account however
 * many accounts are read: more attempts than the SDK's default, and adaptive retries that slow every call of the
 * client down when the service says so. Given to every STS and Organizations client that makes those calls.
 */
export const THROTTLED_CALL_RETRIES = { maxAttempts: 6, retryMode: 'adaptive' } as const;

/** How long one `AssumeRole` may take, the SDK's retries (throttling included) within it. */
const DEFAULT_ASSUME_TIMEOUT_MS = 10_000;

export interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly externalId?: string | undefined;
}

/** What a first `AssumeRole` gives: the role's credentials (renewed as they near expiry), or why it failed. */
export type AssumedRole =
  | { readonly ok: true; readonly credentials: () => Promise<AwsCredentialIdentity> }
  | { readonly ok: false; readonly error: AwsError };

/**
 * Assumes `roleArn` once, now, so that an account whose role cannot be assumed is known before anything is read in
 * it; then hands out its credentials for the rest of the run, assuming the role again when they are within five
 * minutes of expiring (a long run outlives the default one-hour session). A renewal that fails rejects, and the
 * calls signed with it fail as unreadable reads.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 * @example
 * const assumed = await assumeRole(sts, { roleArn: 'arn:aws:iam::111122223333:role/ecr-replication-role-reconciler-read' }, clock);
 * if (assumed.ok) new ECRClient({ region: 'eu-west-1', credentials: assumed.credentials });
 */
export async function assumeRole(
  sts: STSClient,
  request: AssumeRoleRequest,
  clock: Clock,
  timeoutMs = DEFAULT_ASSUME_TIMEOUT_MS,
): Promise<AssumedRole> {
  const assume = async (): Promise<AwsCredentialIdentity> => {
    const called = await callWithin('AssumeRole', timeoutMs, (abortSignal) =>
      sts.send(
        new AssumeRoleCommand({
          RoleArn: request.roleArn,
          RoleSessionName: SESSION_NAME,
          ...(request.externalId ? { ExternalId: request.externalId } : {}),
        }),
        { abortSignal },
      ),
    );
    if (!called.ok) throw new AssumeRoleError(called.error, called.cause);
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = called.output.Credentials ?? {};
    if (!AccessKeyId || !SecretAccessKey) {
      throw new AssumeRoleError({ code: 'InvalidResponse', message: 'AssumeRole returned no credentials' });
    }
    return {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      ...(SessionToken ? { sessionToken: SessionToken } : {}),
      ...(Expiration ? { expiration: new Date(Expiration) } : {}),
    };
  };

  let current: AwsCredentialIdentity;
  try {
    current = await assume();
  } catch (error) {
    return { ok: false, error: (error as AssumeRoleError).awsError };
  }
  let renewing: Promise<AwsCredentialIdentity> | undefined;
  const credentials = async (): Promise<AwsCredentialIdentity> => {
    const expiresAt = current.expiration?.getTime();
    if (expiresAt === undefined || expiresAt - clock.now().getTime() > RENEW_BEFORE_MS) return current;
    renewing ??= assume().then(
      (renewed) => {
        current = renewed;
        renewing = undefined;
        return renewed;
      },
      (error: unknown) => {
        renewing = undefined;
        throw error;
      },
    );
    return renewing;
  };
  return { ok: true, credentials };
}

/** `AssumeRole` failed; carries the AWS error as read off the wire. */
class AssumeRoleError extends Error {
  override readonly name = 'AssumeRoleError';
  constructor(
    readonly awsError: AwsError,
    cause?: unknown,
  ) {
    super(`AssumeRole failed: ${awsError.code}: ${awsError.message}`, { cause });
  }
}
