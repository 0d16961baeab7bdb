import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import { UsageError } from '../../functions/core/errors.js';
import { ACCOUNT, alertRecord, describeAlertStoreContract, T0 } from '../support/alert-store-contract.js';
import { TEST_START, testClock } from '../support/clock.js';

let dir: string;
let path: string;
let store: FileAlertStore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-alert-store-'));
  path = join(dir, 'state.json');
  store = new FileAlertStore(path);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeAlertStoreContract('FileAlertStore', async () => ({
  store: new FileAlertStore(path),
  // A fresh store on the same file: what it reads is what was written, not what the first one kept in memory.
  reopen: () => new FileAlertStore(path),
}));

describe('FileAlertStore events', () => {
  it('drops expired events from the file on the next write', async () => {
    // Prepare
    await store.rememberEvent('event-1', '2026-11-24T11:00:00.000Z', T0);

    // Act
    await store.rememberEvent('event-2', '2026-11-25T11:00:00.000Z', new Date('2026-11-24T11:00:01.000Z'));

    // Assess
    const { events } = JSON.parse(await readFile(path, 'utf8'));
    expect(events).toEqual([{ eventId: 'event-2', expiresAt: '2026-11-25T11:00:00.000Z' }]);
  });
});

describe('FileAlertStore file handling', () => {
  it('reads a missing file as an empty state, without creating it', async () => {
    // Act
    const loaded = await store.load(ACCOUNT);
    const seen = await store.hasSeenEvent('event-1', T0);
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
    await nestedStore.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0);

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
    // The atomic write never leaves an empty file: an empty one was truncated by something else, and reading it as
    // an empty state would announce every open finding again.
    ['empty', ''],
    ['whitespace only', ' \n\t\n  '],
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
      await expect(load).rejects.toThrow(/Nothing was changed/);
      await expect(write).rejects.toThrow(UsageError);
      await expect(write).rejects.toThrow(/Delete the file .*or point --state-file at another file/);
      await expect(store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0)).rejects.toThrow(
        UsageError,
      );
      await expect(store.setDeletionTask(ACCOUNT, { taskId: 't', since: T0.toISOString() })).rejects.toThrow(
        UsageError,
      );
      expect(await readFile(path, 'utf8')).toBe(text);
      expect(await readdir(dir)).toEqual(['state.json']);
    },
  );

  it.each([
    ['an empty file', '', 'the file is empty'],
    ['a whitespace-only file', '  \n', 'the file is empty'],
    ['another format', JSON.stringify({ format: 2, alerts: [], events: [], deletionTasks: [] }), 'format'],
    [
      'a record without a version',
      JSON.stringify({
        format: 1,
        alerts: [alertRecord(), { ...alertRecord({ code: 'ROLE_ORPHANED' }), version: undefined }],
        events: [],
        deletionTasks: [],
      }),
      'alerts[1].version',
    ],
    [
      'a record with a channel that is not text',
      JSON.stringify({
        format: 1,
        alerts: [{ ...alertRecord(), channel: 7 }],
        events: [],
        deletionTasks: [],
      }),
      'alerts[0].channel',
    ],
    [
      'an event whose expiry is not a date',
      JSON.stringify({
        format: 1,
        alerts: [],
        events: [{ eventId: 'event-1', expiresAt: 'tomorrow' }],
        deletionTasks: [],
      }),
      'events[0].expiresAt',
    ],
    [
      'a deletion task without a task id',
      JSON.stringify({ format: 1, alerts: [], events: [], deletionTasks: [{ account: ACCOUNT }] }),
      'deletionTasks[0].taskId',
    ],
    ['no event list', JSON.stringify({ format: 1, alerts: [], deletionTasks: [] }), 'events'],
  ])('says precisely what is wrong with %s', async (_, text, where) => {
    // Prepare
    await writeFile(path, text);

    // Act
    const error = await store.load(ACCOUNT).catch((caught: unknown) => caught);

    // Assess
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(`is corrupt (${where}`);
  });

  it('loads a file written before records had a channel and tasks had a start (format 1)', async () => {
    // Prepare
    const { channel: _, ...legacyRecord } = alertRecord();
    await writeFile(
      path,
      JSON.stringify({
        format: 1,
        alerts: [legacyRecord],
        events: [{ eventId: 'event-1', expiresAt: '2026-11-25T10:00:00.000Z' }],
        deletionTasks: [{ account: ACCOUNT, taskId: 'task/1' }],
      }),
    );

    // Act
    const loaded = await store.load(ACCOUNT);
    const task = await store.deletionTask(ACCOUNT);
    const seen = await store.hasSeenEvent('event-1', T0);
    const updated = await store.compareAndSet({ ...legacyRecord, claimedUntil: null, version: 2 }, 1);

    // Assess
    expect(loaded).toEqual([legacyRecord]);
    expect(Object.keys(loaded[0] ?? {})).not.toContain('channel');
    // A task followed since an unknown time: its lifetime is over.
    expect(task).toEqual({ taskId: 'task/1', since: '1970-01-01T00:00:00.000Z' });
    expect(seen).toBe(true);
    expect(updated).toBe(true);
    expect(JSON.parse(await readFile(path, 'utf8')).deletionTasks).toEqual([
      { account: ACCOUNT, taskId: 'task/1', since: '1970-01-01T00:00:00.000Z' },
    ]);
  });

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

