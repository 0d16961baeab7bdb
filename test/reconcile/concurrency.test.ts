import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertTable, DynamoDbAlertStore } from '../../functions/adapters/dynamodb-alert-store.js';
import { reconcile } from '../../functions/reconcile/reconcile.js';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite.js';
import { FakeAccount, RecordingNotifier, silentLog } from '../support/fakes.js';
import { ACCOUNT, registry, role } from '../support/reads.js';

const T0 = new Date('2026-11-24T10:00:00.000Z');
const clock = { now: () => T0, sleep: async () => {} };

let dynamo: LocalDynamoDb;
let tables = 0;

beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => {
  await dynamo.close();
});

async function freshStore(): Promise<DynamoDbAlertStore> {
  const name = `alerts-${++tables}`;
  await createAlertTable(dynamo.client, name);
  return new DynamoDbAlertStore(dynamo.client, name);
}

describe('concurrent invocations over the same change (invariant 4, against DynamoDB)', () => {
  it.each([2, 10])('%i invocations announce the opening once', async (invocations) => {
    // Prepare
    const account = new FakeAccount().set(
      registry.replicating('us-east-1'),
      registry.notReplicating('eu-west-1'),
    );
    account.role = role.absent();
    const sns = new RecordingNotifier('sns');
    const deps = {
      reader: account,
      store: await freshStore(),
      notifiers: [sns],
      clock,
      log: silentLog(),
      graceSeconds: 0,
    };

    // Act: the same schedule delivered twice and several events, all at once.
    await Promise.all(
      Array.from({ length: invocations }, (_, i) =>
        reconcile(deps, { account: ACCOUNT, eventId: `evt-${i % 3}`, mode: 'confirm' }),
      ),
    );

    // Assess
    expect(sns.sent.map((n) => `${n.finding.code} ${n.transition}`)).toEqual(['ROLE_MISSING opened']);
  });

  it('recognises a re-delivered event as a duplicate: it reads nothing and sends nothing', async () => {
    // Prepare
    const account = new FakeAccount().set(registry.replicating('us-east-1'));
    account.role = role.absent();
    const sns = new RecordingNotifier('sns');
    const deps = {
      reader: account,
      store: await freshStore(),
      notifiers: [sns],
      clock,
      log: silentLog(),
      graceSeconds: 0,
    };
    await reconcile(deps, { account: ACCOUNT, eventId: 'evt-1', mode: 'confirm' });
    const readsBefore = account.reads;

    // Act
    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () =>
        reconcile(deps, { account: ACCOUNT, eventId: 'evt-1', mode: 'confirm' }),
      ),
    );

    // Assess
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      'duplicate',
      'duplicate',
      'duplicate',
      'duplicate',
    ]);
    expect(account.reads).toBe(readsBefore);
    expect(sns.sent).toHaveLength(1);
  });

  it('announces the resolution once when invocations race it', async () => {
    const account = new FakeAccount().set(registry.replicating('us-east-1'));
    account.role = role.absent();
    const sns = new RecordingNotifier('sns');
    const deps = {
      reader: account,
      store: await freshStore(),
      notifiers: [sns],
      clock,
      log: silentLog(),
      graceSeconds: 0,
    };
    await reconcile(deps, { account: ACCOUNT, eventId: 'open', mode: 'confirm' });
    account.role = role.present();

    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        reconcile(deps, { account: ACCOUNT, eventId: `fix-${i}`, mode: 'confirm' }),
      ),
    );

    expect(sns.sent.map((n) => n.transition)).toEqual(['opened', 'resolved']);
  });
});
