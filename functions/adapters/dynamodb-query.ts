import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ALERT_TABLE_KEY } from '../settings.js';

type Item = Record<string, AttributeValue>;

/**
 * Every item of one partition whose sort key starts with `prefix`, read consistently, page after page until DynamoDB
 * says there is no more (`LastEvaluatedKey` absent): what the alert table's records and account register are read with.
 */
export async function queryByPrefix(
  client: DynamoDBClient,
  query: {
    readonly tableName: string;
    readonly partition: string;
    readonly prefix: string;
    readonly pageSize?: number | undefined;
  },
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: query.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': ALERT_TABLE_KEY.partitionKey, '#sk': ALERT_TABLE_KEY.sortKey },
        ExpressionAttributeValues: { ':pk': { S: query.partition }, ':prefix': { S: query.prefix } },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
        ...(query.pageSize === undefined ? {} : { Limit: query.pageSize }),
      }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}
