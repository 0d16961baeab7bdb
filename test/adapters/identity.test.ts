import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { partitionOfArn, readIdentity } from '../../functions/adapters/identity.js';
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
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    stsMock.on(GetCallerIdentityCommand).rejects(missing);

    // Act
    const reading = readIdentity(new STSClient({ region: 'us-east-1' }));

    // Assess
    await expect(reading).rejects.toBeInstanceOf(AwsCallError);
    const error = (await reading.catch((e: unknown) => e)) as AwsCallError;
    expect(error.operation).toBe('GetCallerIdentity');
    expect(error.awsError.code).toBe('CredentialsProviderError');
    expect(error.message).toContain('AWS_PROFILE');
    expect(error.message).toContain('aws sso login');
    expect(error.message).toContain('npm start');
    expect(error.message).toContain('Could not load credentials from any providers');
    expect(error.cause).toBe(missing);
  });

  it('says to refresh credentials that have expired', async () => {
    // Prepare
    stsMock.on(GetCallerIdentityCommand).rejects(
      new STSServiceException({
        name: 'ExpiredToken',
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: 'The security token included in the request is expired',
      }),
    );

    // Act
    const reading = readIdentity(new STSClient({ region: 'us-east-1' }));

    // Assess
    await expect(reading).rejects.toThrow(/expired.*aws sso login/);
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

describe('partitionOfArn', () => {
  it.each([
    [`arn:aws-iso-b:iam::${ACCOUNT}:role/x`, 'aws-iso-b'],
    ['not-an-arn', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('reads %s as %s', (arn, partition) => {
    // Act
    const found = partitionOfArn(arn);

    // Assess
    expect(found).toBe(partition);
  });
});
