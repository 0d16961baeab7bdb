import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import { UsageError } from '../../functions/core/errors.js';
import { ACCOUNT, alertRecord, describeAlertStoreContract, T0 } from '../support/alert-store-contract.js';

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
      await expect(write).rejects.toThrow(/Delete the file .*or point --state-file at another file/);
      expect(await readFile(path, 'utf8')).toBe(text);
    },
  );

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
