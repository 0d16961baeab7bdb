import { deletionTaskFate } from '../core/deletion.js';
import { unassumedAccountRead } from '../core/organization-report.js';
import type { FollowedDeletion } from '../core/ports.js';
import { reconcileReport } from '../core/rule.js';
import type { AccountRead, Report } from '../core/types.js';
import { ConfigError, ENV } from '../settings.js';
import { observeAccount } from './observe.js';
import type { ReconcileDeps, ReconcileRequest } from './types.js';

/** The deletion task to follow in this reconcile, and whether this request is what started following it. */
export interface TaskToFollow {
  readonly task: FollowedDeletion | undefined;
  readonly newlyRequested: boolean;
}

/**
 * Reads the account the request names and decides its report. With `readerFor` (the Lambda functions), the account
 * is reached as it must be (its own credentials, or its read role); a role that cannot be assumed gives a report of
 * nothing read (`OBSERVATION_INCOMPLETE` naming the role, invariant 1), and a read of another account than the
 * request's is refused. Without it, the one reader reads (the CLI).
 *
 * @throws {ConfigError} when what was read is another account than the request's (with `readerFor`)
 */
export async function readAndDecide(
  deps: ReconcileDeps,
  request: ReconcileRequest,
  following: TaskToFollow,
  now: Date,
): Promise<Report> {
  const access = deps.readerFor
    ? await deps.readerFor(request.account)
    : { ok: true as const, reader: deps.reader };
  if (!access.ok) {
    deps.log.warn('the account’s read role could not be assumed: nothing in it is read', {
      account: request.account,
      roleArn: access.roleArn,
      error: access.error,
    });
    return reconcileReport(
      unassumedAccountRead({
        account: request.account,
        partition: access.partition,
        observedAt: now.toISOString(),
        regions: deps.regions ?? [],
        roleArn: access.roleArn,
        error: access.error,
      }),
    );
  }
  const read = await observeAccount(access.reader, {
    regions: deps.regions,
    concurrency: deps.concurrency,
    deletionTaskId: following.task?.taskId,
    now: () => now,
  });
  if (deps.readerFor && read.account !== request.account) {
    throw new ConfigError(
      ENV.memberReadRoleName,
      `Asked about account ${request.account}, the credentials read account ${read.account}: nothing is ` +
        `announced. ${ENV.memberReadRoleName} (organization mode) lets the functions read other accounts.`,
    );
  }
  return decideReportAndSettleTask(deps, request, read, following, now);
}

/**
 * Applies the rule to what was read, and settles the deletion task: a task is followed only for the account that
 * was read (an event of another account says nothing about it), and once it is no longer informative it is dropped
 * and the report is decided without it, so that its finding closes.
 */
async function decideReportAndSettleTask(
  deps: ReconcileDeps,
  request: ReconcileRequest,
  read: AccountRead,
  { task, newlyRequested }: TaskToFollow,
  now: Date,
): Promise<Report> {
  const { store, log } = deps;
  const withoutTask = (): Report => {
    const { deletion: _dropped, ...rest } = read;
    return reconcileReport(rest);
  };
  if (read.account !== request.account) {
    log.warn('the event names another account than the credentials read: its deletion task is not followed', {
      eventAccount: request.account,
      readAccount: read.account,
    });
    // A task stored under the other account by an earlier version would otherwise stay there for good.
    if (task && !newlyRequested) await store.setDeletionTask(request.account, undefined);
    return withoutTask();
  }
  const report = reconcileReport(read);
  if (!task || !read.deletion) return report;

  const fate = deletionTaskFate(task, read.deletion, report, now);
  if (fate.follow) {
    if (newlyRequested) await store.setDeletionTask(read.account, task);
    return report;
  }
  log.info('no longer following the role deletion task', { taskId: task.taskId, reason: fate.reason });
  if (!newlyRequested) await store.setDeletionTask(read.account, undefined);
  // A task no longer followed says nothing: its finding, if any, closes.
  return withoutTask();
}
