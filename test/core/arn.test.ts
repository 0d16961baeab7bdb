import { describe, expect, it } from 'vitest';
import { parseArn } from '../../functions/core/arn.js';

const ACCOUNT = '123456789012';

describe('parseArn', () => {
  it.each([
    [
      'an SNS topic',
      `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts`,
      { partition: 'aws', service: 'sns', region: 'eu-west-1', accountId: ACCOUNT, resource: 'alerts' },
    ],
    [
      'an IAM role (global: no Region) in an isolated partition',
      `arn:aws-iso-b:iam::${ACCOUNT}:role/aws-service-role/replication.ecr.amazonaws.com/x`,
      {
        partition: 'aws-iso-b',
        service: 'iam',
        region: '',
        accountId: ACCOUNT,
        resource: 'role/aws-service-role/replication.ecr.amazonaws.com/x',
      },
    ],
    [
      'a secret, whose resource has colons of its own',
      `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:slack-AbCdEf`,
      {
        partition: 'aws-cn',
        service: 'secretsmanager',
        region: 'cn-north-1',
        accountId: ACCOUNT,
        resource: 'secret:slack-AbCdEf',
      },
    ],
    [
      'an S3 bucket (no Region, no account)',
      'arn:aws:s3:::my-bucket',
      { partition: 'aws', service: 's3', region: '', accountId: '', resource: 'my-bucket' },
    ],
  ])('reads %s', (_label, arn, fields) => {
    // Act
    const parsed = parseArn(arn);

    // Assess
    expect(parsed).toEqual(fields);
  });

  it.each([
    ['not-an-arn'],
    [''],
    [undefined],
    ['arn:aws:sns:eu-west-1'],
    ['arn:aws:sns:eu-west-1:123456789012'],
    [`arn::iam::${ACCOUNT}:role/x`],
    [`arn:aws::eu-west-1:${ACCOUNT}:x`],
    [`ARN:aws:iam::${ACCOUNT}:role/x`],
    [`urn:aws:iam::${ACCOUNT}:role/x`],
  ])('reads %j as no ARN', (text) => {
    // Act
    const parsed = parseArn(text);

    // Assess
    expect(parsed).toBeUndefined();
  });

  // What `readIdentity` relies on to tell the caller's partition (moved from partitionOfArn).
  it.each([
    [`arn:aws-iso-b:iam::${ACCOUNT}:role/x`, 'aws-iso-b'],
    [`arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/r/s`, 'aws-us-gov'],
    ['not-an-arn', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('gives the partition of %s as %s', (arn, partition) => {
    // Act
    const found = parseArn(arn)?.partition;

    // Assess
    expect(found).toBe(partition);
  });
});
