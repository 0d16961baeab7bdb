import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAccountRegister } from '../../functions/adapters/dynamodb-account-register.js';
import { createAlertTable, DynamoDbAlertStore } from '../../functions/adapters/dynamodb-alert-store.js';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import { handleAccountMessage } from '../../functions/app/account-queue/handle-message.js';
import type { OutgoingMessage } from '../../functions/app/sweep/send-batches.js';
import { sweepOrganization } from '../../functions/app/sweep/sweep.js';
import { createTelemetry } from '../../functions/app/telemetry.js';
import type { AccountRegister, AlertStore } from '../../functions/core/ports.js';
import type { RegistryRead } from '../../functions/core/types.js';
import type { OrganizationAccount } from '../../functions/organization/accounts.js';
import type { ReconcileDeps } from '../../functions/reconcile/reconcile.js';
import { testClock } from '../support/clock.js';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite.js';
import { FakeAccount, RecordingNotifier, silentLog } from '../support/fakes.js';
import { role } from '../support/reads.js';

/*
 * Accounts that leave the watch (organization mode), end to end through the sweep and the account queue, on both
 * stores: an account suspended or gone has its open alerts closed, each channel told once, saying so — whether the
 * sweep runs once, again and again, or several at once with their messages handled at once.
 */

const HUB = '999999999999';
const MEMBER = '111111111111';
const OTHER = '222222222222';

/** An account whose registries name it, replicating without its role: ROLE_MISSING. */
function roleMissingIn(account: string): FakeAccount {
  const read = (region: string, rules: unknown[]): RegistryRead => ({
    region,
    outcome: 'read',
    registryId: account,
    replicationConfiguration: { rules },
  });
  const fake = new FakeAccount().set(
    read('us-east-1', [{ destinations: [{ region: 'eu-west-1', registryId: account }] }]),
    read('eu-west-1', []),
  );
  fake.role = role.absent();
  return fake;
}

/** The organization as the sweep lists it (changed by the test), and the deps of the recheck function. */
function organization(store: AlertStore, register: AccountRegister) {
  const accounts = new Map([HUB, MEMBER, OTHER].map((id) => [id, roleMissingIn(id)]));
  let listing: OrganizationAccount[] = [
    { id: HUB, name: 'hub', state: 'ACTIVE' },
    { id: MEMBER, name: 'payments', state: 'ACTIVE' },
    { id: OTHER, name: 'legacy', state: 'ACTIVE' },
  ];
  const channels = [new RecordingNotifier('sns'), new RecordingNotifier('slack')];
  const clock = testClock();
  const deps: ReconcileDeps = {
    reader: accounts.get(HUB) as FakeAccount,
    readerFor: async (account) => ({ ok: true, reader: accounts.get(account) as FakeAccount }),
    store,
    register,
    notifiers: channels,
    clock,
    log: silentLog(),
    regions: ['eu-west-1', 'us-east-1'],
    graceSeconds: 0,
  };
  const telemetry = createTelemetry(silentLog(), { count: () => {} });
  let received = 0;

  /** One sweep, then every message it sent handled by the recheck function, all at once. */
  const sweepAndHandle = async () => {
    const sent: OutgoingMessage[] = [];
    await sweepOrganization(
      {
        listAccounts: async () => listing,
        accountEntries: () => register.accountEntries(),
        send: async (messages) => void sent.push(...messages),
      },
      silentLog(),
    );
    await Promise.all(
      sent.map((message) =>
        handleAccountMessage(deps, telemetry, { messageId: `m-${++received}`, body: message.body }),
      ),
    );
    return sent;
  };
  return {
    channels,
    clock,
    sweepAndHandle,
    list: (next: OrganizationAccount[]) => {
      listing = next;
    },
  };
}

/** What each channel was told about an account, as `code transition (why)`. */
const heard = (channel: RecordingNotifier, account: string) =>
  channel.sent
    .filter((notification) => notification.account === account)
    .map(
      (n) =>
        `${n.finding.code} ${n.transition}${n.departure ? ` (${n.departure.state ?? 'left'}, ${n.accountName})` : ''}`,
    );

