import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
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

const emptyState = (): StateFile => ({ format: FORMAT, alerts: [], events: [], deletionTasks: [] });

/**
 * The alert state in a JSON file, for the CLI (`--state-file`): the same contract as the DynamoDB store.
 *
 * Every call reads the file afresh and every change replaces it atomically (a temporary file in the same folder,
 * flushed, then renamed over it), so a crash never leaves half a file. A missing file is an empty state; the file
 * (and its folder) is created on the first write. A file that cannot be parsed is reported, never overwritten.
 * Calls on one instance run one at a time, which makes `compareAndSet` atomic within the process; separate
 * processes sharing one file are not coordinated.
 *
 * @example
 * const store = new FileAlertStore('.reconciler-state.json');
 * await store.compareAndSet(record, 0); // true the first time, false after
 */
export class FileAlertStore implements AlertStore {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

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
    return this.exclusive(async () => {
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
      await this.write({ ...state, alerts });
      return true;
    });
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
    return this.exclusive(async () => {
      const state = await this.read();
      // Expired events are dropped here, as DynamoDB's TTL drops them from the table.
      const events = state.events.filter(
        (entry) => entry.eventId !== eventId && Date.parse(entry.expiresAt) > now.getTime(),
      );
      await this.write({ ...state, events: [...events, { eventId, expiresAt }] });
    });
  }

  async deletionTask(account: string): Promise<FollowedDeletion | undefined> {
    return this.exclusive(async () => {
      const task = (await this.read()).deletionTasks.find((entry) => entry.account === account);
      return task && { taskId: task.taskId, since: task.since };
    });
  }

  async setDeletionTask(account: string, task: FollowedDeletion | undefined): Promise<void> {
    return this.exclusive(async () => {
      const state = await this.read();
      const others = state.deletionTasks.filter((task) => task.account !== account);
      if (task === undefined && others.length === state.deletionTasks.length) return;
      await this.write({
        ...state,
        deletionTasks: task === undefined ? others : [...others, { account, ...task }],
      });
    });
  }

  /** Runs `task` after every call made before it has settled, whatever their outcome. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
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
    if (text.trim() === '') return emptyState();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw this.corrupt(`not JSON: ${(error as Error).message}`);
    }
    const problem = stateProblem(parsed);
    if (problem) throw this.corrupt(problem);
    return parsed as StateFile;
  }

  private corrupt(reason: string): UsageError {
    return new UsageError(
      `the alert state file ${this.path} is corrupt (${reason}). Nothing was changed. Delete the file to start ` +
        'from an empty alert state (open findings are then announced again), or point --state-file at another file.',
    );
  }

  private async write(state: StateFile): Promise<void> {
    const folder = dirname(this.path);
    await mkdir(folder, { recursive: true });
    const temporary = join(folder, `.${basename(this.path)}.${process.pid}.${randomUUID()}.tmp`);
    try {
      const file = await open(temporary, 'wx');
      try {
        await file.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temporary, this.path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

/** What is wrong with a parsed state file, or `undefined` when it has the expected shape. */
function stateProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  if (value.format !== FORMAT) return `format is ${JSON.stringify(value.format)}, expected ${FORMAT}`;
  for (const list of ['alerts', 'events', 'deletionTasks'] as const) {
    if (!Array.isArray(value[list])) return `${list} is not a list`;
  }
  const alerts = value.alerts as unknown[];
  const badAlert = alerts.findIndex((record) => !isAlertRecord(record));
  if (badAlert !== -1) return `alerts[${badAlert}] is not an alert record`;
  const events = value.events as unknown[];
  const badEvent = events.findIndex(
    (event) =>
      !isObject(event) ||
      typeof event.eventId !== 'string' ||
      typeof event.expiresAt !== 'string' ||
      Number.isNaN(Date.parse(event.expiresAt)),
  );
  if (badEvent !== -1) return `events[${badEvent}] is not an event id with an expiry date`;
  const tasks = value.deletionTasks as unknown[];
  const badTask = tasks.findIndex(
    (task) =>
      !isObject(task) ||
      typeof task.account !== 'string' ||
      typeof task.taskId !== 'string' ||
      typeof task.since !== 'string',
  );
  if (badTask !== -1) return `deletionTasks[${badTask}] is not an account with a task id`;
  return undefined;
}

function isAlertRecord(value: unknown): boolean {
  if (!isObject(value)) return false;
  const strings = [
    'account',
    'code',
    'status',
    'fingerprint',
    'openedAt',
    'updatedAt',
    'transition',
  ] as const;
  const nullableStrings = ['notifiedAt', 'claimedUntil'] as const;
  return (
    strings.every((name) => typeof value[name] === 'string') &&
    nullableStrings.every((name) => value[name] === null || typeof value[name] === 'string') &&
    isObject(value.finding) &&
    Number.isSafeInteger(value.version) &&
    (value.version as number) >= 1
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
