import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import type { RecheckRequest } from '../../functions/core/ports.js';
import {
  DeliveryError,
  type ReconcileDeps,
  type ReconcileRequest,
  reconcile,
} from '../../functions/reconcile/reconcile.js';
import { FakeAccount, RecordingNotifier, silentLog } from '../support/fakes.js';
import { ACCOUNT, genuineRole, registry, role } from '../support/reads.js';

let dir: string;
let clock: Date;
let account: FakeAccount;
let sns: RecordingNotifier;
let slack: RecordingNotifier;
let rechecks: RecheckRequest[];
let deps: ReconcileDeps;
let eventCount = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'reconcile-'));
  clock = new Date('2026-11-24T10:00:00.000Z');
  account = new FakeAccount().set(registry.replicating('us-east-1'), registry.notReplicating('eu-west-1'));
  account.role = role.present();
  sns = new RecordingNotifier('sns');
  slack = new RecordingNotifier('slack');
  rechecks = [];
  deps = {
    reader: account,
    store: new FileAlertStore(join(dir, 'state.json')),
    notifiers: [sns, slack],
    recheck: { schedule: async (request) => void rechecks.push(request) },
    clock: { now: () => clock, sleep: async () => {} },
    log: silentLog(),
    graceSeconds: 60,
  };
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scheduled = (): ReconcileRequest => ({
  account: ACCOUNT,
  eventId: `schedule-${++eventCount}`,
  mode: 'confirm',
});
const cloudTrail = (eventId = `ct-${++eventCount}`): ReconcileRequest => ({
  account: ACCOUNT,
  eventId,
  mode: 'event',
  trigger: {
    eventId,
    eventName: 'DeleteServiceLinkedRole',
    eventTime: clock.toISOString(),
    awsRegion: 'us-east-1',
    actorArn: 'arn:aws:iam::123456789012:user/alice',
  },
});
const tick = (ms = 1000) => {
  clock = new Date(clock.getTime() + ms);
};
const sentKinds = (notifier: RecordingNotifier) =>
  notifier.sent.map((n) => `${n.finding.code} ${n.transition}`);

describe('one alert per change (invariant 4)', () => {
  it('announces a finding when it opens, once, then once when it resolves', async () => {
    account.role = role.absent();

    await reconcile(deps, scheduled());
    tick();
    await reconcile(deps, scheduled());
    account.role = role.present();
    tick();
    await reconcile(deps, scheduled());
    tick();
    await reconcile(deps, scheduled());

    expect(sentKinds(sns)).toEqual(['ROLE_MISSING opened', 'ROLE_MISSING resolved']);
    expect(sentKinds(slack)).toEqual(['ROLE_MISSING opened', 'ROLE_MISSING resolved']);
  });

  it('announces a change when the substance changes', async () => {
    account.role = role.absent();
    await reconcile(deps, scheduled());
    account.set(registry.replicating('us-east-1'), registry.replicating('eu-west-1', 'us-east-1'));
    tick();

    await reconcile(deps, scheduled());

    expect(sentKinds(sns)).toEqual(['ROLE_MISSING opened', 'ROLE_MISSING changed']);
    expect(sns.sent[1]?.finding.regions).toEqual(['eu-west-1', 'us-east-1']);
  });

  it('reads nothing and sends nothing for a duplicate event', async () => {
    account.role = role.absent();
    const event = { ...scheduled(), eventId: 'same-event' };
    await reconcile(deps, event);
    const readsBefore = account.reads;

    const outcome = await reconcile(deps, event);

    expect(outcome.status).toBe('duplicate');
    expect(account.reads).toBe(readsBefore);
    expect(sns.sent).toHaveLength(1);
  });

  it('reaches the same outcome whatever the order of events (level-triggered, invariant 2)', async () => {
    account.role = role.absent();
    const events = [cloudTrail(), cloudTrail(), scheduled(), cloudTrail()];
    deps = { ...deps, recheck: undefined };

    for (const event of events.reverse()) await reconcile(deps, event);

    expect(sentKinds(sns)).toEqual(['ROLE_MISSING opened']);
  });
});