/** The lock file as another process writes it. */
const lockOf = (statePath: string) => `${statePath}.lock`;
const lockContent = (owner: { pid: number; hostname?: string; acquiredAt: string; token?: string }) =>
  JSON.stringify({ hostname: hostname(), token: 'someone-else', ...owner });

/** The pid of a process that has ended. */
const deadPid = (): number => {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start a child process');
  return child.pid;
};

describe('FileAlertStore across processes: the lock file', () => {
  it('takes the lock for each change, and holds it while it reads the file it compares against', async () => {
    // Prepare: the state file is a pipe, so that the store's read waits until this test writes into it.
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    const piped = new FileAlertStore(fifo);

    // Act
    const write = piped.compareAndSet(alertRecord(), 0);
    write.catch(() => undefined);
    // Opening the pipe for writing returns once the store has opened it for reading: inside its locked section.
    await writeFile(fifo, '{"format": 1, "alerts": [], "events": [], "deletionTasks": [], "trailing": ');
    const lockedWhileReading = existsSync(lockOf(fifo));

    // Assess: the read failed (not JSON), inside the locked section, and the error released the lock.
    expect(lockedWhileReading).toBe(true);
    await expect(write).rejects.toThrow(UsageError);
    expect(existsSync(lockOf(fifo))).toBe(false);
  });

  it.each([
    ['compareAndSet', (s: FileAlertStore) => s.compareAndSet(alertRecord(), 0)],
    ['rememberEvent', (s: FileAlertStore) => s.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0)],
    ['setDeletionTask', (s: FileAlertStore) => s.setDeletionTask(ACCOUNT, { taskId: 't', since: 'x' })],
  ])('releases the lock when %s fails inside the locked section', async (_, change) => {
    // Prepare
    await writeFile(path, 'garbage');

    // Act
    const failed = await change(store).catch((error: unknown) => error);

    // Assess
    expect(failed).toBeInstanceOf(UsageError);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('leaves no lock file behind after normal use, by one store or several at once', async () => {
    // Prepare
    const other = new FileAlertStore(path);

    // Act
    await Promise.all([
      store.compareAndSet(alertRecord(), 0),
      other.compareAndSet(alertRecord({ channel: 'slack' }), 0),
      store.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0),
      other.rememberEvent('event-2', '2026-11-25T10:00:00.000Z', T0),
      store.setDeletionTask(ACCOUNT, { taskId: 'task/1', since: T0.toISOString() }),
      other.load(ACCOUNT),
    ]);
    await other.setDeletionTask(ACCOUNT, undefined);

    // Assess
    expect(await readdir(dir)).toEqual(['state.json']);
    expect(await store.load(ACCOUNT)).toHaveLength(2);
    expect([await store.hasSeenEvent('event-1', T0), await store.hasSeenEvent('event-2', T0)]).toEqual([
      true,
      true,
    ]);
  });

  it('waits while another process holds the lock, and proceeds once it is released', async () => {
    // Prepare: a live owner (this process) that took the lock just now.
    const clock = testClock();
    await writeFile(lockOf(path), lockContent({ pid: process.pid, acquiredAt: clock.now().toISOString() }));
    let paused!: () => void;
    const firstPause = new Promise<'paused'>((resolve) => {
      paused = () => resolve('paused');
    });
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const waiting = new FileAlertStore(path, {
      clock,
      pause: async () => {
        paused();
        await released;
      },
    });

    // Act
    const write = waiting.compareAndSet(alertRecord(), 0);
    const first = await Promise.race([firstPause, write.then(() => 'wrote without waiting')]);
    const writtenWhileLocked = existsSync(path);
    await rm(lockOf(path));
    release();

    // Assess
    expect(first).toBe('paused');
    expect(writtenWhileLocked).toBe(false);
    expect(await write).toBe(true);
    expect(await waiting.load(ACCOUNT)).toEqual([alertRecord()]);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('gives up after the wait bound with an error naming the lock file and the fix, changing nothing', async () => {
    // Prepare: a live owner that took the lock just now, and pauses that cost no time.
    const clock = testClock();
    const held = lockContent({ pid: process.pid, acquiredAt: clock.now().toISOString() });
    await writeFile(lockOf(path), held);
    const pauses: number[] = [];
    const waiting = new FileAlertStore(path, {
      clock,
      pause: async (ms) => {
        pauses.push(ms);
      },
    });

    // Act
    const failed = await waiting.rememberEvent('event-1', '2026-11-25T10:00:00.000Z', T0).catch((e) => e);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(failed.message).toContain(lockOf(path));
    expect(failed.message).toContain(`pid ${process.pid}`);
    expect(failed.message).toMatch(/delete .*\.lock/i);
    expect(pauses.length).toBeGreaterThan(1);
    expect(pauses.every((ms) => ms >= 5 && ms <= 50)).toBe(true);
    expect(pauses.reduce((sum, ms) => sum + ms, 0)).toBeGreaterThanOrEqual(10_000);
    expect(await readFile(lockOf(path), 'utf8')).toBe(held);
    expect(existsSync(path)).toBe(false);
  });

  it('recovers a lock whose owner has died on this host', async () => {
    // Prepare
    const clock = testClock();
    await writeFile(lockOf(path), lockContent({ pid: deadPid(), acquiredAt: clock.now().toISOString() }));
    const recovering = new FileAlertStore(path, { clock });

    // Act
    const created = await recovering.compareAndSet(alertRecord(), 0);

    // Assess
    expect(created).toBe(true);
    expect(await recovering.load(ACCOUNT)).toEqual([alertRecord()]);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('recovers a lock older than the stale bound, even with a live owner', async () => {
    // Prepare: this process is alive, but its lock was taken 31 s ago.
    const clock = testClock();
    const acquiredAt = new Date(TEST_START.getTime() - 31_000).toISOString();
    await writeFile(lockOf(path), lockContent({ pid: process.pid, acquiredAt }));
    const recovering = new FileAlertStore(path, { clock });

    // Act
    await recovering.setDeletionTask(ACCOUNT, { taskId: 'task/1', since: T0.toISOString() });

    // Assess
    expect(await recovering.deletionTask(ACCOUNT)).toEqual({ taskId: 'task/1', since: T0.toISOString() });
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('does not judge a fresh lock of another host by a pid of this one', async () => {
    // Prepare: the pid is dead here, but it is another machine's pid.
    const clock = testClock();
    const held = lockContent({
      pid: deadPid(),
      hostname: `not-${hostname()}`,
      acquiredAt: clock.now().toISOString(),
    });
    await writeFile(lockOf(path), held);
    const waiting = new FileAlertStore(path, { clock, pause: async () => {} });

    // Act
    const failed = await waiting.compareAndSet(alertRecord(), 0).catch((error: unknown) => error);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect(await readFile(lockOf(path), 'utf8')).toBe(held);
    expect(existsSync(path)).toBe(false);
  });

  it('recovers a lock file left empty (its owner died between creating and writing it)', async () => {
    // Prepare
    await writeFile(lockOf(path), '');
    const pauses: number[] = [];
    const recovering = new FileAlertStore(path, {
      pause: async (ms) => {
        pauses.push(ms);
      },
    });

    // Act
    const created = await recovering.compareAndSet(alertRecord(), 0);

    // Assess: not at once (an owner may be writing it), but well within the wait bound.
    expect(created).toBe(true);
    expect(pauses.length).toBeGreaterThan(0);
    expect(pauses.reduce((sum, ms) => sum + ms, 0)).toBeLessThan(10_000);
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('lets exactly one of two store instances win a compare-and-set race on one file', async () => {
    // Prepare
    const one = new FileAlertStore(path);
    const two = new FileAlertStore(path);
    await one.compareAndSet(alertRecord(), 0);
    const contenders = Array.from({ length: 10 }, (_, i) =>
      alertRecord({ fingerprint: `c-${i}`, version: 2 }),
    );

    // Act
    const results = await Promise.all(
      contenders.map((record, i) => (i % 2 === 0 ? one : two).compareAndSet(record, 1)),
    );

    // Assess
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await new FileAlertStore(path).load(ACCOUNT)).toEqual([contenders[results.indexOf(true)]]);
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});
