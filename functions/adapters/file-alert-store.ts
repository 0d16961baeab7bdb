import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import * as z from 'zod/mini';
import { type Clock, systemClock } from '../clock.js';
import { AlertRecordSchema, DateTime, describeIssues, Text } from '../core/alert-record-schema.js';
import type { AlertRecord } from '../core/alert-types.js';
import { assertVersionStep } from '../core/alerts.js';
import { UsageError } from '../core/errors.js';
import type { AlertStore, FollowedDeletion } from '../core/ports.js';

/** The layout of the state file. Lists rather than maps, so that no account or event id can clash with a key. */
interface StateFile {
  readonly format: typeof FORMAT;
  readonly alerts: AlertRecord[];
  readonly events: { readonly eventId: string; readonly expiresAt: string }[];
  readonly deletionTasks: ({ readonly account: string } & FollowedDeletion)[];
}

const FORMAT = 1;

/** `since` of a task followed before it was recorded: long ago, so its lifetime is over. */
const UNKNOWN_SINCE = '1970-01-01T00:00:00.000Z';

const emptyState = (): StateFile => ({ format: FORMAT, alerts: [], events: [], deletionTasks: [] });

/*
 * The state file, validated whole. Loose objects: a field this version does not know is kept as it is, never
 * dropped on the next write. Only what the reconciler relies on is checked, as precisely as it is relied on.
 */
const StateFileSchema = z.looseObject({
  format: z.literal(FORMAT),
  alerts: z.array(AlertRecordSchema),
  events: z.array(z.looseObject({ eventId: Text, expiresAt: DateTime })),
  deletionTasks: z.array(
    z.looseObject({
      account: Text,
      taskId: Text,
      // Absent in files written before tasks carried their start.
      since: z._default(DateTime, UNKNOWN_SINCE),
    }),
  ),
});

/**
 * Who holds the lock file: written by its owner right after creating it. The token tells one acquisition from
 * another (a pid is reused; a token is not).
 */
const LockOwnerSchema = z.object({
  pid: z.int().check(z.gte(1)),
  hostname: z.string(),
  acquiredAt: DateTime,
  token: Text,
});
type LockOwner = z.infer<typeof LockOwnerSchema>;

/** The lock file as read once: its text, its owner when the text is one, and its identity on disk. */
interface SeenLock {
  readonly text: string;
  readonly owner: LockOwner | undefined;
  /** Device, inode, size and modification time: changes whenever the file is replaced or written. */
  readonly identity: string;
}

/** How long a change waits for the lock in all (the sum of its pauses) before it gives up. */
export const LOCK_WAIT_MS = 10_000;
/** A lock taken longer ago than this is abandoned, whoever holds it: a change holds it for milliseconds. */
export const STALE_LOCK_MS = 30_000;
/**
 * A lock file still empty (or unreadable) after this much waiting was abandoned between its creation and its first
 * write: its owner writes it straight after creating it.
 */
export const UNREADABLE_LOCK_MS = 1_000;
/** Pauses between attempts: from 5 ms, growing to at most 50 ms, jittered so that waiters do not move in step. */
const PAUSE_MIN_MS = 5;
const PAUSE_MAX_MS = 50;

export interface FileAlertStoreOptions {
  /** Stamps the lock file and judges its age (default: the system clock). */
  readonly clock?: Clock;
  /** Waits between attempts to take the lock (default: a real timer; the wait coordinates I/O, it decides nothing). */
  readonly pause?: (ms: number) => Promise<void>;
  /** Default {@link LOCK_WAIT_MS}. */
  readonly lockWaitMs?: number;
  /** Default {@link STALE_LOCK_MS}. */
  readonly staleLockMs?: number;
}

