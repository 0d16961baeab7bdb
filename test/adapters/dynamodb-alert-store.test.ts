import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ALERT_TABLE_TTL_ATTRIBUTE,
  createAlertTable,
  DynamoDbAlertStore,
} from '../../functions/adapters/dynamodb-alert-store.js';
import type { FindingCode } from '../../functions/core/types.js';
import { ALERT_TABLE_KEY } from '../../functions/settings.js';
import {
  ACCOUNT,
  alertRecord,
  describeAlertStoreContract,
  OTHER_ACCOUNT,
  T0,
} from '../support/alert-store-contract.js';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite.js';

let dynamo: LocalDynamoDb;
let tableName: string;
let tableCount = 0;
let store: DynamoDbAlertStore;

beforeAll(async () => {
  dynamo = await startDynalite();
});

afterAll(async () => {
  await dynamo?.close();
});

beforeEach(async () => {
  tableName = `alerts-${++tableCount}`;
  await createAlertTable(dynamo.client, tableName);
  store = new DynamoDbAlertStore(dynamo.client, tableName);
});

const rawItem = async (pk: string, sk: string) =>
  (
    await dynamo.client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: pk }, sk: { S: sk } },
        ConsistentRead: true,
      }),
    )
  ).Item;

describeAlertStoreContract('DynamoDbAlertStore', async () => {
  const table = `alerts-${++tableCount}`;
  await createAlertTable(dynamo.client, table);
  return {
    store: new DynamoDbAlertStore(dynamo.client, table),
    reopen: () => new DynamoDbAlertStore(dynamo.client, table),
  };
});

