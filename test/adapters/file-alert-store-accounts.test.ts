import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileAlertStore } from '../../functions/adapters/file-alert-store.js';
import { describeAccountRegisterContract } from './account-register-contract.js';

/* The account register in the state file: an `accounts` list, absent from files that never needed one. */

let dir: string;
let files = 0;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-register-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeAccountRegisterContract('FileAlertStore', async () => {
  const path = join(dir, `state-${++files}.json`);
  return { register: new FileAlertStore(path), reopen: () => new FileAlertStore(path) };
});

describe('FileAlertStore as the account register', () => {
  it('reads a state file written before the register existed, and keeps what it holds', async () => {
    // Prepare
    const path = join(dir, 'old.json');
    const old = {
      format: 1,
      alerts: [],
      events: [],
      deletionTasks: [{ account: '111111111111', taskId: 't' }],
    };
    await writeFile(path, JSON.stringify(old));
    const store = new FileAlertStore(path);

    // Act
    const before = await store.accountEntries();
    await store.setAccountName('111111111111', 'prod-eu');

    // Assess
    expect(before).toEqual([]);
    const written = JSON.parse(await readFile(path, 'utf8'));
    expect(written.deletionTasks).toEqual([
      { account: '111111111111', taskId: 't', since: '1970-01-01T00:00:00.000Z' },
    ]);
    expect(written.accounts).toEqual([{ account: '111111111111', name: 'prod-eu' }]);
  });

  it('refuses a state file whose accounts are not entries, naming the field', async () => {
    const path = join(dir, 'bad.json');
    await writeFile(
      path,
      JSON.stringify({ format: 1, alerts: [], events: [], deletionTasks: [], accounts: [{}] }),
    );

    await expect(new FileAlertStore(path).accountEntries()).rejects.toThrow(/accounts\[0\]\.account/);
  });
});