describe.each([
  ['DynamoDB (dynalite)', 'dynamodb'],
  ['the state file', 'file'],
] as const)('%s: alerts of departed accounts are closed once per channel', (_, kind) => {
  let dynamo: LocalDynamoDb | undefined;
  let dir: string;
  let tables = 0;

  beforeAll(async () => {
    if (kind === 'dynamodb') dynamo = await startDynalite();
    dir = await mkdtemp(join(tmpdir(), 'departure-once-'));
  });
  afterAll(async () => {
    await dynamo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const fresh = async (): Promise<{ store: AlertStore; register: AccountRegister }> => {
    const name = `alerts-${++tables}`;
    if (!dynamo) {
      const file = new FileAlertStore(join(dir, `${name}.json`));
      return { store: file, register: file };
    }
    await createAlertTable(dynamo.client, name);
    return {
      store: new DynamoDbAlertStore(dynamo.client, name),
      register: new DynamoDbAccountRegister(dynamo.client, name),
    };
  };

  it('closes a suspended account’s alerts once, however many sweeps run after, one after the other', async () => {
    // Prepare
    const { store, register } = await fresh();
    const org = organization(store, register);
    await org.sweepAndHandle();
    org.list([
      { id: HUB, name: 'hub', state: 'ACTIVE' },
      { id: MEMBER, name: 'payments', state: 'SUSPENDED' },
      { id: OTHER, name: 'legacy', state: 'ACTIVE' },
    ]);

    // Act
    const first = await org.sweepAndHandle();
    org.clock.tick(60_000);
    const second = await org.sweepAndHandle();
    org.clock.tick(60_000);
    await org.sweepAndHandle();

    // Assess
    for (const channel of org.channels) {
      expect(heard(channel, MEMBER)).toEqual([
        'ROLE_MISSING opened',
        'ROLE_MISSING resolved (SUSPENDED, payments)',
      ]);
      expect(heard(channel, OTHER)).toEqual(['ROLE_MISSING opened']);
      expect(heard(channel, HUB)).toEqual(['ROLE_MISSING opened']);
    }
    expect(first.filter((message) => message.id.startsWith('departure-'))).toHaveLength(1);
    // Once every alert of the account is closed, the sweep no longer asks.
    expect(second.filter((message) => message.id.startsWith('departure-'))).toEqual([]);
    expect((await store.load(MEMBER)).every((record) => record.status === 'resolved')).toBe(true);
  });

  it('closes the alerts of an account gone from the organization once, with several sweeps at once', async () => {
    // Prepare
    const { store, register } = await fresh();
    const org = organization(store, register);
    await org.sweepAndHandle();
    org.list([
      { id: HUB, name: 'hub', state: 'ACTIVE' },
      { id: OTHER, name: 'legacy', state: 'CLOSED' },
    ]);

    // Act
    await Promise.all([org.sweepAndHandle(), org.sweepAndHandle(), org.sweepAndHandle()]);
    org.clock.tick(10 * 60_000);
    await Promise.all([org.sweepAndHandle(), org.sweepAndHandle()]);

    // Assess
    for (const channel of org.channels) {
      // Gone from the list: it left the organization; named as the register last knew it.
      expect(heard(channel, MEMBER)).toEqual([
        'ROLE_MISSING opened',
        'ROLE_MISSING resolved (left, payments)',
      ]);
      expect(heard(channel, OTHER)).toEqual([
        'ROLE_MISSING opened',
        'ROLE_MISSING resolved (CLOSED, legacy)',
      ]);
      expect(heard(channel, HUB)).toEqual(['ROLE_MISSING opened']);
    }
    expect((await register.accountEntries()).filter((entry) => entry.openAlertsMark !== null)).toEqual([
      expect.objectContaining({ account: HUB }),
    ]);
  });

  it('tells a channel that failed once it is back, and the others never twice', async () => {
    // Prepare
    const { store, register } = await fresh();
    const org = organization(store, register);
    await org.sweepAndHandle();
    org.list([
      { id: HUB, name: 'hub', state: 'ACTIVE' },
      { id: MEMBER, name: 'payments', state: 'SUSPENDED' },
      { id: OTHER, name: 'legacy', state: 'ACTIVE' },
    ]);
    const [sns, slack] = org.channels;
    if (!sns || !slack) throw new Error('two channels');
    slack.failWith = new Error('slack is down');

    // Act
    const failing = org.sweepAndHandle();
    await expect(failing).rejects.toThrow(/slack is down/);
    slack.failWith = undefined;
    org.clock.tick(60_000);
    await org.sweepAndHandle();
    org.clock.tick(60_000);
    const after = await org.sweepAndHandle();

    // Assess
    expect(heard(sns, MEMBER)).toEqual([
      'ROLE_MISSING opened',
      'ROLE_MISSING resolved (SUSPENDED, payments)',
    ]);
    expect(heard(slack, MEMBER)).toEqual([
      'ROLE_MISSING opened',
      'ROLE_MISSING resolved (SUSPENDED, payments)',
    ]);
    expect(after.filter((message) => message.id.startsWith('departure-'))).toEqual([]);
  });
});