describe('DynamoDbAlertStore alert records', () => {
  it('stores a record at ACCOUNT#<account> / ALERT#<code> with a numeric version', async () => {
    // Act
    await store.compareAndSet(alertRecord({ code: 'ROLE_POLICY_DRIFT' }), 0);

    // Assess
    const item = await rawItem(`ACCOUNT#${ACCOUNT}`, 'ALERT#ROLE_POLICY_DRIFT');
    expect(item?.version).toEqual({ N: '1' });
    expect(item?.notifiedAt).toEqual({ NULL: true });
    expect(JSON.parse(item?.finding?.S ?? 'null')).toEqual(
      alertRecord({ code: 'ROLE_POLICY_DRIFT' }).finding,
    );
  });

  it('throws, rather than answering false, when the table cannot be written', async () => {
    // Prepare
    const missing = new DynamoDbAlertStore(dynamo.client, 'no-such-table');

    // Act
    const write = missing.compareAndSet(alertRecord(), 0);

    // Assess
    await expect(write).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it("loads only the account's alerts, across several pages", async () => {
    // Prepare
    const paged = new DynamoDbAlertStore(dynamo.client, tableName, { pageSize: 2 });
    const codes: FindingCode[] = [
      'ROLE_MISSING',
      'ROLE_ORPHANED',
      'ROLE_NOT_SERVICE_LINKED',
      'ROLE_POLICY_DRIFT',
      'ROLE_DELETION_BLOCKED',
    ];
    const mine = codes.map((code) => alertRecord({ code, fingerprint: code }));
    for (const record of mine) await paged.compareAndSet(record, 0);
    await paged.compareAndSet(alertRecord({ account: OTHER_ACCOUNT, code: 'OBSERVATION_INCOMPLETE' }), 0);
    await paged.compareAndSet(alertRecord({ account: `${ACCOUNT}0`, code: 'ROLE_MISSING' }), 0);
    await paged.setDeletionTask(ACCOUNT, {
      taskId: 'task/aws-service-role/replication.ecr.amazonaws.com/1',
      since: T0.toISOString(),
    });
    await paged.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0);
    const send = vi.spyOn(dynamo.client, 'send');

    // Act
    const loaded = await paged.load(ACCOUNT);

    // Assess
    const queries = send.mock.calls.filter(([command]) => command instanceof QueryCommand);
    send.mockRestore();
    expect(queries.length).toBeGreaterThan(2);
    expect(loaded).toHaveLength(mine.length);
    expect(loaded).toEqual(expect.arrayContaining(mine));
    expect(await paged.load(OTHER_ACCOUNT)).toEqual([
      alertRecord({ account: OTHER_ACCOUNT, code: 'OBSERVATION_INCOMPLETE' }),
    ]);
  });
});

describe('DynamoDbAlertStore item layout', () => {
  it('stores every field with its DynamoDB type: the finding as one JSON string, nulls as NULL, version as N', async () => {
    // Prepare
    const record = alertRecord({
      channel: 'slack',
      notifiedAt: '2026-11-24T10:00:05.000Z',
      claimedUntil: null,
    });

    // Act
    await store.compareAndSet(record, 0);

    // Assess
    expect(await rawItem(`ACCOUNT#${ACCOUNT}`, 'ALERT#ROLE_MISSING#slack')).toEqual({
      pk: { S: `ACCOUNT#${ACCOUNT}` },
      sk: { S: 'ALERT#ROLE_MISSING#slack' },
      account: { S: ACCOUNT },
      code: { S: 'ROLE_MISSING' },
      channel: { S: 'slack' },
      status: { S: 'open' },
      fingerprint: { S: record.fingerprint },
      finding: { S: JSON.stringify(record.finding) },
      openedAt: { S: record.openedAt },
      updatedAt: { S: record.updatedAt },
      transition: { S: 'opened' },
      notifiedAt: { S: '2026-11-24T10:00:05.000Z' },
      claimedUntil: { NULL: true },
      version: { N: '1' },
    });
  });

  it('writes no channel attribute for a record without a channel', async () => {
    // Act
    await store.compareAndSet(alertRecord(), 0);

    // Assess
    const item = await rawItem(`ACCOUNT#${ACCOUNT}`, 'ALERT#ROLE_MISSING');
    expect(item).toBeDefined();
    expect(Object.keys(item ?? {}).sort()).toEqual(
      [
        'pk',
        'sk',
        'account',
        'code',
        'status',
        'fingerprint',
        'finding',
        'openedAt',
        'updatedAt',
        'transition',
        'notifiedAt',
        'claimedUntil',
        'version',
      ].sort(),
    );
  });

  it('reads a record back without the table keys or attributes it does not know', async () => {
    // Prepare
    await store.compareAndSet(alertRecord(), 0);
    const item = await rawItem(`ACCOUNT#${ACCOUNT}`, 'ALERT#ROLE_MISSING');
    await dynamo.client.send(
      new PutItemCommand({ TableName: tableName, Item: { ...item, addedLater: { S: 'x' } } }),
    );

    // Act
    const loaded = await store.load(ACCOUNT);

    // Assess
    expect(loaded).toEqual([alertRecord()]);
    expect(Object.keys(loaded[0] ?? {})).not.toContain('pk');
    expect(Object.keys(loaded[0] ?? {})).not.toContain('addedLater');
  });

  it.each([
    ['a finding that is not JSON', { finding: { S: '{"code":' } }, /finding is not JSON \(/],
    ['no finding', { finding: undefined }, /finding is not a string/],
    ['a finding without its code', { finding: { S: '{"severity":"high"}' } }, /finding\.code: /],
    ['a version stored as a string', { version: { S: '1' } }, /version: .*expected number/],
    ['a version of 0', { version: { N: '0' } }, /version: /],
    ['a version too large for a number', { version: { N: '99999999999999999999' } }, /version: /],
    ['a status it does not know', { status: { S: 'snoozed' } }, /status: /],
    ['no account', { account: undefined }, /account: /],
    [
      'an openedAt that is not a date-time',
      { openedAt: { S: 'yesterday' } },
      /openedAt: expected an ISO-8601 date-time/,
    ],
    ['a notifiedAt neither a string nor null', { notifiedAt: { N: '1' } }, /notifiedAt: /],
  ])('refuses an item with %s, naming the table, the item and what is wrong', async (_label, change, why) => {
    // Prepare
    await store.compareAndSet(alertRecord(), 0);
    const item = { ...(await rawItem(`ACCOUNT#${ACCOUNT}`, 'ALERT#ROLE_MISSING')), ...change };
    const defined = Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
    await dynamo.client.send(new PutItemCommand({ TableName: tableName, Item: defined }));

    // Act
    const load = store.load(ACCOUNT);

    // Assess
    await expect(load).rejects.toThrow(
      `alert table ${tableName}: item ACCOUNT#${ACCOUNT}/ALERT#ROLE_MISSING is not an alert record: `,
    );
    await expect(load).rejects.toThrow(why);
  });
});

describe('DynamoDbAlertStore events', () => {
  it('stores the expiry as epoch seconds in the TTL attribute of EVENT#<id> / EVENT', async () => {
    // Act
    await store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0);

    // Assess
    const item = await rawItem('EVENT#event-1', 'EVENT');
    expect(item?.[ALERT_TABLE_TTL_ATTRIBUTE]).toEqual({
      N: String(Date.parse('2026-11-25T10:00:00.000Z') / 1000),
    });
  });

  it('keeps an expired event’s item for the TTL to delete, while reading it as not seen', async () => {
    // Prepare
    await store.rememberEvent('event-1', '2026-11-24T11:00:00.000Z', T0);

    // Act
    const beforeExpiry = await store.hasSeenEvent('event-1', T0);
    const afterExpiry = await store.hasSeenEvent('event-1', new Date('2026-11-24T11:00:01.000Z'));

    // Assess
    expect(beforeExpiry).toBe(true);
    expect(afterExpiry).toBe(false);
    expect(await rawItem('EVENT#event-1', 'EVENT')).toBeDefined();
  });
});

describe('createAlertTable', () => {
  it('creates an on-demand table keyed pk + sk, and accepts it when it already exists', async () => {
    // Act
    await createAlertTable(dynamo.client, tableName);
    const { Table: table } = await dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));

    // Assess
    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table?.KeySchema).toEqual([
      { AttributeName: ALERT_TABLE_KEY.partitionKey, KeyType: 'HASH' },
      { AttributeName: ALERT_TABLE_KEY.sortKey, KeyType: 'RANGE' },
    ]);
  });

  it('refuses an existing table of that name with another key schema', async () => {
    // Prepare
    await dynamo.client.send(
      new CreateTableCommand({
        TableName: `${tableName}-other`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );

    // Act
    const create = createAlertTable(dynamo.client, `${tableName}-other`);

    // Assess
    await expect(create).rejects.toThrow(/key schema id:HASH/);
  });
});
