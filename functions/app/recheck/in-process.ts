import type { RecheckRequest, RecheckScheduler } from '../../core/ports.js';
import type { ReconcileDeps } from '../../reconcile/reconcile.js';
import { type HandleResult, handleEvent } from '../event/handle-event.js';
import type { Telemetry } from '../telemetry.js';
import { confirmRecheck } from './confirm.js';

/**
 * Grace re-checks kept in this process (`handle`, `demo`), where there is no queue: each one asked for is held
 * until {@link handleWithGrace} waits out its delay and makes it.
 */
export class InProcessRecheckScheduler implements RecheckScheduler {
  private readonly pending: { request: RecheckRequest; delaySeconds: number }[] = [];

  async schedule(request: RecheckRequest, delaySeconds: number): Promise<void> {
    this.pending.push({ request, delaySeconds });
  }

  /** The re-checks asked for since the last call, in order; they are no longer held. */
  take(): { request: RecheckRequest; delaySeconds: number }[] {
    return this.pending.splice(0);
  }
}

/**
 * The handler path, then — where it deferred high findings — the grace delay as a pause in this process and the
 * same re-check the Lambda makes from its queue. Returns the handler's result with the re-check's notifications.
 */
export async function handleWithGrace(
  deps: ReconcileDeps,
  telemetry: Telemetry,
  event: unknown,
  rechecks: InProcessRecheckScheduler,
): Promise<HandleResult> {
  let result = await handleEvent(deps, telemetry, event);
  for (const { request, delaySeconds } of rechecks.take()) {
    deps.log.info('waiting out the grace delay before confirming', {
      seconds: delaySeconds,
      eventId: request.eventId,
    });
    await deps.clock.sleep(delaySeconds * 1000);
    const confirmed = await confirmRecheck(deps, request);
    result = {
      ...result,
      report: confirmed.report ?? result.report,
      notifications: [...result.notifications, ...confirmed.notifications],
    };
  }
  return result;
}
