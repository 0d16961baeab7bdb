import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import type { AlertRecord } from '../../functions/core/alert-types.js';
import { UsageError } from '../../functions/core/errors.js';
import type { FindingCode } from '../../functions/core/types.js';

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

let dir: string;
let path: string;
let clock: Date;
let store: FileAlertStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-alert-store-'));
  path = join(dir, 'state.json');
  clock = T0;
  store = new FileAlertStore(path, { now: () => clock });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('FileAlertStore alert records', () => {
  it('round-trips a record exactly, through a fresh store on the same file', async () => {
    // Prepare
    const record = alertRecord();
    const delivered = alertRecord({ notifiedAt: '2026-11-24T10:00:05.000Z', claimedUntil: null, version: 2 });

    // Act
    const created = await store.compareAndSet(record, 0);
    const afterCreate = await new FileAlertStore(path).load(ACCOUNT);
    const updated = await store.compareAndSet(delivered, 1);
    const afterUpdate = await new FileAlertStore(path).load(ACCOUNT);

    // Assess
    expect(created).toBe(true);
    expect(afterCreate).toEqual([record]);
    expect(updated).toBe(true);
    expect(afterUpdate).toEqual([delivered]);
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
    await store.compareAndSet(alertRecord(), 0);
    await store.compareAndSet(alertRecord({ version: 2 }), 1);

    // Act
    const stale = await store.compareAndSet(alertRecord({ fingerprint: 'stale', version: 2 }), 1);
    const ahead = await store.compareAndSet(alertRecord({ fingerprint: 'ahead', version: 4 }), 3);
    const absent = await store.compareAndSet(alertRecord({ code: 'ROLE_ORPHANED', version: 2 }), 1);

    // Assess
    expect([stale, ahead, absent]).toEqual([false, false, false]);
    expect(await store.load(ACCOUNT)).toEqual([alertRecord({ version: 2 })]);
  });

  it('lets exactly one of 20 concurrent creates in the process win, and stores the winner', async () => {
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

  it("loads only the account's alerts", async () => {
    // Prepare
    const codes: FindingCode[] = ['ROLE_POLICY_DRIFT', 'ROLE_MISSING', 'ROLE_ORPHANED'];
    const mine = codes.map((code) => alertRecord({ code, fingerprint: code }));
    for (const record of mine) await store.compareAndSet(record, 0);
    const theirs = alertRecord({ account: OTHER_ACCOUNT, code: 'OBSERVATION_INCOMPLETE' });
    await store.compareAndSet(theirs, 0);
    await store.setDeletionTask(ACCOUNT, 'task/1');
    await store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z');

    // Act
    const loaded = await store.load(ACCOUNT);
    const loadedOther = await store.load(OTHER_ACCOUNT);

    // Assess
    expect(loaded).toHaveLength(mine.length);
    expect(loaded).toEqual(expect.arrayContaining(mine));
    expect(loadedOther).toEqual([theirs]);
  });
});

describe('FileAlertStore events', () => {
  it('has not seen an event until it is remembered', async () => {
    // Act
    const before = await store.hasSeenEvent('event-1');
    await store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z');
    const after = await store.hasSeenEvent('event-1');
    const other = await store.hasSeenEvent('event-2');

    // Assess
    expect([before, after, other]).toEqual([false, true, false]);
  });

  it('treats an event whose expiry has passed as not seen, and drops it on the next write', async () => {
    // Prepare
    await store.rememberEvent('event-1', '2026-11-24T11:00:00.000Z');

    // Act
    const beforeExpiry = await store.hasSeenEvent('event-1');
    clock = new Date('2026-11-24T11:00:01.000Z');
    const afterExpiry = await store.hasSeenEvent('event-1');
    await store.rememberEvent('event-2', '2026-11-25T11:00:00.000Z');

    // Assess
    expect(beforeExpiry).toBe(true);
    expect(afterExpiry).toBe(false);
    const { events } = JSON.parse(await readFile(path, 'utf8'));
    expect(events).toEqual([{ eventId: 'event-2', expiresAt: '2026-11-25T11:00:00.000Z' }]);
  });
});

describe('FileAlertStore deletion task', () => {
  it('follows a deletion task per account until it is cleared', async () => {
    // Prepare
    const task = 'task/aws-service-role/replication.ecr.amazonaws.com/0f1e2d3c';

    // Act
    const before = await store.deletionTask(ACCOUNT);
    await store.setDeletionTask(ACCOUNT, task);
    const followed = await new FileAlertStore(path).deletionTask(ACCOUNT);
    const otherAccount = await store.deletionTask(OTHER_ACCOUNT);
    await store.setDeletionTask(ACCOUNT, undefined);
    const cleared = await new FileAlertStore(path).deletionTask(ACCOUNT);

    // Assess
    expect(before).toBeUndefined();
    expect(followed).toBe(task);
    expect(otherAccount).toBeUndefined();
    expect(cleared).toBeUndefined();
  });
});

describe('FileAlertStore file handling', () => {
  it('reads a missing file as an empty state, without creating it', async () => {
    // Act
    const loaded = await store.load(ACCOUNT);
    const seen = await store.hasSeenEvent('event-1');
    const task = await store.deletionTask(ACCOUNT);

    // Assess
    expect([loaded, seen, task]).toEqual([[], false, undefined]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('creates the file, and its folder, on the first write, leaving no temporary file behind', async () => {
    // Prepare
    const nested = join(dir, 'state', 'alerts.json');
    const nestedStore = new FileAlertStore(nested);

    // Act
    await nestedStore.compareAndSet(alertRecord(), 0);
    await nestedStore.rememberEvent('event-1', '2026-11-25T10:00:00.000Z');

    // Assess
    expect(await readdir(join(dir, 'state'))).toEqual(['alerts.json']);
    expect(JSON.parse(await readFile(nested, 'utf8'))).toMatchObject({ format: 1, alerts: [alertRecord()] });
  });

  it.each([
    ['not JSON', '{"format": 1, "alerts": ['],
    ['not a state file', '["an", "array"]'],
    [
      'a record without a version',
      JSON.stringify({ format: 1, alerts: [{ account: ACCOUNT }], events: [], deletionTasks: [] }),
    ],
  ])(
    'refuses a corrupt file (%s) with an error naming the file and the fix, and leaves it as it was',
    async (_, text) => {
      // Prepare
      await writeFile(path, text);

      // Act
      const load = store.load(ACCOUNT);
      const write = store.compareAndSet(alertRecord(), 0);

      // Assess
      await expect(load).rejects.toThrow(UsageError);
      await expect(load).rejects.toThrow(path);
      await expect(write).rejects.toThrow(/Delete the file .*or point --state-file at another file/);
      expect(await readFile(path, 'utf8')).toBe(text);
    },
  );

  it('works again once the corrupt file is deleted', async () => {
    // Prepare
    await writeFile(path, 'garbage');
    const refused = await store.load(ACCOUNT).catch((error: unknown) => error);
    await rm(path);

    // Act
    const created = await store.compareAndSet(alertRecord(), 0);

    // Assess
    expect(refused).toBeInstanceOf(UsageError);
    expect(created).toBe(true);
    expect(await store.load(ACCOUNT)).toEqual([alertRecord()]);
  });
});
