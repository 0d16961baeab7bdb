import { randomUUID } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as z from 'zod/mini';
import { AlertRecordSchema, DateTime, describeIssues, Text } from '../core/alert-record-schema.js';
import type { AlertRecord } from '../core/alert-types.js';
import { UsageError } from '../core/errors.js';
import type { FollowedDeletion } from '../core/ports.js';

// The alert state file of `FileAlertStore`: its layout, read whole and validated, replaced whole.

/** The layout of the state file. Lists rather than maps, so that no account or event id can clash with a key. */
export interface StateFile {
  readonly format: typeof FORMAT;
  readonly alerts: AlertRecord[];
  readonly events: { readonly eventId: string; readonly expiresAt: string }[];
  readonly deletionTasks: ({ readonly account: string } & FollowedDeletion)[];
  /** The account register (organization mode): absent from files written before it, and from single accounts. */
  readonly accounts?: StoredAccountEntry[];
}

/** One account's entry (`AccountEntry`), its name and mark left out while unknown or unset. */
export interface StoredAccountEntry {
  readonly account: string;
  readonly name?: string;
  readonly openAlertsMark?: string;
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
  accounts: z.optional(
    z.array(z.looseObject({ account: Text, name: z.optional(Text), openAlertsMark: z.optional(Text) })),
  ),
});

/**
 * The state in the file at `path`: an empty state when there is no file; a {@link UsageError} naming the file when
 * it cannot be read as a state (an empty file included), never taken as an empty state.
 */
export async function readStateFile(path: string): Promise<StateFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState();
    throw new Error(`cannot read the alert state file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  // Never written so by this store (its writes are whole files, renamed into place): something truncated it.
  if (text.trim() === '') throw corrupt(path, 'the file is empty');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corrupt(path, `not JSON: ${(error as Error).message}`);
  }
  const result = StateFileSchema.safeParse(parsed);
  if (!result.success)
    throw corrupt(path, describeIssues(result.error.issues, 'the file') || 'not a state file');
  // The schema checks what the types say, but for finding codes, left open on purpose (see above).
  return result.data as unknown as StateFile;
}

function corrupt(path: string, reason: string): UsageError {
  return new UsageError(
    `the alert state file ${path} is corrupt (${reason}). Nothing was changed. Delete the file to start ` +
      'from an empty alert state (open findings are then announced again), or point --state-file at another file.',
  );
}

/**
 * Replaces the file at `path` with `state` atomically: written to a temporary file in the same folder, flushed,
 * then renamed over it, so that a reader always sees a whole file and a crash never leaves half of one. `confirm`
 * runs just before the rename: when it throws, nothing is changed.
 */
export async function replaceStateFile(
  path: string,
  state: StateFile,
  confirm: () => Promise<void>,
): Promise<void> {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const file = await open(temporary, 'wx');
    try {
      await file.writeFile(`${JSON.stringify(state, null, 2)}\n`, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await confirm();
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
