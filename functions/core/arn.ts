/** The fields of an ARN, `arn:<partition>:<service>:<region>:<account-id>:<resource>`. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  /** Empty for a global resource (IAM, an S3 bucket). */
  readonly region: string;
  /** Empty when the resource belongs to no account (an S3 bucket); `aws` for an AWS managed IAM policy. */
  readonly accountId: string;
  /** Everything after the fifth colon, its own colons included (`role/x`, `log-group:/aws/lambda/f:*`). */
  readonly resource: string;
}

/**
 * Reads an ARN; `undefined` when the text is not one (not starting `arn:`, fewer than six fields, or no partition
 * or service). Only the form is checked: no field is compared with known partitions, services or Regions.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 * @example
 * parseArn('arn:aws:sns:eu-west-1:123456789012:alerts');
 * // → { partition: 'aws', service: 'sns', region: 'eu-west-1', accountId: '123456789012', resource: 'alerts' }
 * parseArn('arn:aws-cn:iam::123456789012:role/x')?.partition; // → 'aws-cn'
 * parseArn('not-an-arn'); // → undefined
 */
export function parseArn(text: string | undefined): Arn | undefined {
  const [scheme, partition, service, region, accountId, ...resource] = text?.split(':') ?? [];
  if (scheme !== 'arn' || !partition || !service || region === undefined || accountId === undefined)
    return undefined;
  if (resource.length === 0) return undefined;
  return { partition, service, region, accountId, resource: resource.join(':') };
}
