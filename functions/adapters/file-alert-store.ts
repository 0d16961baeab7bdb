import { randomUUID } from 'node:crypto';
import type { AlertRecord } from '../core/alert-types.js';
import { assertVersionStep } from '../core/alerts.js';
import type { AccountEntry, AccountRegister, AlertStore, FollowedDeletion } from '../core/ports.js';
import {
  readStateFile,
  replaceStateFile,
  type StateFile,
  type StoredAccountEntry,
} from './file-alert-store-format.js';
import { StateFileLock, type StateFileLockOptions } from './file-alert-store-lock.js';

/**
 * The alert state in a JSON file, for the CLI (`--state-file`): the same contract as the DynamoDB store, also when
 * several processes share the file.
 *
 * It is the account register of organization mode too (`accounts`: names and open-alert marks).
 *
 * Every change (`compareAndSet`, `rememberEvent`, `setDeletionTask`, the register's) is made under an exclusive lock file next to
 * the state file, `<file>.lock`, created with O_EXCL and holding its owner's pid, host, acquisition time and a
 * token: the file is read afresh under the lock, compared, and replaced atomically (a temporary file in the same
 * folder, flushed, then renamed over it) before the lock is released. So a compare-and-set is atomic across
 * processes, and a crash never leaves half a file. Reads take no lock: the rename is atomic, so a reader always
 * sees a whole file.
 *
 * A writer finding the lock taken waits up to 10 s in all, then fails with an error naming the lock file; a lock
 * whose owner has died on this host, or taken more than 30 s ago, is broken, by one waiter only
 * ({@link StateFileLock}).
 *
 * A missing file is an empty state; the file (and its folder) is created on the first write. A file that cannot be
 * read as a state (an empty one included) is reported, never overwritten. Calls on one instance also run one at a
 * time, in the order they were made.
 *
 * @example
 * const store = new FileAlertStore('.reconciler-state.json');
 * await store.compareAndSet(record, 0); // true the first time, false after — in whichever process
 */
export class FileAlertStore implements AlertStore, AccountRegister {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly lock: StateFileLock;

  constructor(
    readonly path: string,
    options: StateFileLockOptions = {},
  ) {
    this.lock = new StateFileLock(path, options);
  }

  async load(account: string): Promise<AlertRecord[]> {
    return this.exclusive(async () => {
      const { alerts } = await this.read();
      return alerts
        .filter((record) => record.account === account)
        .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
    });
  }

  async compareAndSet(next: AlertRecord, expectedVersion: number): Promise<boolean> {
    assertVersionStep(next, expectedVersion);
    return this.exclusive(() =>
      this.lock.holding(async (lock) => {
        const state = await this.read();
        const index = state.alerts.findIndex(
          (record) =>
            record.account === next.account && record.code === next.code && record.channel === next.channel,
        );
        const stored = state.alerts[index];
        if (expectedVersion === 0 ? stored !== undefined : stored?.version !== expectedVersion) return false;
        const alerts = [...state.alerts];
        if (index === -1) alerts.push(next);
        else alerts[index] = next;
        await this.write({ ...state, alerts }, lock);
        return true;
      }),
    );
  }

  async hasSeenEvent(eventId: string, now: Date): Promise<boolean> {
    return this.exclusive(async () => {
      const event = (await this.read()).events.find((entry) => entry.eventId === eventId);
      return event !== undefined && Date.parse(event.expiresAt) > now.getTime();
    });
  }

  async rememberEvent(eventId: string, expiresAt: string, now: Date): Promise<void> {
    if (Number.isNaN(Date.parse(expiresAt))) {
      throw new RangeError(`expiresAt must be an ISO-8601 date-time, got ${JSON.stringify(expiresAt)}`);
    }
    return this.exclusive(() =>
      this.lock.holding(async (lock) => {
        const state = await this.read();
        // Expired events are dropped here, as DynamoDB's TTL drops them from the table.
        const events = state.events.filter(
          (entry) => entry.eventId !== eventId && Date.parse(entry.expiresAt) > now.getTime(),
        );
        await this.write({ ...state, events: [...events, { eventId, expiresAt }] }, lock);
      }),
    );
  }

  async deletionTask(account: string): Promise<FollowedDeletion | undefined> {
    return this.exclusive(async () => {
      const task = (await this.read()).deletionTasks.find((entry) => entry.account === account);
      return task && { taskId: task.taskId, since: task.since };
    });
  }

  async setDeletionTask(account: string, task: FollowedDeletion | undefined): Promise<void> {
    return this.exclusive(async () => {
      const followed = (state: StateFile) => state.deletionTasks.some((entry) => entry.account === account);
      // Nothing to stop: no lock, no write (and no file or folder created).
      if (task === undefined && !followed(await this.read())) return;
      await this.lock.holding(async (lock) => {
        const state = await this.read();
        if (task === undefined && !followed(state)) return;
        const others = state.deletionTasks.filter((entry) => entry.account !== account);
        await this.write(
          { ...state, deletionTasks: task === undefined ? others : [...others, { account, ...task }] },
          lock,
        );
      });
    });
  }

  async accountEntry(account: string): Promise<AccountEntry | undefined> {
    return this.exclusive(async () => {
      const stored = (await this.read()).accounts?.find((entry) => entry.account === account);
      return stored && entryOf(stored);
    });
  }

  async accountEntries(): Promise<AccountEntry[]> {
    return this.exclusive(async () =>
      ((await this.read()).accounts ?? [])
        .map(entryOf)
        .sort((a, b) => (a.account < b.account ? -1 : a.account > b.account ? 1 : 0)),
    );
  }

  async setAccountName(account: string, name: string): Promise<void> {
    await this.changeEntry(account, (entry) => ({ ...entry, name }));
  }

  async markOpenAlerts(account: string): Promise<void> {
    await this.changeEntry(account, (entry) => ({ ...entry, openAlertsMark: randomUUID() }));
  }

  async clearOpenAlertsMark(account: string, mark: string): Promise<boolean> {
    return this.changeEntry(account, (entry) => {
      if (entry.openAlertsMark !== mark) return undefined;
      const { openAlertsMark: _cleared, ...rest } = entry;
      return rest;
    });
  }

  /**
   * Replaces the account's entry (a new one when it has none) with what `change` makes of it, under the lock;
   * `change` returning `undefined` leaves the file as it is. `true` when it was changed.
   */
  private changeEntry(
    account: string,
    change: (entry: StoredAccountEntry) => StoredAccountEntry | undefined,
  ): Promise<boolean> {
    return this.exclusive(() =>
      this.lock.holding(async (lock) => {
        const state = await this.read();
        const accounts = [...(state.accounts ?? [])];
        const index = accounts.findIndex((entry) => entry.account === account);
        const next = change(accounts[index] ?? { account });
        if (next === undefined) return false;
        if (index === -1) accounts.push(next);
        else accounts[index] = next;
        await this.write({ ...state, accounts }, lock);
        return true;
      }),
    );
  }

  /** Runs `task` after every call made before it has settled, whatever their outcome. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private read(): Promise<StateFile> {
    return readStateFile(this.path);
  }

  /** Replaces the state file with `state`, unless the lock `lock` has been taken from this writer meanwhile. */
  private write(state: StateFile, lock: string): Promise<void> {
    return replaceStateFile(this.path, state, () => this.lock.assertHeld(lock));
  }
}

function entryOf(stored: StoredAccountEntry): AccountEntry {
  return {
    account: stored.account,
    name: stored.name ?? null,
    openAlertsMark: stored.openAlertsMark ?? null,
  };
}
