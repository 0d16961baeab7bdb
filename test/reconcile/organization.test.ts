import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import type { AccountAccess } from '../../functions/core/ports.js';
import type { RegistryRead } from '../../functions/core/types.js';
import { type ReconcileDeps, type ReconcileRequest, reconcile } from '../../functions/reconcile/reconcile.js';
import { ConfigError } from '../../functions/settings.js';
import { testClock } from '../support/clock.js';
import { FakeAccount, RecordingNotifier, silentLog } from '../support/fakes.js';
import { ACCOUNT, genuineRole, role } from '../support/reads.js';

/*
 * The reconcile in organization mode: it reads the account it is asked about (the hub's own, or a member through
 * its read role), names it in every alert, reports an account it cannot reach as unread, and keeps the register
 * (names, open-alert marks) that the sweep works from.
 */

const HUB = ACCOUNT;
const MEMBER = '111111111111';
const ROLE_ARN = `arn:aws:iam::${MEMBER}:role/ecr-replication-role-reconciler-read`;
const REGIONS = ['eu-west-1', 'us-east-1'];

/** An account whose registries name it, replicating from us-east-1 without its role: ROLE_MISSING. */
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

/** The genuine role of `account`, as IAM gives it there. */
const roleIn = (account: string) =>
  role.present(
    genuineRole({
      arn: `arn:aws:iam::${account}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication`,
    }),
  );

let dir: string;
let store: FileAlertStore;
let hub: FakeAccount;
let member: FakeAccount;
let unassumable: boolean;
let sns: RecordingNotifier;
let slack: RecordingNotifier;
let deps: ReconcileDeps;
let events = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'organization-'));
  store = new FileAlertStore(join(dir, 'state.json'));
  hub = roleMissingIn(HUB);
  member = roleMissingIn(MEMBER);
  unassumable = false;
  sns = new RecordingNotifier('sns');
  slack = new RecordingNotifier('slack');
  const readerFor = async (account: string): Promise<AccountAccess> => {
    if (account === HUB) return { ok: true, reader: hub };
    if (unassumable)
      return {
        ok: false,
        partition: 'aws',
        roleArn: ROLE_ARN,
        error: { code: 'AccessDenied', message: 'no' },
      };
    return { ok: true, reader: member };
  };
  deps = {
    reader: hub,
    readerFor,
    store,
    register: store,
    notifiers: [sns, slack],
    clock: testClock(),
    log: silentLog(),
    regions: REGIONS,
    graceSeconds: 0,
  };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const swept = (account: string, accountName: string | null): ReconcileRequest => ({
  account,
  accountName,
  eventId: `sweep:${++events}`,
  mode: 'confirm',
});
const event = (account: string): ReconcileRequest => ({ account, eventId: `e-${++events}`, mode: 'confirm' });
const told = (notifier: RecordingNotifier) =>
  notifier.sent.map((n) => `${n.account} ${n.accountName ?? '-'} ${n.finding.code} ${n.transition}`);

