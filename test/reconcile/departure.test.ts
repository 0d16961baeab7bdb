import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import type { AlertRecord } from '../../functions/core/alert-types.js';
import { closeDepartedAccount } from '../../functions/reconcile/departure.js';
import type { ReconcileDeps } from '../../functions/reconcile/reconcile.js';
import { ConfigError } from '../../functions/settings.js';
import { alertRecord } from '../support/alert-store-contract.js';
import { testClock } from '../support/clock.js';
import { FakeAccount, RecordingNotifier, silentLog } from '../support/fakes.js';

/*
 * Closing the alerts of an account no longer watched: each open alert once per channel, saying why, nothing read
 * in the account, and its open-alerts mark cleared only when nothing is left and no reconcile renewed it.
 */

const MEMBER = '111111111111';

let dir: string;
let store: FileAlertStore;
let sns: RecordingNotifier;
let slack: RecordingNotifier;
let account: FakeAccount;
let deps: ReconcileDeps;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'departure-'));
  store = new FileAlertStore(join(dir, 'state.json'));
  sns = new RecordingNotifier('sns');
  slack = new RecordingNotifier('slack');
  account = new FakeAccount();
  deps = {
    reader: account,
    store,
    register: store,
    notifiers: [sns, slack],
    clock: testClock(),
    log: silentLog(),
    graceSeconds: 0,
  };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** An alert announced on both channels, open. */
async function openAlert(overrides: Partial<AlertRecord> = {}): Promise<void> {
  for (const channel of ['sns', 'slack']) {
    await store.compareAndSet(
      alertRecord({
        account: MEMBER,
        channel,
        notifiedAt: '2026-11-24T09:00:00.000Z',
        claimedUntil: null,
        ...overrides,
      }),
      0,
    );
  }
  await store.markOpenAlerts(MEMBER);
}

describe('closeDepartedAccount', () => {
  it('tells each channel why the alert closes, names the account, and reads nothing', async () => {
    // Prepare
    await openAlert();

    // Act
    const outcome = await closeDepartedAccount(deps, {
      account: MEMBER,
      accountName: 'payments',
      state: 'SUSPENDED',
    });

    // Assess
    expect(outcome.notifications).toEqual([
      { transition: 'resolved', code: 'ROLE_MISSING', channels: ['sns', 'slack'], failed: [] },
    ]);
    expect(sns.sent).toEqual([
      expect.objectContaining({
        transition: 'resolved',
        account: MEMBER,
        accountName: 'payments',
        departure: { kind: 'account-departed', state: 'SUSPENDED' },
        finding: expect.objectContaining({ code: 'ROLE_MISSING' }),
      }),
    ]);
    expect(account.reads).toBe(0);
    expect(await store.accountEntry(MEMBER)).toEqual({ account: MEMBER, name: null, openAlertsMark: null });
  });

  it('names the account as the register knows it when the sweep does not', async () => {
    await openAlert();
    await store.setAccountName(MEMBER, 'payments');

    await closeDepartedAccount(deps, { account: MEMBER, accountName: null, state: null });

    expect(slack.sent[0]).toMatchObject({ accountName: 'payments', departure: { state: null } });
  });

  it('records, without a message, an alert whose opening never reached anyone', async () => {
    // Prepare: claimed long ago by an invocation that died before telling anyone.
    await openAlert({ notifiedAt: null, claimedUntil: '2026-11-24T09:00:00.000Z' });

    // Act
    const outcome = await closeDepartedAccount(deps, { account: MEMBER, accountName: null, state: 'CLOSED' });

    // Assess
    expect(outcome.notifications).toEqual([]);
    expect(sns.sent).toEqual([]);
    expect((await store.load(MEMBER)).map((record) => record.status)).toEqual(['resolved', 'resolved']);
  });

  it('keeps the mark when a reconcile renewed it meanwhile (an alert opened while closing)', async () => {
    // Prepare: a reconcile marks the account between the departure's read of the mark and its clearing.
    await openAlert();
    const load = store.load.bind(store);
    let loads = 0;
    store.load = async (id) => {
      if (++loads === 1) await store.markOpenAlerts(MEMBER);
      return load(id);
    };

    // Act
    await closeDepartedAccount(deps, { account: MEMBER, accountName: null, state: 'SUSPENDED' });

    // Assess
    expect((await store.accountEntry(MEMBER))?.openAlertsMark).toEqual(expect.any(String));
  });

  it('keeps the mark while a channel has not been told', async () => {
    await openAlert();
    slack.failWith = new Error('slack is down');

    await expect(
      closeDepartedAccount(deps, { account: MEMBER, accountName: null, state: 'SUSPENDED' }),
    ).rejects.toMatchObject({ name: 'DeliveryError' });

    expect(sns.sent).toHaveLength(1);
    expect((await store.accountEntry(MEMBER))?.openAlertsMark).toEqual(expect.any(String));
  });

  it('tells nothing of an account with no open alert, and clears its mark', async () => {
    await store.markOpenAlerts(MEMBER);

    const outcome = await closeDepartedAccount(deps, {
      account: MEMBER,
      accountName: null,
      state: 'SUSPENDED',
    });

    expect(outcome.notifications).toEqual([]);
    expect((await store.accountEntry(MEMBER))?.openAlertsMark).toBeNull();
  });

  it('is refused without an account register: only organization mode closes departed accounts', async () => {
    const single = { ...deps, register: undefined };

    await expect(
      closeDepartedAccount(single, { account: MEMBER, accountName: null, state: 'SUSPENDED' }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
