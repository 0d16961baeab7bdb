import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertTable, DynamoDbAlertStore } from '../../functions/adapters/dynamodb-alert-store.js';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import type { Notification } from '../../functions/core/alert-types.js';
import type { AlertStore, Notifier } from '../../functions/core/ports.js';
import { reconcile } from '../../functions/reconcile/reconcile.js';
import { testClock } from '../support/clock.js';
import { type LocalDynamoDb, startDynalite } from '../support/dynalite.js';
import { FakeAccount, silentLog } from '../support/fakes.js';
import { ACCOUNT, registry, role } from '../support/reads.js';

/*
 * Invariant 4 under concurrency and failing channels: many reconciles at once over the same account, each channel
 * failing at random (a seeded generator, so a failure is reproducible), the state flapping between rounds. In the
 * end each channel has heard of each change exactly once: its messages alternate opened / resolved (nothing
 * repeated), and the last one says the final state (nothing lost).
 */

const ROUNDS = 10;
const INVOCATIONS_PER_ROUND = 6;
const FAILURE_RATE = 0.3;
/** Longer than the claim lease, so that a claim left by a failed delivery has lapsed by the next round. */
const ROUND_MS = 10 * 60_000;

/** mulberry32: a small seeded generator, so that a failing seed can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A channel that fails at random while `failureRate` says so, and records what it delivered. */
class FlakyNotifier implements Notifier {
  readonly delivered: Notification[] = [];
  failureRate = FAILURE_RATE;
  constructor(
    readonly channel: string,
    private readonly random: () => number,
  ) {}
  async send(notification: Notification): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    if (this.random() < this.failureRate) throw new Error(`${this.channel} is down`);
    this.delivered.push(notification);
  }
}

const kinds = (notifier: FlakyNotifier) => notifier.delivered.map((n) => n.transition);

async function play(store: AlertStore, seed: number, flapping: boolean) {
  const random = seeded(seed);
  const account = new FakeAccount().set(
    registry.replicating('us-east-1'),
    registry.notReplicating('eu-west-1'),
  );
  const channels = [new FlakyNotifier('sns', random), new FlakyNotifier('slack', random)];
  const clock = testClock();
  const deps = { reader: account, store, notifiers: channels, clock, log: silentLog(), graceSeconds: 0 };
  let events = 0;
  const run = () =>
    reconcile(deps, { account: ACCOUNT, eventId: `e-${++events}`, mode: 'confirm' }).catch(() => undefined);

  for (let round = 0; round < ROUNDS; round++) {
    account.role = flapping && round % 3 === 2 ? role.present() : role.absent();
    await Promise.all(Array.from({ length: INVOCATIONS_PER_ROUND }, run));
    clock.tick(ROUND_MS);
  }
  for (const channel of channels) channel.failureRate = 0;
  for (let settle = 0; settle < 2; settle++) {
    await run();
    clock.tick(ROUND_MS);
  }
  return { channels, finalOpen: account.role.outcome === 'absent' };
}

function expectEachChangeOnce(channels: readonly FlakyNotifier[], finalOpen: boolean): void {
  for (const channel of channels) {
    const sequence = kinds(channel);
    expect(sequence).toEqual(sequence.map((_, index) => (index % 2 === 0 ? 'opened' : 'resolved')));
    if (finalOpen) expect(sequence.at(-1)).toBe('opened');
    else expect(sequence.length === 0 || sequence.at(-1) === 'resolved').toBe(true);
  }
}

describe.each([
  ['DynamoDB (dynalite)', 'dynamodb'],
  ['the state file', 'file'],
] as const)('%s: concurrent reconciles with failing channels (invariant 4)', (_, kind) => {
  let dynamo: LocalDynamoDb | undefined;
  let dir: string;
  let stores = 0;

  beforeAll(async () => {
    if (kind === 'dynamodb') dynamo = await startDynalite();
    dir = await mkdtemp(join(tmpdir(), 'concurrent-reconciles-'));
  });
  afterAll(async () => {
    await dynamo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const freshStore = async (): Promise<AlertStore> => {
    const name = `alerts-${++stores}`;
    if (!dynamo) return new FileAlertStore(join(dir, `${name}.json`));
    await createAlertTable(dynamo.client, name);
    return new DynamoDbAlertStore(dynamo.client, name);
  };

  it.each([1, 2])(
    `tells each channel of a steady finding exactly once (${ROUNDS} rounds × ${INVOCATIONS_PER_ROUND} at once, seed %i)`,
    async (seed) => {
      const { channels } = await play(await freshStore(), seed, false);

      for (const channel of channels) expect(kinds(channel)).toEqual(['opened']);
    },
  );

  it.each([11, 12, 13])(
    `tells each channel each change of a flapping finding once, none lost (${ROUNDS} rounds × ${INVOCATIONS_PER_ROUND} at once, seed %i)`,
    async (seed) => {
      const { channels, finalOpen } = await play(await freshStore(), seed, true);

      expectEachChangeOnce(channels, finalOpen);
    },
  );
});