/**
 * The alert state in a JSON file, for the CLI (`--state-file`): the same contract as the DynamoDB store, also when
 * several processes share the file.
 *
 * Every change (`compareAndSet`, `rememberEvent`, `setDeletionTask`) is made under an exclusive lock file next to
 * the state file, `<file>.lock`, created with O_EXCL and holding its owner's pid, host, acquisition time and a
 * token: the file is read afresh under the lock, compared, and replaced atomically (a temporary file in the same
 * folder, flushed, then renamed over it) before the lock is released. So a compare-and-set is atomic across
 * processes, and a crash never leaves half a file. Reads take no lock: the rename is atomic, so a reader always
 * sees a whole file.
 *
 * A writer finding the lock taken waits (5–50 ms pauses, jittered) up to 10 s in all, then fails with an error
 * naming the lock file. A lock whose owner has died on this host, or taken more than 30 s ago, is broken; to break
 * it, a writer takes a second lock, `<file>.lock.break`, checks that the lock file is still the one it judged
 * abandoned, and only then removes it, so that two waiters never both break one lock and both enter.
 *
 * A missing file is an empty state; the file (and its folder) is created on the first write. A file that cannot be
 * read as a state (an empty one included) is reported, never overwritten. Calls on one instance also run one at a
 * time, in the order they were made.
 *
 * @example
 * const store = new FileAlertStore('.reconciler-state.json');
 * await store.compareAndSet(record, 0); // true the first time, false after — in whichever process
 */
export class FileAlertStore implements AlertStore {
  private tail: Promise<unknown> = Promise.resolve();
  private readonly lockPath: string;
  private readonly clock: Clock;
  private readonly pause: (ms: number) => Promise<void>;
  private readonly lockWaitMs: number;
  private readonly staleLockMs: number;

