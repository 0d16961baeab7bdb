import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import {
  COUNTER_ACCOUNT,
  COUNTER_CHANNEL,
  NOW,
  stepId,
  type WorkerResult,
  workerAccount,
} from './file-store-worker.js';

/*
 * Safety invariant 4 across processes: several `handle` runs sharing one --state-file must not announce a change
 * twice nor lose one. Real child processes (not workers of this one) race on one state file through the store's
 * public methods; every read-modify-write is checked afterwards.
 *
 * 8 processes × 10 steps = 80 compare-and-set wins on one shared record, with 80 rememberEvent and 80
 * setDeletionTask writes interleaved (240 locked writes, plus the compare-and-sets answered false). Expected and
 * measured with the lock file: 0 lost writes, 0 repeated wins, 0 lost events, 0 lost tasks; about 1.5 s of racing
 * after about 3–4 s of starting the 8 processes on 2 cores. Before the lock file, the same run failed every time:
 * 80 wins but the record ended at version 17–22 (58–63 wins lost), 16–17 versions won by two processes or more,
 * 58–65 of 80 events and 6–7 of 8 deletion tasks lost.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WORKER = 'test/reliability/file-store-worker.ts';
const PROCESSES = 8;
const STEPS = 10;

let dir: string;
let path: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-store-processes-'));
  path = join(dir, 'state.json');
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Worker {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  readonly result: Promise<WorkerResult>;
}

function startWorker(worker: number): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, path, String(worker), String(STEPS)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const result = new Promise<WorkerResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      markReady();
      const line = stdout.split('\n').filter(Boolean).at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) {
        reject(new Error(`worker ${worker} exited with ${code}: ${stderr || stdout}`));
        return;
      }
      resolve(JSON.parse(line) as WorkerResult);
    });
  });
  return { child, ready, result };
}

describe('FileAlertStore shared by several processes', () => {
  it(`${PROCESSES} processes × ${STEPS} compare-and-set steps on one record, with events and deletion tasks in between: 0 lost, 0 repeated`, async () => {
    // Prepare: every worker loaded and waiting, so that they all start at once.
    const workers = Array.from({ length: PROCESSES }, (_, worker) => startWorker(worker));
    await Promise.all(workers.map((w) => w.ready));

    // Act
    for (const { child } of workers) child.stdin?.end('go\n');
    const results = await Promise.all(workers.map((w) => w.result));

    // Assess
    const store = new FileAlertStore(path);
    const counter = (await store.load(COUNTER_ACCOUNT)).find((record) => record.channel === COUNTER_CHANNEL);
    const wins = results.flatMap((result) => result.won);
    const timesWon = new Map<number, number>();
    for (const version of wins) timesWon.set(version, (timesWon.get(version) ?? 0) + 1);
    const repeated = [...timesWon.values()].filter((count) => count > 1).length;
    const lost = wins.length - (counter?.version ?? 0);

    const events = JSON.parse(await readFile(path, 'utf8')).events as { eventId: string }[];
    const stepIds = results.flatMap(({ worker }) =>
      Array.from({ length: STEPS }, (_, step) => stepId(worker, step)),
    );
    const lostEvents = stepIds.filter((id) => !events.some((event) => event.eventId === id));
    const tasks = await Promise.all(results.map(({ worker }) => store.deletionTask(workerAccount(worker))));
    const lostTasks = results.filter(({ worker }, i) => tasks[i]?.taskId !== stepId(worker, STEPS - 1));

    expect(wins).toHaveLength(PROCESSES * STEPS);
    expect({ lost, repeated, lostEvents: lostEvents.length, lostTasks: lostTasks.length }).toEqual({
      lost: 0,
      repeated: 0,
      lostEvents: 0,
      lostTasks: 0,
    });
    // Every version from 1 to 80 was won exactly once, and the record holds the last winner's write.
    expect([...timesWon.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: PROCESSES * STEPS }, (_, i) => i + 1),
    );
    expect(counter?.version).toBe(PROCESSES * STEPS);
    expect(await store.deletionTask(workerAccount(0))).toEqual({
      taskId: stepId(0, STEPS - 1),
      since: NOW.toISOString(),
    });
    // No lock file and no temporary file is left behind.
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});