describe('reconcile in organization mode', () => {
  it('reads the member the request names through its reader, and alerts under that account, named', async () => {
    // Act
    const outcome = await reconcile(deps, swept(MEMBER, 'payments'));

    // Assess
    expect(outcome.report?.account).toBe(MEMBER);
    expect(member.reads).toBe(REGIONS.length);
    expect(hub.reads).toBe(0);
    expect(told(sns)).toEqual([`${MEMBER} payments ROLE_MISSING opened`]);
    expect(told(slack)).toEqual([`${MEMBER} payments ROLE_MISSING opened`]);
    expect((await store.load(MEMBER)).map((record) => record.channel).sort()).toEqual(['slack', 'sns']);
    expect(await store.load(HUB)).toEqual([]);
  });

  it('names the account in the alerts of an event, from the name a sweep recorded', async () => {
    // Prepare
    await reconcile(deps, swept(MEMBER, 'payments'));
    member.role = roleIn(MEMBER);

    // Act
    await reconcile(deps, event(MEMBER));

    // Assess
    expect(told(sns)).toEqual([
      `${MEMBER} payments ROLE_MISSING opened`,
      `${MEMBER} payments ROLE_MISSING resolved`,
    ]);
    expect((await store.accountEntry(MEMBER))?.name).toBe('payments');
  });

  it('records a renamed account, and names it by its new name from then on', async () => {
    await reconcile(deps, swept(MEMBER, 'payments'));
    await reconcile(deps, swept(MEMBER, 'payments-eu'));
    member.role = roleIn(MEMBER);
    await reconcile(deps, event(MEMBER));

    expect(told(sns).at(-1)).toBe(`${MEMBER} payments-eu ROLE_MISSING resolved`);
  });

  it('gives null for the name of an account no sweep has named yet', async () => {
    await reconcile(deps, event(MEMBER));

    expect(sns.sent[0]?.accountName).toBeNull();
  });

  it('reports an account whose role cannot be assumed as unread, naming the role, once', async () => {
    // Prepare
    unassumable = true;

    // Act
    const first = await reconcile(deps, swept(MEMBER, 'payments'));
    const second = await reconcile(deps, swept(MEMBER, 'payments'));

    // Assess
    expect(first.report?.findings.map((finding) => finding.code)).toEqual(['OBSERVATION_INCOMPLETE']);
    expect(first.report?.findings[0]?.message).toContain(ROLE_ARN);
    expect(first.report?.findings[0]?.evidence).toMatchObject({
      assumeRoleError: { roleArn: ROLE_ARN, error: { code: 'AccessDenied' } },
    });
    expect(second.notifications).toEqual([]);
    expect(told(sns)).toEqual([`${MEMBER} payments OBSERVATION_INCOMPLETE opened`]);
    expect(member.reads).toBe(0);
  });

  it('closes the unread account’s warning once the role can be assumed again, and reports what it then finds', async () => {
    unassumable = true;
    await reconcile(deps, swept(MEMBER, 'payments'));
    unassumable = false;

    await reconcile(deps, swept(MEMBER, 'payments'));

    expect(told(sns)).toEqual([
      `${MEMBER} payments OBSERVATION_INCOMPLETE opened`,
      `${MEMBER} payments OBSERVATION_INCOMPLETE resolved`,
      `${MEMBER} payments ROLE_MISSING opened`,
    ]);
  });

  it('marks an account with open alerts for the sweep, and renews the mark when an alert opens', async () => {
    // Act
    await reconcile(deps, swept(MEMBER, 'payments'));
    const firstMark = (await store.accountEntry(MEMBER))?.openAlertsMark;
    await reconcile(deps, swept(MEMBER, 'payments'));
    const unchanged = (await store.accountEntry(MEMBER))?.openAlertsMark;
    member.set(
      { region: 'us-east-1', outcome: 'unreadable', error: { code: 'Throttling', message: 'slow' } },
      {
        region: 'eu-west-1',
        outcome: 'read',
        registryId: MEMBER,
        replicationConfiguration: { rules: [] },
      },
    );
    await reconcile(deps, swept(MEMBER, 'payments'));
    const renewed = (await store.accountEntry(MEMBER))?.openAlertsMark;

    // Assess
    expect(firstMark).toEqual(expect.any(String));
    expect(unchanged).toBe(firstMark);
    expect(renewed).toEqual(expect.any(String));
    expect(renewed).not.toBe(firstMark);
  });

  it('marks an account whose open alert was recorded by an invocation that died before marking it', async () => {
    // Prepare: the alert opened, then the mark lost.
    await reconcile(deps, swept(MEMBER, 'payments'));
    const mark = (await store.accountEntry(MEMBER))?.openAlertsMark ?? '';
    await store.clearOpenAlertsMark(MEMBER, mark);

    // Act
    await reconcile(deps, event(MEMBER));

    // Assess
    expect((await store.accountEntry(MEMBER))?.openAlertsMark).toEqual(expect.any(String));
  });

  it('refuses a request for another account when the only reader is the function’s own, announcing nothing', async () => {
    // Prepare: single-account wiring, as the Lambda functions have without MEMBER_READ_ROLE_NAME.
    const single: ReconcileDeps = {
      ...deps,
      readerFor: async () => ({ ok: true, reader: hub }),
      register: undefined,
    };

    // Act
    const refused = reconcile(single, event(MEMBER));

    // Assess
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/MEMBER_READ_ROLE_NAME/);
    expect(sns.sent).toEqual([]);
    expect(await store.load(HUB)).toEqual([]);
    expect(await store.load(MEMBER)).toEqual([]);
  });

  it('reads the hub’s own account with its own reader, and names no account in single-account mode', async () => {
    const single: ReconcileDeps = {
      ...deps,
      readerFor: async () => ({ ok: true, reader: hub }),
      register: undefined,
    };

    await reconcile(single, event(HUB));

    expect(told(sns)).toEqual([`${HUB} - ROLE_MISSING opened`]);
    expect('accountName' in (sns.sent[0] ?? {})).toBe(false);
  });
});