describe('confirm before alarming (invariant 3)', () => {
  it('holds a high finding raised by an event until the re-check confirms it', async () => {
    account.role = role.absent();

    const first = await reconcile(deps, cloudTrail('evt-1'));

    expect(first.deferred).toEqual(['ROLE_MISSING']);
    expect(sns.sent).toEqual([]);
    expect(rechecks).toEqual([expect.objectContaining({ account: ACCOUNT, eventId: 'evt-1' })]);

    tick(60_000);
    await reconcile(deps, { ...rechecks[0], eventId: 'recheck:evt-1', mode: 'confirm' } as ReconcileRequest);

    expect(sentKinds(sns)).toEqual(['ROLE_MISSING opened']);
    expect(sns.sent[0]?.trigger?.actorArn).toBe('arn:aws:iam::123456789012:user/alice');
  });

  it('announces nothing when the state settled before the re-check', async () => {
    account.role = role.absent();
    await reconcile(deps, cloudTrail('evt-2'));
    account.role = role.present();
    tick(60_000);

    await reconcile(deps, { ...rechecks[0], eventId: 'recheck:evt-2', mode: 'confirm' } as ReconcileRequest);

    expect(sns.sent).toEqual([]);
  });

  it('does not hold back findings that are not high', async () => {
    account.set(registry.notReplicating('us-east-1'));

    const outcome = await reconcile(deps, cloudTrail());

    expect(outcome.deferred).toEqual([]);
    expect(sentKinds(sns)).toEqual(['ROLE_ORPHANED opened']);
  });
});

describe('delivery', () => {
  it('delivers to SNS when Slack fails, fails the invocation saying which channel failed, and tells only Slack on the retry', async () => {
    account.role = role.absent();
    slack.failWith = new Error('Slack answered 500');
    const event = scheduled();

    const failure = await reconcile(deps, event).catch((error: unknown) => error);
    slack.failWith = undefined;
    tick();
    await reconcile(deps, event);

    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).outcome.notifications).toEqual([
      {
        transition: 'opened',
        code: 'ROLE_MISSING',
        channels: ['sns'],
        failed: [{ channel: 'slack', error: 'Slack answered 500' }],
      },
    ]);
    expect(sentKinds(sns)).toEqual(['ROLE_MISSING opened']);
    expect(sentKinds(slack)).toEqual(['ROLE_MISSING opened']);
  });

  it.each([
    ['slack fails first, then sns', ['slack', 'sns']],
    ['sns fails first, then slack', ['sns', 'slack']],
    ['both fail, then each recovers in turn', ['both', 'slack', 'sns']],
  ])('tells each channel each change exactly once whatever the order of failures (%s)', async (_, order) => {
    account.role = role.absent();
    const failing = (which: string) => {
      sns.failWith = which === 'sns' || which === 'both' ? new Error('SNS down') : undefined;
      slack.failWith = which === 'slack' || which === 'both' ? new Error('Slack down') : undefined;
    };
    const run = async () => {
      tick();
      await reconcile(deps, scheduled()).catch(() => undefined);
    };

    for (const which of order) {
      failing(which);
      await run();
    }
    account.role = role.present();
    for (const which of order) {
      failing(which);
      await run();
    }
    failing('none');
    await run();
    await run();

    expect(sentKinds(sns)).toEqual(['ROLE_MISSING opened', 'ROLE_MISSING resolved']);
    expect(sentKinds(slack)).toEqual(['ROLE_MISSING opened', 'ROLE_MISSING resolved']);
  });

  it('records nothing as announced when no channel is configured', async () => {
    account.role = role.absent();
    await reconcile({ ...deps, notifiers: [] }, scheduled());
    tick();

    await reconcile(deps, scheduled());

    expect(sentKinds(sns)).toEqual(['ROLE_MISSING opened']);
    expect(sentKinds(slack)).toEqual(['ROLE_MISSING opened']);
  });

  it('fails the invocation when every channel fails, and delivers on the retry', async () => {
    account.role = role.absent();
    sns.failWith = new Error('SNS down');
    slack.failWith = new Error('Slack down');
    const event = scheduled();

    await expect(reconcile(deps, event)).rejects.toBeInstanceOf(DeliveryError);
    sns.failWith = undefined;
    slack.failWith = undefined;
    tick();
    await reconcile(deps, event);

    expect(sentKinds(sns)).toEqual(['ROLE_MISSING opened']);
    expect(sentKinds(slack)).toEqual(['ROLE_MISSING opened']);
  });
});

