import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../../functions/core/alert-types.js';
import type { AlertStore } from '../../functions/core/ports.js';
import type { FindingCode } from '../../functions/core/types.js';

/*
 * What every AlertStore must do (safety invariant 4 rests on it), run against each adapter: the DynamoDB table
 * (dynalite) and the local JSON file. Each adapter's own test file adds what only it does.
 */

export const ACCOUNT = '123456789012';
export const OTHER_ACCOUNT = '210987654321';
export const T0 = new Date('2026-11-24T10:00:00.000Z');

export const alertRecord = (overrides: Partial<AlertRecord> = {}): AlertRecord => ({
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

/**
 * The shared cases. `openStore` gives an empty store; `reopen`, when the adapter keeps its state outside the
 * process, gives a second store on the same state, so that what is read back is what was stored. Time is the
 * caller's: every case passes its own instant, so none depends on today's date.
 */
export function describeAlertStoreContract(
  name: string,
  openStore: () => Promise<{ store: AlertStore; reopen: () => AlertStore }>,
): void {
  describe(`${name}: the AlertStore contract`, () => {
    let store: AlertStore;
    let reopen: () => AlertStore;

    beforeEach(async () => {
      ({ store, reopen } = await openStore());
    });

    it('round-trips a record exactly, nulls and the finding included', async () => {
      // Prepare
      const record = alertRecord();
      const delivered = alertRecord({
        notifiedAt: '2026-11-24T10:00:05.000Z',
        claimedUntil: null,
        version: 2,
      });

      // Act
      const created = await store.compareAndSet(record, 0);
      const afterCreate = await reopen().load(ACCOUNT);
      const updated = await store.compareAndSet(delivered, 1);
      const afterUpdate = await reopen().load(ACCOUNT);

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

    it('lets exactly one of 20 concurrent updates through two stores on the same state win', async () => {
      // Prepare
      await store.compareAndSet(alertRecord(), 0);
      const other = reopen();
      const contenders = Array.from({ length: 20 }, (_, i) =>
        alertRecord({ fingerprint: `two-stores-${i}`, version: 2 }),
      );

      // Act
      const results = await Promise.all(
        contenders.map((record, i) => (i % 2 === 0 ? store : other).compareAndSet(record, 1)),
      );

      // Assess
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await reopen().load(ACCOUNT)).toEqual([contenders[results.indexOf(true)]]);
    });

    it('keeps a record written before channels apart from the channel records of the same code', async () => {
      // Prepare
      const legacy = alertRecord();
      const sns = alertRecord({ channel: 'sns', fingerprint: 'sns' });
      await store.compareAndSet(legacy, 0);

      // Act
      const created = await store.compareAndSet(sns, 0);
      const legacyNext = await reopen().compareAndSet({ ...legacy, claimedUntil: null, version: 2 }, 1);
      const loaded = await reopen().load(ACCOUNT);

      // Assess
      expect([created, legacyNext]).toEqual([true, true]);
      expect(loaded).toHaveLength(2);
      expect(loaded).toEqual(expect.arrayContaining([sns, { ...legacy, claimedUntil: null, version: 2 }]));
      expect(loaded.find((record) => record.channel === undefined)).not.toHaveProperty('channel');
    });

    it('rejects a record whose version is not the expected version + 1', async () => {
      // Act
      const skipping = store.compareAndSet(alertRecord({ version: 3 }), 1);

      // Assess
      await expect(skipping).rejects.toThrow(/version 2/);
    });

    it("loads only the account's alerts, not its deletion task or remembered events", async () => {
      // Prepare
      const codes: FindingCode[] = ['ROLE_POLICY_DRIFT', 'ROLE_MISSING', 'ROLE_ORPHANED'];
      const mine = codes.map((code) => alertRecord({ code, fingerprint: code }));
      for (const record of mine) await store.compareAndSet(record, 0);
      const theirs = alertRecord({ account: OTHER_ACCOUNT, code: 'OBSERVATION_INCOMPLETE' });
      await store.compareAndSet(theirs, 0);
      await store.setDeletionTask(ACCOUNT, { taskId: 'task/1', since: T0.toISOString() });
      await store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0);

      // Act
      const loaded = await store.load(ACCOUNT);
      const loadedOther = await store.load(OTHER_ACCOUNT);
      const loadedNobody = await store.load('111111111111');

      // Assess
      expect(loaded).toHaveLength(mine.length);
      expect(loaded).toEqual(expect.arrayContaining(mine));
      expect(loadedOther).toEqual([theirs]);
      expect(loadedNobody).toEqual([]);
    });

    it('has not seen an event until it is remembered', async () => {
      // Act
      const before = await store.hasSeenEvent('event-1', T0);
      await store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0);
      const after = await reopen().hasSeenEvent('event-1', T0);
      const other = await store.hasSeenEvent('event-2', T0);

      // Assess
      expect([before, after, other]).toEqual([false, true, false]);
    });

    it('treats an event whose expiry has passed as not seen', async () => {
      // Prepare
      await store.rememberEvent('event-1', '2026-11-24T11:00:00.000Z', T0);

      // Act
      const beforeExpiry = await store.hasSeenEvent('event-1', new Date('2026-11-24T10:59:59.000Z'));
      const atExpiry = await store.hasSeenEvent('event-1', new Date('2026-11-24T11:00:00.000Z'));
      const afterExpiry = await reopen().hasSeenEvent('event-1', new Date('2026-11-24T11:00:01.000Z'));

      // Assess
      expect([beforeExpiry, atExpiry, afterExpiry]).toEqual([true, false, false]);
    });

    it('rejects an expiry that is not a date', async () => {
      // Act
      const remember = store.rememberEvent('event-1', 'tomorrow', T0);

      // Assess
      await expect(remember).rejects.toThrow(/ISO-8601/);
    });

    it('keeps one record per channel for the same account and code', async () => {
      // Prepare
      const sns = alertRecord({ channel: 'sns' });
      const slack = alertRecord({ channel: 'slack', transition: 'opened', notifiedAt: T0.toISOString() });

      // Act
      const first = await store.compareAndSet(sns, 0);
      const second = await store.compareAndSet(slack, 0);
      const again = await store.compareAndSet(alertRecord({ channel: 'sns' }), 0);
      const slackNext = await store.compareAndSet({ ...slack, claimedUntil: null, version: 2 }, 1);
      const loaded = await reopen().load(ACCOUNT);

      // Assess
      expect([first, second, again, slackNext]).toEqual([true, true, false, true]);
      expect(loaded).toHaveLength(2);
      expect(loaded).toEqual(expect.arrayContaining([sns, { ...slack, claimedUntil: null, version: 2 }]));
    });

    it('follows a deletion task per account until it is cleared', async () => {
      // Prepare
      const task = {
        taskId: 'task/aws-service-role/replication.ecr.amazonaws.com/0f1e2d3c',
        since: T0.toISOString(),
      };

      // Act
      const before = await store.deletionTask(ACCOUNT);
      await store.setDeletionTask(ACCOUNT, task);
      const followed = await reopen().deletionTask(ACCOUNT);
      const otherAccount = await store.deletionTask(OTHER_ACCOUNT);
      const loaded = await store.load(ACCOUNT);
      await store.setDeletionTask(ACCOUNT, undefined);
      const cleared = await reopen().deletionTask(ACCOUNT);

      // Assess
      expect(before).toBeUndefined();
      expect(followed).toEqual(task);
      expect(otherAccount).toBeUndefined();
      expect(loaded).toEqual([]);
      expect(cleared).toBeUndefined();
    });
  });
}
