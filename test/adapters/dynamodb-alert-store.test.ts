import {
  CreateTableCommand,
  DescribeTableCommand,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ALERT_TABLE_KEY,
  ALERT_TABLE_TTL_ATTRIBUTE,
  createAlertTable,
  DynamoDbAlertStore,
} from '../../functions/adapters/dynamodb-alert-store.js';
import type { AlertRecord } from '../../functions/core/alert-types.js';
import type { FindingCode } from '../../functions/core/types.js';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite.js';

const ACCOUNT = '123456789012';
const OTHER_ACCOUNT = '210987654321';
const T0 = new Date('2026-11-24T10:00:00.000Z');

const alertRecord = (overrides: Partial<AlertRecord> = {}): AlertRecord => ({
  account: ACCOUNT,
  code: 'ROLE_MISSING',
  status: 'open',
  fingerprint: 'ROLE_MISSING|us-east-1',
  finding: {
    code: overrides.code ?? 'ROLE_MISSING',
    severity: 'high',
    message:
      'us-east-1 replicates but the role AWSServiceRoleForECRReplication is missing — “replication fails”',
    regions: ['us-east-1'],
    evidence: {
      readAt: T0.toISOString(),
      roleLastUsed: null,
      rules: [{ destinations: [{ region: 'eu-west-1' }] }],
    },
    remediation: 'aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com',
  },
  openedAt: T0.toISOString(),
  updatedAt: T0.toISOString(),
  transition: 'opened',
  notifiedAt: null,
  claimedUntil: '2026-11-24T10:01:00.000Z',
  version: 1,
  ...overrides,
});

let dynamo: LocalDynamoDb;
let tableName: string;
let tableCount = 0;
let clock: Date;
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
  clock = T0;
  store = new DynamoDbAlertStore(dynamo.client, tableName, { now: () => clock });
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

describe('DynamoDbAlertStore alert records', () => {
  it('round-trips a record exactly, nulls and the finding included', async () => {
    // Prepare
    const record = alertRecord();
    const delivered = alertRecord({ notifiedAt: '2026-11-24T10:00:05.000Z', claimedUntil: null, version: 2 });

    // Act
    const created = await store.compareAndSet(record, 0);
    const afterCreate = await store.load(ACCOUNT);
    const updated = await store.compareAndSet(delivered, 1);
    const afterUpdate = await store.load(ACCOUNT);

    // Assess
    expect(created).toBe(true);
    expect(afterCreate).toEqual([record]);
    expect(updated).toBe(true);
    expect(afterUpdate).toEqual([delivered]);
  });

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

  it('creates a record once: a second create with expected version 0 is refused and changes nothing', async () => {
    // Prepare
    const first = alertRecord({ fingerprint: 'first' });
    await store.compareAndSet(first, 0);

    // Act
    const second = await store.compareAndSet(alertRecord({ fingerprint: 'second' }), 0);

    // Assess
    expect(second).toBe(false);
    expect(await store.load(ACCOUNT)).toEqual([first]);
  });

  it('refuses an update over the wrong version, or over no record at all', async () => {
    // Prepare
    const stored = alertRecord();
    await store.compareAndSet(stored, 0);
    await store.compareAndSet(alertRecord({ version: 2 }), 1);

    // Act
    const stale = await store.compareAndSet(alertRecord({ fingerprint: 'stale', version: 2 }), 1);
    const ahead = await store.compareAndSet(alertRecord({ fingerprint: 'ahead', version: 4 }), 3);
    const absent = await store.compareAndSet(alertRecord({ code: 'ROLE_ORPHANED', version: 2 }), 1);

    // Assess
    expect([stale, ahead, absent]).toEqual([false, false, false]);
    expect(await store.load(ACCOUNT)).toEqual([alertRecord({ version: 2 })]);
  });

  it('lets exactly one of 20 concurrent creates win, and stores the winner', async () => {
    // Prepare
    const contenders = Array.from({ length: 20 }, (_, i) => alertRecord({ fingerprint: `contender-${i}` }));

    // Act
    const results = await Promise.all(contenders.map((record) => store.compareAndSet(record, 0)));

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.load(ACCOUNT)).toEqual([contenders[results.indexOf(true)]]);
  });

  it('lets exactly one of 20 concurrent updates over the same version win', async () => {
    // Prepare
    await store.compareAndSet(alertRecord(), 0);
    const contenders = Array.from({ length: 20 }, (_, i) =>
      alertRecord({ fingerprint: `update-${i}`, version: 2 }),
    );

    // Act
    const results = await Promise.all(contenders.map((record) => store.compareAndSet(record, 1)));

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.load(ACCOUNT)).toEqual([contenders[results.indexOf(true)]]);
  });

  it('rejects a record whose version is not the expected version + 1', async () => {
    // Act
    const skipping = store.compareAndSet(alertRecord({ version: 3 }), 1);

    // Assess
    await expect(skipping).rejects.toThrow(/version 2/);
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
    await paged.setDeletionTask(ACCOUNT, 'task/aws-service-role/replication.ecr.amazonaws.com/1');
    await paged.rememberEvent('event-1', '2026-11-25T10:00:00.000Z');
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

  it('loads nothing for an account without alerts', async () => {
    // Prepare
    await store.compareAndSet(alertRecord(), 0);

    // Act
    const loaded = await store.load(OTHER_ACCOUNT);

    // Assess
    expect(loaded).toEqual([]);
  });
});

