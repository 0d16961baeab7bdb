import { GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbAccountRegister } from '../../functions/adapters/dynamodb-account-register.js';
import { createAlertTable, DynamoDbAlertStore } from '../../functions/adapters/dynamodb-alert-store.js';
import { alertRecord } from '../support/alert-store-contract.js';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite.js';
import { describeAccountRegisterContract } from './account-register-contract.js';

/* The account register in the alert table (dynalite): beside the alert records, never mixed with them. */

let dynamo: LocalDynamoDb;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo?.close();
});

const freshTable = async () => {
  const table = `accounts-${++tables}`;
  await createAlertTable(dynamo.client, table);
  return table;
};

describeAccountRegisterContract('DynamoDbAccountRegister', async () => {
  const table = await freshTable();
  return {
    register: new DynamoDbAccountRegister(dynamo.client, table),
    reopen: () => new DynamoDbAccountRegister(dynamo.client, table),
  };
});

describe('DynamoDbAccountRegister', () => {
  it('keeps one item per account under pk ACCOUNTS, sk ACCOUNT#<id>, apart from the alert records', async () => {
    // Prepare
    const table = await freshTable();
    const register = new DynamoDbAccountRegister(dynamo.client, table, () => 'mark-1');
    const store = new DynamoDbAlertStore(dynamo.client, table);
    await store.compareAndSet(alertRecord({ account: '111111111111', channel: 'sns' }), 0);

    // Act
    await register.setAccountName('111111111111', 'prod-eu');
    await register.markOpenAlerts('111111111111');

    // Assess
    const { Item: item } = await dynamo.client.send(
      new GetItemCommand({
        TableName: table,
        Key: { pk: { S: 'ACCOUNTS' }, sk: { S: 'ACCOUNT#111111111111' } },
        ConsistentRead: true,
      }),
    );
    expect(item).toEqual({
      pk: { S: 'ACCOUNTS' },
      sk: { S: 'ACCOUNT#111111111111' },
      account: { S: '111111111111' },
      name: { S: 'prod-eu' },
      openAlertsMark: { S: 'mark-1' },
    });
    expect(await store.load('111111111111')).toHaveLength(1);
  });

  it('lists the entries across pages', async () => {
    // Prepare: items large enough that the 1 MB page limit splits them.
    const table = await freshTable();
    const register = new DynamoDbAccountRegister(dynamo.client, table);
    const ids = Array.from({ length: 12 }, (_, n) => String(100000000000 + n));
    for (const id of ids) {
      await dynamo.client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            pk: { S: 'ACCOUNTS' },
            sk: { S: `ACCOUNT#${id}` },
            account: { S: id },
            padding: { S: 'x'.repeat(100_000) },
          },
        }),
      );
    }

    const send = vi.spyOn(dynamo.client, 'send');

    // Act
    const entries = await register.accountEntries();

    // Assess
    expect(entries.map((entry) => entry.account)).toEqual(ids);
    expect(send.mock.calls.filter(([command]) => command instanceof QueryCommand).length).toBeGreaterThan(1);
    send.mockRestore();
  });

  it('refuses an item that is not an account entry, naming the table and the item', async () => {
    const table = await freshTable();
    await dynamo.client.send(
      new PutItemCommand({ TableName: table, Item: { pk: { S: 'ACCOUNTS' }, sk: { S: 'ACCOUNT#x' } } }),
    );

    await expect(new DynamoDbAccountRegister(dynamo.client, table).accountEntries()).rejects.toThrow(
      `alert table ${table}: item ACCOUNTS/ACCOUNT#x is not an account entry`,
    );
  });
});
