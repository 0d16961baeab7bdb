/*
 * One of the processes of test/reliability/file-store-processes.test.ts, started as
 *   node --import tsx test/reliability/file-store-worker.ts <state-file> <worker> <steps>
 *
 * Prints `ready` once loaded, waits for a line on stdin (so that every worker starts at once), then steps the
 * shared counter record `steps` times: load it, compare-and-set version v → v + 1, and on `false` (another process
 * got there first) load again and retry. Between steps it writes an event and its account's deletion task, so that
 * every kind of read-modify-write races. Prints one JSON line: the versions it won and how many attempts lost.
 */
import { once } from 'node:events';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import type { AlertRecord } from '../../functions/core/alert-types.js';

export const COUNTER_ACCOUNT = '123456789012';
export const COUNTER_CHANNEL = 'sns';
/** Each worker follows a deletion task on an account of its own. */
export const workerAccount = (worker: number): string => `9${String(worker).padStart(11, '0')}`;
export const stepId = (worker: number, step: number): string => `worker-${worker}-step-${step}`;
/** Fixed instants: the test never depends on today's date. */
export const NOW = new Date('2026-11-24T10:00:00.000Z');
export const EXPIRES_AT = '2026-11-25T10:00:00.000Z';

export interface WorkerResult {
  readonly worker: number;
  /** The counter versions this worker stored (each must be won by exactly one worker). */
  readonly won: number[];
  /** compare-and-set attempts answered `false`. */
  readonly refused: number;
}

const counter = (version: number, fingerprint: string): AlertRecord => ({
  account: COUNTER_ACCOUNT,
  code: 'ROLE_MISSING',
  channel: COUNTER_CHANNEL,
  status: 'open',
  fingerprint,
  finding: {
    code: 'ROLE_MISSING',
    severity: 'high',
    message: 'counter',
    regions: ['us-east-1'],
    evidence: {},
    remediation: 'none',
  },
  openedAt: NOW.toISOString(),
  updatedAt: NOW.toISOString(),
  transition: 'opened',
  notifiedAt: null,
  claimedUntil: null,
  version,
});

async function main(): Promise<void> {
  const [path, workerArg, stepsArg] = process.argv.slice(2);
  if (path === undefined || workerArg === undefined || stepsArg === undefined) {
    throw new Error('usage: file-store-worker.ts <state-file> <worker> <steps>');
  }
  const worker = Number(workerArg);
  const steps = Number(stepsArg);
  const store = new FileAlertStore(path);

  process.stdout.write('ready\n');
  await once(process.stdin, 'data');
  process.stdin.pause();

  const won: number[] = [];
  let refused = 0;
  for (let step = 0; step < steps; step++) {
    for (;;) {
      const current = (await store.load(COUNTER_ACCOUNT)).find(
        (record) => record.channel === COUNTER_CHANNEL,
      );
      const version = current?.version ?? 0;
      if (await store.compareAndSet(counter(version + 1, stepId(worker, step)), version)) {
        won.push(version + 1);
        break;
      }
      refused++;
    }
    await store.rememberEvent(stepId(worker, step), EXPIRES_AT, NOW);
    await store.setDeletionTask(workerAccount(worker), {
      taskId: stepId(worker, step),
      since: NOW.toISOString(),
    });
  }
  const result: WorkerResult = { worker, won, refused };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1]?.endsWith('file-store-worker.ts')) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
