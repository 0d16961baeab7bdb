import type { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { ALERT_TABLE_KEY, ALERT_TABLE_TTL_ATTRIBUTE } from '../functions/settings.js';

/**
 * Where the functions keep what they announced (`AlertTable` in `scope`): keyed as the alert store reads it, records
 * expiring on their `expiresAt`, recoverable to any point in time. The removal policy is the user's: with `RETAIN`
 * (the default) the alert state outlives the stack.
 */
export function addAlertTable(scope: Construct, removalPolicy: RemovalPolicy): dynamodb.Table {
  return new dynamodb.Table(scope, 'AlertTable', {
    partitionKey: { name: ALERT_TABLE_KEY.partitionKey, type: dynamodb.AttributeType.STRING },
    sortKey: { name: ALERT_TABLE_KEY.sortKey, type: dynamodb.AttributeType.STRING },
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.AWS_MANAGED,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    timeToLiveAttribute: ALERT_TABLE_TTL_ATTRIBUTE,
    removalPolicy,
  });
}