describe('DynamoDbAlertStore events', () => {
  it('has not seen an event until it is remembered', async () => {
    // Act
    const before = await store.hasSeenEvent('event-1');
    await store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z');
    const after = await store.hasSeenEvent('event-1');
    const other = await store.hasSeenEvent('event-2');

    // Assess
    expect([before, after, other]).toEqual([false, true, false]);
  });

  it('stores the expiry as epoch seconds in the TTL attribute of EVENT#<id> / EVENT', async () => {
    // Act
    await store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z');

    // Assess
    const item = await rawItem('EVENT#event-1', 'EVENT');
    expect(item?.[ALERT_TABLE_TTL_ATTRIBUTE]).toEqual({
      N: String(Date.parse('2026-11-25T10:00:00.000Z') / 1000),
    });
  });

  it('treats an event whose expiry has passed as not seen, though the item is still there', async () => {
    // Prepare
    await store.rememberEvent('event-1', '2026-11-24T11:00:00.000Z');

    // Act
    const beforeExpiry = await store.hasSeenEvent('event-1');
    clock = new Date('2026-11-24T11:00:01.000Z');
    const afterExpiry = await store.hasSeenEvent('event-1');

    // Assess
    expect(beforeExpiry).toBe(true);
    expect(afterExpiry).toBe(false);
    expect(await rawItem('EVENT#event-1', 'EVENT')).toBeDefined();
  });

  it('rejects an expiry that is not a date', async () => {
    // Act
    const remember = store.rememberEvent('event-1', 'tomorrow');

    // Assess
    await expect(remember).rejects.toThrow(/ISO-8601/);
  });
});

describe('DynamoDbAlertStore deletion task', () => {
  it('follows a deletion task per account until it is cleared', async () => {
    // Prepare
    const task = 'task/aws-service-role/replication.ecr.amazonaws.com/0f1e2d3c';

    // Act
    const before = await store.deletionTask(ACCOUNT);
    await store.setDeletionTask(ACCOUNT, task);
    const followed = await store.deletionTask(ACCOUNT);
    const otherAccount = await store.deletionTask(OTHER_ACCOUNT);
    const loaded = await store.load(ACCOUNT);
    await store.setDeletionTask(ACCOUNT, undefined);
    const cleared = await store.deletionTask(ACCOUNT);

    // Assess
    expect(before).toBeUndefined();
    expect(followed).toBe(task);
    expect(otherAccount).toBeUndefined();
    expect(loaded).toEqual([]);
    expect(cleared).toBeUndefined();
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