describe('deletion tracking', () => {
  const taskId = 'task/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication/abc';

  const DAY = 24 * 3600_000;
  const failed = () => ({
    taskId,
    status: 'FAILED' as const,
    reason: 'in use',
    usage: [{ region: 'us-east-1', resources: [] }],
  });

  it('drops a task IAM does not know at once: nothing is announced and nothing is followed', async () => {
    account.deletion = {
      taskId,
      status: 'UNKNOWN',
      reason: undefined,
      usage: [],
      error: { code: 'NoSuchEntityException', message: 'Deletion task not found' },
    };

    const outcome = await reconcile(deps, { ...cloudTrail(), deletionTaskId: taskId });

    expect(outcome.report?.findings).toEqual([]);
    expect(sns.sent).toEqual([]);
    expect(await deps.store.deletionTask(ACCOUNT)).toBeUndefined();
  });

  it('reports an unreadable task as incomplete, then gives it up after its lifetime and says the finding resolved', async () => {
    account.deletion = {
      taskId,
      status: 'UNKNOWN',
      reason: undefined,
      usage: [],
      error: { code: 'AccessDenied', message: 'not allowed' },
    };
    await reconcile(deps, { ...cloudTrail(), deletionTaskId: taskId });
    tick(DAY - 1000);
    await reconcile(deps, scheduled());
    const stillFollowed = await deps.store.deletionTask(ACCOUNT);

    tick(1000);
    await reconcile(deps, scheduled());
    tick();
    await reconcile(deps, scheduled());

    expect(stillFollowed?.taskId).toBe(taskId);
    expect(sentKinds(sns)).toEqual(['OBSERVATION_INCOMPLETE opened', 'OBSERVATION_INCOMPLETE resolved']);
    expect(await deps.store.deletionTask(ACCOUNT)).toBeUndefined();
  });

  it('keeps a FAILED deletion blocked by replication open for its lifetime, then closes it once', async () => {
    account.deletion = failed();
    await reconcile(deps, { ...cloudTrail(), deletionTaskId: taskId });
    tick(DAY);

    await reconcile(deps, scheduled());
    tick();
    await reconcile(deps, scheduled());

    expect(sentKinds(sns)).toEqual(['ROLE_DELETION_BLOCKED opened', 'ROLE_DELETION_BLOCKED resolved']);
    expect(await deps.store.deletionTask(ACCOUNT)).toBeUndefined();
  });

  it('never follows a task from an event of another account', async () => {
    account.deletion = failed();

    const outcome = await reconcile(deps, {
      ...cloudTrail(),
      account: '210987654321',
      deletionTaskId: taskId,
    });

    expect(outcome.report?.findings.map((finding) => finding.code)).toEqual([]);
    expect(await deps.store.deletionTask('210987654321')).toBeUndefined();
    expect(await deps.store.deletionTask(ACCOUNT)).toBeUndefined();
  });

  it('reports a blocked deletion naming the Regions, then stops following once it succeeded', async () => {
    account.deletion = { taskId, status: 'IN_PROGRESS', reason: undefined, usage: [] };

    await reconcile(deps, { ...cloudTrail(), deletionTaskId: taskId });
    account.deletion = {
      taskId,
      status: 'FAILED',
      reason: 'in use',
      usage: [{ region: 'us-east-1', resources: [] }],
    };
    tick();
    await reconcile(deps, scheduled());

    expect(sentKinds(sns)).toEqual(['ROLE_DELETION_BLOCKED opened', 'ROLE_DELETION_BLOCKED changed']);
    expect(sns.sent[1]?.finding).toMatchObject({ regions: ['us-east-1'], evidence: { status: 'FAILED' } });

    account.set(registry.notReplicating('us-east-1'), registry.notReplicating('eu-west-1'));
    account.deletion = { taskId, status: 'SUCCEEDED', reason: undefined, usage: [] };
    account.role = role.absent();
    tick();
    await reconcile(deps, scheduled());

    expect(sentKinds(sns)).toEqual([
      'ROLE_DELETION_BLOCKED opened',
      'ROLE_DELETION_BLOCKED changed',
      'ROLE_DELETION_BLOCKED resolved',
    ]);
    expect(await deps.store.deletionTask(ACCOUNT)).toBeUndefined();
  });

  it('keeps following a pending deletion while Regions replicate', async () => {
    account.deletion = { taskId, status: 'IN_PROGRESS', reason: undefined, usage: [] };
    account.role = role.present(genuineRole());

    await reconcile(deps, { ...cloudTrail(), deletionTaskId: taskId });

    expect((await deps.store.deletionTask(ACCOUNT))?.taskId).toBe(taskId);
  });
});
