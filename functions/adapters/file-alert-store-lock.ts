import { randomUUID } from 'node:crypto';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import * as z from 'zod/mini';
import { type Clock, systemClock } from '../clock.js';
import { DateTime, Text } from '../core/alert-record-schema.js';

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
const LOCK_WAIT_MS = 10_000;
/** A lock taken longer ago than this is abandoned, whoever holds it: a change holds it for milliseconds. */
const STALE_LOCK_MS = 30_000;
/**
 * A lock file still empty (or unreadable) after this much waiting was abandoned between its creation and its first
 * write: its owner writes it straight after creating it.
 */
const UNREADABLE_LOCK_MS = 1_000;
/** Pauses between attempts: from 5 ms, growing to at most 50 ms, jittered so that waiters do not move in step. */
const PAUSE_MIN_MS = 5;
const PAUSE_MAX_MS = 50;

export interface StateFileLockOptions {
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
 * The exclusive lock file `<file>.lock` next to an alert state file, shared by every process using that file:
 * created with O_EXCL and holding its owner's pid, host, acquisition time and a token.
 *
 * A writer finding the lock taken waits (5–50 ms pauses, jittered) up to 10 s in all, then fails with an error
 * naming the lock file. A lock whose owner has died on this host, or taken more than 30 s ago, is broken; to break
 * it, a writer takes a second lock, `<file>.lock.break`, checks that the lock file is still the one it judged
 * abandoned, and only then removes it, so that two waiters never both break one lock and both enter.
 */
export class StateFileLock {
  private readonly lockPath: string;
  private readonly clock: Clock;
  private readonly pause: (ms: number) => Promise<void>;
  private readonly lockWaitMs: number;
  private readonly staleLockMs: number;

  constructor(
    private readonly path: string,
    options: StateFileLockOptions = {},
  ) {
    this.lockPath = `${path}.lock`;
    this.clock = options.clock ?? systemClock;
    this.pause = options.pause ?? ((ms) => wait(ms));
    this.lockWaitMs = options.lockWaitMs ?? LOCK_WAIT_MS;
    this.staleLockMs = options.staleLockMs ?? STALE_LOCK_MS;
  }

  /** Runs `task` holding the lock file (given the lock's text, to check it is still held), and releases it. */
  async holding<T>(task: (lock: string) => Promise<T>): Promise<T> {
    await mkdir(dirname(this.path), { recursive: true });
    const lock = await this.acquire();
    try {
      return await task(lock);
    } finally {
      await this.release(lock);
    }
  }

  /** Throws unless the lock file is still `lock`, this writer's: it was broken while this writer held it. */
  async assertHeld(lock: string): Promise<void> {
    if ((await readLock(this.lockPath))?.text !== lock) {
      throw new Error(
        `the lock ${this.lockPath} on the alert state file ${this.path} was broken while this run held it ` +
          `(it held it more than ${this.staleLockMs / 1000} s). Nothing was changed; run again.`,
      );
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