  constructor(
    readonly path: string,
    options: FileAlertStoreOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
    this.clock = options.clock ?? systemClock;
    this.pause = options.pause ?? ((ms) => wait(ms));
    this.lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
    this.staleLockMs = options.staleLockMs ?? STALE_LOCK_MS;
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
      this.locked(async (lock) => {
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
      this.locked(async (lock) => {
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
      await this.locked(async (lock) => {
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

  /** Runs `task` after every call made before it has settled, whatever their outcome. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Runs `task` holding the lock file (given the lock's text, to check it is still held), and releases it. */
  private async locked<T>(task: (lock: string) => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const lock = await this.acquire();
    try {
      return await task(lock);
    } finally {
      await this.release(lock);
    }
  }

  /** Takes the lock file, waiting for its owner or breaking an abandoned one; returns the text written into it. */
  private async acquire(): Promise<string> {
    let waited = 0;
    let pauses = 0;
    /** An unreadable lock file seen before, and how long this writer had waited when it first saw it. */
    let unreadable: { readonly identity: string; readonly since: number } | undefined;
    for (;;) {
      const mine = `${JSON.stringify({
        pid: process.pid,
        hostname: hostname(),
        acquiredAt: this.clock.now().toISOString(),
        token: randomUUID(),
      } satisfies LockOwner)}\n`;
      if (await createExclusive(this.lockPath, mine)) return mine;

      const seen = await readLock(this.lockPath);
      if (seen === undefined) continue; // released meanwhile: try again at once
      let abandoned: boolean;
      if (seen.owner === undefined) {
        if (unreadable?.identity !== seen.identity) unreadable = { identity: seen.identity, since: waited };
        abandoned = waited - unreadable.since >= UNREADABLE_LOCK_MS;
      } else {
        abandoned = this.abandoned(seen.owner);
      }
      if (abandoned && (await this.breakLock(seen))) continue;

      if (waited >= this.lockWaitMs) throw await this.lockTimeout(seen);
      const ceiling = Math.min(PAUSE_MAX_MS, PAUSE_MIN_MS * 2 ** pauses);
      const ms = PAUSE_MIN_MS + Math.random() * (ceiling - PAUSE_MIN_MS);
      await this.pause(ms);
      waited += ms;
      pauses++;
    }
  }

  /** Whether the lock's owner has died on this host, or took it longer ago than the stale bound. */
  private abandoned(owner: LockOwner): boolean {
    if (owner.hostname === hostname() && !isRunning(owner.pid)) return true;
    return this.clock.now().getTime() - Date.parse(owner.acquiredAt) > this.staleLockMs;
  }

  /**
   * Removes the abandoned lock file `seen`, if it is still there: under a second lock, so that no other waiter
   * removes it (or a lock taken after it) at the same time. False when another waiter is breaking it.
   */
  private async breakLock(seen: SeenLock): Promise<boolean> {
    const guard = `${this.lockPath}.break`;
    const mine = `${JSON.stringify({ pid: process.pid, hostname: hostname(), breaking: seen.text })}\n`;
    if (!(await createExclusive(guard, mine))) return false;
    try {
      const current = await readLock(this.lockPath);
      if (current?.identity === seen.identity && current.text === seen.text)
        await removeIfPresent(this.lockPath);
      return true;
    } finally {
      await removeIfPresent(guard);
    }
  }

  /** Removes the lock file if it is still this writer's. */
  private async release(lock: string): Promise<void> {
    if ((await readLock(this.lockPath))?.text === lock) await removeIfPresent(this.lockPath);
  }

  private async lockTimeout(seen: SeenLock): Promise<Error> {
    const holder = seen.owner
      ? `pid ${seen.owner.pid} on ${seen.owner.hostname} has held it since ${seen.owner.acquiredAt}`
      : 'it is empty or unreadable';
    const guard = `${this.lockPath}.break`;
    const guardLeft = await stat(guard).then(
      () => true,
      () => false,
    );
    return new Error(
      `could not lock the alert state file ${this.path} within ${this.lockWaitMs / 1000} s: the lock file ` +
        `${this.lockPath} is taken (${holder}). Another run is probably using the same state file: let it ` +
        `finish and run again. If none is running, delete ${this.lockPath}` +
        `${guardLeft ? ` and ${guard}` : ''} and run again.`,
    );
  }

  private async read(): Promise<StateFile> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
      throw new Error(`cannot read the alert state file ${this.path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    // Never written so by this store (its writes are whole files, renamed into place): something truncated it.
    if (text.trim() === '') throw this.corrupt('the file is empty');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw this.corrupt(`not JSON: ${(error as Error).message}`);
    }
    const result = StateFileSchema.safeParse(parsed);
    if (!result.success)
      throw this.corrupt(describeIssues(result.error.issues, 'the file') || 'not a state file');
    // The schema checks what the types say, but for finding codes, left open on purpose (see above).
    return result.data as unknown as StateFile;
  }

  private corrupt(reason: string): UsageError {
    return new UsageError(
      `the alert state file ${this.path} is corrupt (${reason}). Nothing was changed. Delete the file to start ` +
        'from an empty alert state (open findings are then announced again), or point --state-file at another file.',
    );
  }

  /** Replaces the state file with `state`, unless the lock `lock` has been taken from this writer meanwhile. */
  private async write(state: StateFile, lock: string): Promise<void> {
    const folder = dirname(this.path);
    const temporary = join(folder, `.${basename(this.path)}.${process.pid}.${randomUUID()}.tmp`);
    try {
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      if ((await readLock(this.lockPath))?.text !== lock) {
        throw new Error(
          `the lock ${this.lockPath} on the alert state file ${this.path} was broken while this run held it ` +
            `(it held it more than ${this.staleLockMs / 1000} s). Nothing was changed; run again.`,
        );
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** Creates `path` with `text` if it does not exist (O_EXCL); false if it does. */
async function createExclusive(path: string, text: string): Promise<boolean> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await file.writeFile(text, 'utf8');
  } catch (error) {
    await file.close().catch(() => undefined);
    await removeIfPresent(path);
    throw error;
  }
  await file.close();
  return true;
}

/** The lock file as it is now, or `undefined` when there is none. */
async function readLock(path: string): Promise<SeenLock | undefined> {
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const stats = await file.stat();
    const text = await file.readFile('utf8');
    return {
      text,
      owner: parseOwner(text),
      identity: `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}`,
    };
  } finally {
    await file.close();
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const result = LockOwnerSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** Whether a process of this host runs under `pid` (one of another user counts: signalling it is refused). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
