import {
  ExpiredTokenException,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { CredentialsProviderError, TokenProviderError } from '@smithy/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readIdentity } from '../../functions/adapters/identity.js';
import { AwsCallError } from '../../functions/core/errors.js';

const ACCOUNT = '123456789012';
const stsMock = mockClient(STSClient);

describe('readIdentity', () => {
  beforeEach(() => {
    stsMock.reset();
  });

  it.each([
    ['aws', `arn:aws:sts::${ACCOUNT}:assumed-role/Admin/jane`, 'us-east-1'],
    ['aws-cn', `arn:aws-cn:sts::${ACCOUNT}:assumed-role/Admin/jane`, 'cn-north-1'],
    ['aws-us-gov', `arn:aws-us-gov:iam::${ACCOUNT}:user/ci`, 'us-gov-west-1'],
  ])('reads the account and the %s partition from the caller ARN', async (partition, arn, region) => {
    // Prepare
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: arn, UserId: 'AIDAEXAMPLE' });

    // Act
    const identity = await readIdentity(new STSClient({ region }));

    // Assess
    expect(identity).toEqual({ account: ACCOUNT, partition });
  });

  it('falls back to the partition of the client Region when there is no ARN', async () => {
    // Prepare
    stsMock.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });

    // Act
    const identity = await readIdentity(new STSClient({ region: 'cn-northwest-1' }));

    // Assess
    expect(identity).toEqual({ account: ACCOUNT, partition: 'aws-cn' });
  });

  it('says how to provide credentials when there are none', async () => {
    // Prepare
    const missing = new CredentialsProviderError('Could not load credentials from any providers', false);
    stsMock.on(GetCallerIdentityCommand).rejects(missing);

    // Act
    const reading = readIdentity(new STSClient({ region: 'us-east-1' }));

    // Assess
    const error = await reading.then(
      () => expect.unreachable('readIdentity should have failed'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({
      operation: 'GetCallerIdentity',
      awsError: {
        code: 'CredentialsProviderError',
        message:
          'No AWS credentials were found. Set AWS_PROFILE (and run `aws sso login` for an SSO profile), or export ' +
          'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. To try it without AWS, serve a local account with ' +
          '`ecr-role-reconciler local-account` and point AWS_ENDPOINT_URL at it. ' +
          '(Could not load credentials from any providers)',
      },
      cause: missing,
    });
    expect((error as Error).message).toMatch(
      /^GetCallerIdentity failed: CredentialsProviderError: No AWS credentials/,
    );
  });

  it.each([
    [
      'an SSO session that has expired',
      new TokenProviderError(
        "Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile.",
        false,
      ),
      'TokenProviderError',
      'The SSO session of this profile is missing or has expired. Run `aws sso login` (with --profile if needed). ' +
        "(Token is expired. To refresh this SSO session run 'aws sso login' with the corresponding profile.)",
    ],
    [
      'expired credentials, as STS answers them (ExpiredToken, unmodelled)',
      new STSServiceException({
        name: 'ExpiredToken',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'The security token included in the request is expired',
      }),
      'ExpiredToken',
      'The AWS credentials have expired. Refresh them (e.g. `aws sso login`) and try again. ' +
        '(The security token included in the request is expired)',
    ],
    [
      'expired credentials, as the modelled ExpiredTokenException',
      new ExpiredTokenException({
        message: 'The security token included in the request is expired',
        $metadata: { httpStatusCode: 400 },
      }),
      'ExpiredTokenException',
      'The AWS credentials have expired. Refresh them (e.g. `aws sso login`) and try again. ' +
        '(The security token included in the request is expired)',
    ],
    [
      'an access key unknown to STS (InvalidClientTokenId, unmodelled)',
      new STSServiceException({
        name: 'InvalidClientTokenId',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'The security token included in the request is invalid.',
      }),
      'InvalidClientTokenId',
      'The AWS access key is not valid in this partition or account. Check AWS_PROFILE and the exported ' +
        'credentials. (The security token included in the request is invalid.)',
    ],
  ])('says how to fix %s', async (_label, thrown, code, message) => {
    // Prepare
    stsMock.on(GetCallerIdentityCommand).rejects(thrown);

    // Act
    const reading = readIdentity(new STSClient({ region: 'us-east-1' }));

    // Assess
    await expect(reading).rejects.toMatchObject({
      name: 'AwsCallError',
      operation: 'GetCallerIdentity',
      awsError: { code, message },
      cause: thrown,
    });
  });

  it('passes other errors through unchanged', async () => {
    // Prepare
    stsMock.on(GetCallerIdentityCommand).rejects(
      new STSServiceException({
        name: 'Throttling',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'Rate exceeded',
      }),
    );

    // Act
    const reading = readIdentity(new STSClient({ region: 'us-east-1' }));

    // Assess
    await expect(reading).rejects.toMatchObject({
      message: 'GetCallerIdentity failed: Throttling: Rate exceeded',
      awsError: { code: 'Throttling', message: 'Rate exceeded' },
    });
  });

  it('refuses an answer without an account', async () => {
    // Prepare
    stsMock.on(GetCallerIdentityCommand).resolves({ Arn: `arn:aws:iam::${ACCOUNT}:user/x` });

    // Act
    const reading = readIdentity(new STSClient({ region: 'us-east-1' }));

    // Assess
    await expect(reading).rejects.toMatchObject({ awsError: { code: 'InvalidResponse' } });
  });
});
