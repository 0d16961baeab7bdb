import type { FollowedDeletion } from './ports.js';
import type { DeletionTask, Report } from './types.js';

/**
 * How long a role deletion task is followed at most. A deletion normally ends within minutes; after a day a task
 * still pending, failed or unreadable has said what it can, and following it further would keep its finding open
 * forever.
 */
const DELETION_TASK_LIFETIME_MS = 24 * 3600_000;

/** Whether to keep following a deletion task after this read of it, and if not, why (said once, in the log). */
export type DeletionTaskFate =
  | { readonly follow: true }
  | { readonly follow: false; readonly reason: string };

/**
 * Decides whether a followed deletion task is still informative. It is not once it succeeded, once IAM does not
 * know it (an unknown id never becomes known), once it failed and no Region blocks the role any more, or once its
 * lifetime has passed, whatever its status.
 *
 * @param report - the reconcile of the account with the task's read included
 */
export function deletionTaskFate(
  task: FollowedDeletion,
  read: DeletionTask,
  report: Report,
  now: Date,
  lifetimeMs = DELETION_TASK_LIFETIME_MS,
): DeletionTaskFate {
  if (read.status === 'SUCCEEDED') return { follow: false, reason: 'the deletion succeeded' };
  if (read.error && /^NoSuchEntity(Exception)?$/.test(read.error.code)) {
    return { follow: false, reason: `IAM does not know the task (${read.error.code})` };
  }
  const blocked = report.findings.some((finding) => finding.code === 'ROLE_DELETION_BLOCKED');
  if (read.status === 'FAILED' && !blocked) {
    return { follow: false, reason: 'the deletion failed and nothing blocks the role any more' };
  }
  const age = now.getTime() - Date.parse(task.since);
  if (!(age < lifetimeMs)) {
    return {
      follow: false,
      reason: `followed for ${Math.round(lifetimeMs / 3600_000)} h, last seen ${read.status}${read.error ? ` (${read.error.code})` : ''}`,
    };
  }
  return { follow: true };
}
