import { Aws, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** The alert topic and the key it is encrypted with. */
interface AlertTopic {
  readonly topic: sns.Topic;
  readonly key: kms.Key;
}

/**
 * Alerts: an encrypted topic (`AlertTopic` in `scope`, its key `AlertKey`), published to over TLS only, that the
 * alarms may use too, with `alertEmail` subscribed when given.
 */
export function addAlertTopic(
  scope: Construct,
  options: { readonly removalPolicy: RemovalPolicy; readonly alertEmail: string | undefined },
): AlertTopic {
  const key = new kms.Key(scope, 'AlertKey', {
    description: 'Encrypts the ECR replication role reconciler alert topic',
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  const topic = new sns.Topic(scope, 'AlertTopic', {
    displayName: 'ECR replication role reconciler',
    masterKey: key,
    enforceSSL: true,
  });
  allowCloudWatchAlarms(topic, key);
  if (options.alertEmail) {
    topic.addSubscription(new subscriptions.EmailSubscription(options.alertEmail));
  }
  return { topic, key };
}

/**
 * CloudWatch alarms publish as the `cloudwatch.amazonaws.com` service: the topic policy (which replaces the
 * default one) and the key policy must let it, for this account's alarms only.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 */
function allowCloudWatchAlarms(topic: sns.Topic, key: kms.Key): void {
  const cloudwatchPrincipal = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  const conditions = {
    StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
    ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
  };
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [cloudwatchPrincipal],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarmsToUseTheKey',
      principals: [cloudwatchPrincipal],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions,
    }),
  );
}
