import {
  type AttributeValue,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  type PutItemCommandInput,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { AlertRecordFieldsSchema, describeIssues } from '../core/alert-record-schema.js';
import type { AlertRecord } from '../core/alert-types.js';
import { assertVersionStep } from '../core/alerts.js';
import type { AlertStore, FollowedDeletion } from '../core/ports.js';
import { ALERT_TABLE_KEY, ALERT_TABLE_TTL_ATTRIBUTE } from '../settings.js';
import { queryByPrefix } from './dynamodb-query.js';

export { ALERT_TABLE_TTL_ATTRIBUTE };

const ALERT_PREFIX = 'ALERT#';
const EVENT_SORT_KEY = 'EVENT';
const DELETION_SORT_KEY = 'DELETION';

type Item = Record<string, AttributeValue>;

const accountKey = (account: string) => `ACCOUNT#${account}`;

/** `ALERT#<code>#<channel>`; records written before delivery was kept per channel are `ALERT#<code>`. */
const alertKey = (account: string, code: string, channel: string | undefined): Item => ({
  [ALERT_TABLE_KEY.partitionKey]: { S: accountKey(account) },
  [ALERT_TABLE_KEY.sortKey]: { S: `${ALERT_PREFIX}${code}${channel === undefined ? '' : `#${channel}`}` },
});

const eventKey = (eventId: string): Item => ({
  [ALERT_TABLE_KEY.partitionKey]: { S: `EVENT#${eventId}` },
  [ALERT_TABLE_KEY.sortKey]: { S: EVENT_SORT_KEY },
});

const deletionKey = (account: string): Item => ({
  [ALERT_TABLE_KEY.partitionKey]: { S: accountKey(account) },
  [ALERT_TABLE_KEY.sortKey]: { S: DELETION_SORT_KEY },
});

export interface DynamoDbAlertStoreOptions {
  /** Items per `Query` page (DynamoDB's `Limit`). Default: as many as fit in DynamoDB's 1 MB page. */
  readonly pageSize?: number;
}

/**
 * The alert state in one DynamoDB table (safety invariant 4), keyed `pk` (S) + `sk` (S):
 *
 * | item | `pk` | `sk` | attributes |
 * |---|---|---|---|
 * | alert record | `ACCOUNT#<account>` | `ALERT#<code>#<channel>` | the record's fields; `finding` as a JSON string; `version` (N) |
 * | handled event | `EVENT#<eventId>` | `EVENT` | `eventId`, `expiresAt` (N, epoch seconds, the table's TTL) |
 * | followed deletion task | `ACCOUNT#<account>` | `DELETION` | `taskId`, `since` (ISO-8601) |
 *
 * The same table holds organization mode's account register (`DynamoDbAccountRegister`, `pk` `ACCOUNTS`).
 *
 * Records are written only with a conditional `PutItem` on their `version`, so of concurrent writers over the same
 * version exactly one wins; the others get `false`. Every read is strongly consistent.
 *
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html
 * @example
 * const store = new DynamoDbAlertStore(new DynamoDBClient({}), process.env.ALERT_TABLE_NAME);
 * const records = await store.load('123456789012');
 */
export class DynamoDbAlertStore implements AlertStore {
  private readonly pageSize: number | undefined;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoDbAlertStoreOptions = {},
  ) {
    this.pageSize = options.pageSize;
  }

  async load(account: string): Promise<AlertRecord[]> {
    const items = await queryByPrefix(this.client, {
      tableName: this.tableName,
      partition: accountKey(account),
      prefix: ALERT_PREFIX,
      pageSize: this.pageSize,
    });
    return items.map((item) => this.toRecord(item));
  }

  async compareAndSet(next: AlertRecord, expectedVersion: number): Promise<boolean> {
    assertVersionStep(next, expectedVersion);
    const condition: Pick<
      PutItemCommandInput,
      'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'
    > =
      expectedVersion === 0
        ? {
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': ALERT_TABLE_KEY.partitionKey },
          }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
          };
    try {
      await this.client.send(
        new PutItemCommand({ TableName: this.tableName, Item: toItem(next), ...condition }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async hasSeenEvent(eventId: string, now: Date): Promise<boolean> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: eventKey(eventId), ConsistentRead: true }),
    );
    if (!item) return false;
    // TTL deletion happens some time after expiry (typically within days), so an expired item may still be read.
    const expiresAt = item[ALERT_TABLE_TTL_ATTRIBUTE]?.N;
    return expiresAt === undefined || Number(expiresAt) * 1000 > now.getTime();
  }

  async rememberEvent(eventId: string, expiresAt: string, _now: Date): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          ...eventKey(eventId),
          eventId: { S: eventId },
          [ALERT_TABLE_TTL_ATTRIBUTE]: { N: String(epochSeconds(expiresAt)) },
        },
      }),
    );
  }

  async deletionTask(account: string): Promise<FollowedDeletion | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: deletionKey(account), ConsistentRead: true }),
    );
    const taskId = item?.taskId?.S;
    // A task stored before tasks had a lifetime has no `since`: its lifetime starts at the epoch, so it ends now.
    return taskId === undefined ? undefined : { taskId, since: item?.since?.S ?? new Date(0).toISOString() };
  }

  async setDeletionTask(account: string, task: FollowedDeletion | undefined): Promise<void> {
    if (task === undefined) {
      await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: deletionKey(account) }));
      return;
    }
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { ...deletionKey(account), taskId: { S: task.taskId }, since: { S: task.since } },
      }),
    );
  }

  /** The record an item holds, validated: an item that is not one is an error naming the table, the item and why. */
  private toRecord(item: Item): AlertRecord {
    const where = `${item[ALERT_TABLE_KEY.partitionKey]?.S}/${item[ALERT_TABLE_KEY.sortKey]?.S}`;
    const fail = (reason: string): never => {
      throw new Error(`alert table ${this.tableName}: item ${where} is not an alert record: ${reason}`);
    };
    let fields: Record<string, unknown>;
    try {
      fields = unmarshall(item);
    } catch (error) {
      return fail((error as Error).message);
    }
    if (typeof fields.finding !== 'string') return fail('finding is not a string');
    let finding: unknown;
    try {
      finding = JSON.parse(fields.finding);
    } catch (error) {
      return fail(`finding is not JSON (${(error as Error).message})`);
    }
    // The keys (`pk`, `sk`) and any attribute that is not a record field are dropped.
    const result = AlertRecordFieldsSchema.safeParse({ ...fields, finding });
    if (!result.success) return fail(describeIssues(result.error.issues, 'the item'));
    // The schema checks what the type says, but for the finding code, left open on purpose (see the schema).
    return result.data as AlertRecord;
  }
}

