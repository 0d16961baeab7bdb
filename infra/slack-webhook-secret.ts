import { ArnFormat, Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** Secrets Manager appends `-` and six random characters to a secret's name in its complete ARN. */
const COMPLETE_SECRET_ARN = /-[A-Za-z0-9]{6}$/;

/** The Slack webhook secret (`SlackWebhookSecret` in `scope`), imported by reference from its complete or partial ARN. */
export function importSlackWebhookSecret(scope: Construct, secretArn: string): secretsmanager.ISecret {
  return COMPLETE_SECRET_ARN.test(secretArn)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, 'SlackWebhookSecret', secretArn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, 'SlackWebhookSecret', secretArn);
}

/** What reading the webhook takes, and the resource it is granted on. */
interface SlackWebhookGrant {
  readonly statements: readonly iam.PolicyStatement[];
  /** The secret's complete ARN, or its partial ARN followed by `-??????`. */
  readonly resource: string;
  /** The resource is a partial ARN with a wildcard suffix (cdk-nag's IAM5 wants it acknowledged). */
  readonly matchesSuffix: boolean;
}

/** The statements that let a function in `scope` read the webhook URL from `secret`. */
export function readSlackWebhookGrant(scope: Construct, secret: secretsmanager.ISecret): SlackWebhookGrant {
  // A partial ARN is followed by the six characters Secrets Manager appends to the name.
  // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_iam-policies.html
  const resource = secret.secretFullArn ?? `${secret.secretArn}-??????`;
  const statements = [
    new iam.PolicyStatement({
      sid: 'ReadSlackWebhook',
      actions: ['secretsmanager:GetSecretValue'],
      resources: [resource],
    }),
    // A secret encrypted with a customer managed key is decrypted through Secrets Manager with the caller's
    // permission on the key. The key is not known here, so any key, but only via Secrets Manager in the secret's
    // Region and for this secret. https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html
    new iam.PolicyStatement({
      sid: 'DecryptSlackWebhook',
      actions: ['kms:Decrypt'],
      resources: ['*'],
      conditions: {
        StringEquals: {
          'kms:ViaService': `secretsmanager.${Stack.of(scope).splitArn(secret.secretArn, ArnFormat.COLON_RESOURCE_NAME).region ?? Aws.REGION}.${Aws.URL_SUFFIX}`,
        },
        StringLike: { 'kms:EncryptionContext:SecretARN': resource },
      },
    }),
  ];
  return { statements, resource, matchesSuffix: resource.endsWith('-??????') };
}
