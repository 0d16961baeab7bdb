import { readFile } from 'node:fs/promises';
import { FileAlertStore } from '../adapters/file-alert-store.js';
import type { Clock } from '../clock.js';
import { loadConfig } from '../config.js';
import { EXIT_CODES } from '../core/constants.js';
import type { RecheckRequest } from '../core/ports.js';
import { createReconcileDeps } from '../handlers/deps.js';
import { type HandleResult, handleEvent, UndeliveredAlertsError } from '../handlers/handle-event.js';
import { createTelemetry, type Telemetry } from '../handlers/telemetry.js';
import { type ReconcileDeps, type ReconcileLog, reconcile } from '../reconcile/reconcile.js';
import { parseFlags, positiveNumber } from './args.js';
import { stderrLog } from './log.js';
import type { Output } from './output.js';
import { cliAccountReader } from './reader.js';

export const HANDLE_HELP = `Usage: ecr-role-reconciler handle <event.json>... [--state-file FILE] [--grace-seconds N]

Runs exactly the Lambda handler path for each event file (an event as EventBridge delivers it):
parse, classify, reconcile when relevant, and announce each change once. Prints one JSON object
per event: { eventId, relevant, reason, report, notifications, deferred }.

Options:
  --state-file FILE    Alert state, so that a change is announced once across runs
                       (default: .reconciler-state.json). Runs sharing FILE take turns
                       through FILE.lock (a run waits up to 10 s; a lock left by a run
                       that died is recovered)
  --grace-seconds N    Confirm a high finding raised by an event after N seconds before announcing
                       it (default: 0, announce at once)
  -h, --help           Show this help

Environment (as for the Lambda function):
  ALERT_TOPIC_ARN      SNS topic to publish alerts to
  SLACK_WEBHOOK_URL    Slack incoming webhook (never printed)
  RECONCILER_REGIONS   Regions to read, comma-separated (default: every enabled Region)
  REMINDER_HOURS       Re-announce open findings after this many hours

Exit codes: 0 in sync, 2 findings reported, 1 an event file could not be handled.`;

/** `handle`: the Lambda path for event files. Logs go to stderr; stdout carries only the results. */
export async function handleCommand(
  args: readonly string[],
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock,
): Promise<number> {
  const { values, positionals } = parseFlags(
    'handle',
    args,
    { 'state-file': { type: 'string' }, 'grace-seconds': { type: 'string' } },
    true,
  );
  if (values.help) {
    output.out(HANDLE_HELP);
    return EXIT_CODES.inSync;
  }
  if (positionals.length === 0) {
    output.err(`error: give at least one event file.\n\n${HANDLE_HELP}`);
    return EXIT_CODES.couldNotRun;
  }
  const graceSeconds = positiveNumber('grace-seconds', values['grace-seconds'], 0, 900);
  const config = { ...loadConfig(env), graceSeconds };
  const log = stderrLog(output, clock);
  const rechecks: RecheckRequest[] = [];
  const deps = createReconcileDeps(config, {
    reader: cliAccountReader(),
    store: new FileAlertStore(values['state-file'] ?? '.reconciler-state.json'),
    // Locally the grace delay is a pause in this process, then the same re-check the Lambda makes.
    recheck: { schedule: async (request) => void rechecks.push(request) },
    log,
    clock,
  });
  const telemetry = createTelemetry(log, { count: () => {} });

  let exit: number = EXIT_CODES.inSync;
  for (const file of positionals) {
    try {
      const event: unknown = JSON.parse(await readFile(file, 'utf8'));
      const result = await handleWithGrace(deps, telemetry, event, rechecks, graceSeconds, log);
      output.out(JSON.stringify(result));
      if (result.report && result.report.findings.length > 0 && exit === EXIT_CODES.inSync)
        exit = EXIT_CODES.findings;
    } catch (error) {
      // Alerts a channel did not deliver: what was done is printed, and the run fails so that it is retried.
      if (error instanceof UndeliveredAlertsError) output.out(JSON.stringify(error.result));
      output.err(`error: ${file}: ${error instanceof Error ? error.message : String(error)}`);
      exit = EXIT_CODES.couldNotRun;
    }
  }
  return exit;
}

/**
 * The handler path, then — where it deferred high findings — the grace delay as a pause in this process and the
 * same re-check the Lambda makes from its queue. Returns the handler's result with the re-check's notifications.
 */
export async function handleWithGrace(
  deps: ReconcileDeps,
  telemetry: Telemetry,
  event: unknown,
  rechecks: RecheckRequest[],
  graceSeconds: number,
  log: ReconcileLog,
): Promise<HandleResult> {
  let result = await handleEvent(deps, telemetry, event);
  for (const request of rechecks.splice(0)) {
    log.info('waiting out the grace delay before confirming', {
      seconds: graceSeconds,
      eventId: request.eventId,
    });
    await deps.clock.sleep(graceSeconds * 1000);
    const confirmed = await reconcile(deps, {
      ...request,
      eventId: `recheck:${request.eventId}`,
      mode: 'confirm',
    });
    result = {
      ...result,
      report: confirmed.report ?? result.report,
      notifications: [...result.notifications, ...confirmed.notifications],
    };
  }
  return result;
}