/**
 * The item of a record: its key, its fields as DynamoDB types (`version` N, `null` as NULL, `channel` only when
 * set), and the finding as one JSON string (S), read back whole whatever fields it has.
 */
function toItem(record: AlertRecord): Item {
  const stored = {
    account: record.account,
    code: record.code,
    channel: record.channel,
    status: record.status,
    fingerprint: record.fingerprint,
    finding: JSON.stringify(record.finding),
    openedAt: record.openedAt,
    updatedAt: record.updatedAt,
    transition: record.transition,
    notifiedAt: record.notifiedAt,
    claimedUntil: record.claimedUntil,
    version: record.version,
  } satisfies Record<keyof AlertRecord, unknown>;
  return {
    ...alertKey(record.account, record.code, record.channel),
    ...marshall(stored, { removeUndefinedValues: true }),
  };
}

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}

function epochSeconds(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms))
    throw new RangeError(`expiresAt must be an ISO-8601 date-time, got ${JSON.stringify(iso)}`);
  return Math.ceil(ms / 1000);
}

/**
 * Creates the alert table as the CDK stack declares it (on-demand billing, `pk` + `sk`) and waits until it is
 * ACTIVE. An existing table of that name is accepted if its key schema matches. TTL is not switched on here (the
 * stack does it; the store ignores expired events either way).
 *
 * @example
 * await createAlertTable(client, 'alerts');
 * const store = new DynamoDbAlertStore(client, 'alerts');
 */
export async function createAlertTable(
  client: DynamoDBClient,
  tableName: string,
  maxWaitSeconds = 120,
): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: ALERT_TABLE_KEY.partitionKey, AttributeType: 'S' },
          { AttributeName: ALERT_TABLE_KEY.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: ALERT_TABLE_KEY.partitionKey, KeyType: 'HASH' },
          { AttributeName: ALERT_TABLE_KEY.sortKey, KeyType: 'RANGE' },
        ],
      }),
    );
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name !== 'ResourceInUseException') throw error;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: maxWaitSeconds, minDelay: 0.1, maxDelay: 5 },
    { TableName: tableName },
  );
  const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const keys = (table?.KeySchema ?? []).map((key) => `${key.AttributeName}:${key.KeyType}`).join(',');
  const expected = `${ALERT_TABLE_KEY.partitionKey}:HASH,${ALERT_TABLE_KEY.sortKey}:RANGE`;
  if (keys !== expected) {
    throw new Error(
      `table ${tableName} exists with key schema ${keys}, not ${expected}: choose another name`,
    );
  }
}
