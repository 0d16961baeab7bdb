import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AccountEntry, AccountRegister } from '../core/ports.js';
import { ALERT_TABLE_KEY } from '../settings.js';
import { queryByPrefix } from './dynamodb-query.js';

type Item = Record<string, AttributeValue>;

/** The one partition holding every account's entry: the sweep reads it whole with a paginated `Query`. */
const REGISTER_PARTITION = 'ACCOUNTS';
const ENTRY_PREFIX = 'ACCOUNT#';

const entryKey = (account: string): Item =>
  marshall({
    [ALERT_TABLE_KEY.partitionKey]: REGISTER_PARTITION,
    [ALERT_TABLE_KEY.sortKey]: `${ENTRY_PREFIX}${account}`,
  });

/**
 * The account register (organization mode) in the alert table, one small item per account:
 *
 * | item | `pk` | `sk` | attributes |
 * |---|---|---|---|
 * | account entry | `ACCOUNTS` | `ACCOUNT#<account>` | `account`, `name` (when seen), `openAlertsMark` (while set) |
 *
 * Every entry lives in one partition, so that the sweep lists them with a `Query` (paginated) that reads only them,
 * about 100 bytes an account, where a `Scan` would read every alert record and remembered event of the table too.
 * Each change is an `UpdateItem` of its own attributes, so that a name and a mark written at once never undo one
 * another; clearing the mark is conditional on the token read before (compare-and-set).
 *
 * @example
 * const register = new DynamoDbAccountRegister(new DynamoDBClient({}), process.env.ALERT_TABLE_NAME);
 * await register.setAccountName('111122223333', 'prod-eu');
 */
export class DynamoDbAccountRegister implements AccountRegister {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly newMark: () => string = randomUUID,
  ) {}

  async accountEntry(account: string): Promise<AccountEntry | undefined> {
    const { Item: item } = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: entryKey(account), ConsistentRead: true }),
    );
    return item ? this.toEntry(item) : undefined;
  }

  async accountEntries(): Promise<AccountEntry[]> {
    const items = await queryByPrefix(this.client, {
      tableName: this.tableName,
      partition: REGISTER_PARTITION,
      prefix: ENTRY_PREFIX,
    });
    return items.map((item) => this.toEntry(item)).sort((a, b) => a.account.localeCompare(b.account));
  }

  async setAccountName(account: string, name: string): Promise<void> {
    await this.update(
      account,
      'SET #account = :account, #name = :name',
      { '#name': 'name' },
      { ':name': name },
    );
  }

  async markOpenAlerts(account: string): Promise<void> {
    await this.update(
      account,
      'SET #account = :account, #mark = :mark',
      { '#mark': 'openAlertsMark' },
      { ':mark': this.newMark() },
    );
  }

  async clearOpenAlertsMark(account: string, mark: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: entryKey(account),
          UpdateExpression: 'REMOVE #mark',
          ConditionExpression: '#mark = :mark',
          ExpressionAttributeNames: { '#mark': 'openAlertsMark' },
          ExpressionAttributeValues: marshall({ ':mark': mark }),
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private async update(
    account: string,
    expression: string,
    names: Record<string, string>,
    values: Record<string, string>,
  ): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: entryKey(account),
        UpdateExpression: expression,
        ExpressionAttributeNames: { '#account': 'account', ...names },
        ExpressionAttributeValues: marshall({ ':account': account, ...values }),
      }),
    );
  }

  /** The entry an item holds; an item that is not one is an error naming the table and the item. */
  private toEntry(item: Item): AccountEntry {
    const fields = unmarshall(item) as Record<string, unknown>;
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
    const account = text(fields.account);
    if (account === null || !/^\d{12}$/.test(account)) {
      const where = `${fields[ALERT_TABLE_KEY.partitionKey]}/${fields[ALERT_TABLE_KEY.sortKey]}`;
      throw new Error(`alert table ${this.tableName}: item ${where} is not an account entry: no account id`);
    }
    return { account, name: text(fields.name), openAlertsMark: text(fields.openAlertsMark) };
  }
}
