import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileAlertStore } from '../adapters/file-alert-store.js';
import { type HandleResult, UndeliveredAlertsError } from '../app/event/handle-event.js';
import { handleWithGrace, InProcessRecheckScheduler } from '../app/recheck/in-process.js';
import { createReconcileDeps } from '../app/reconcile-deps.js';
import { createTelemetry } from '../app/telemetry.js';
import type { Clock } from '../clock.js';
import { type Config, loadConfig } from '../config.js';
import { EXIT_CODES } from '../core/constants.js';
import { UsageError } from '../core/errors.js';
import { EVENT_LIMITS } from '../core/event-bounds.js';
import type { AlertStore } from '../core/ports.js';
import { assertKnownRegions } from '../core/regions.js';
import type { FindingCode, Severity } from '../core/types.js';
import { ConfigError, ENV, GRACE_SECONDS } from '../settings.js';
import { AWS_FLAGS, AWS_FLAGS_HELP, parseFlags, wholeNumber } from './args.js';
import { assertProfileExists, homeRegion, notifierClients, sdkSetup } from './aws.js';
import { exitCodeFor, FAIL_ON_HELP, parseFailOn } from './exit-code.js';
import { stderrLog } from './log.js';
import type { Output } from './output.js';
import { cliAccountReader } from './reader.js';

const HANDLE_HELP = `Usage: ecr-role-reconciler handle <event.json>... [--state-file FILE] [--grace-seconds N] [options]

Runs exactly the Lambda handler path for each event file (an event as EventBridge delivers it):
parse, classify, reconcile when relevant, and announce each change once. Prints one JSON object
per event: { eventId, relevant, reason, report, notifications, deferred, openFindings }.

Options:
  --state-file FILE    Alert state, so that a change is announced once across runs
                       (default: .reconciler-state.json). Runs sharing FILE take turns
                       through FILE.lock (a run waits up to 10 s; a lock left by a run
                       that died is recovered)
  --grace-seconds N    Confirm a high finding raised by an event after N seconds before announcing
                       it: a whole number from 0 to 900 (default: 0, announce at once)
  --no-alerts          Run with no alert channel: findings are printed, nothing is announced or
                       recorded as announced, and an event seen before is read again. Without it,
                       handle refuses to run when no channel is set (see Environment)
${FAIL_ON_HELP}
${AWS_FLAGS_HELP}
  -h, --help           Show this help

Environment (as for the Lambda function):
  ALERT_TOPIC_ARN      SNS topic to publish alerts to
  SLACK_WEBHOOK_URL    Slack incoming webhook (never printed)
  SLACK_WEBHOOK_SECRET_ARN  Secrets Manager secret holding the webhook URL (instead of the URL)
  RECONCILER_REGIONS   Regions to read, comma-separated (default: every enabled Region)
  REMINDER_HOURS       Re-announce open findings after this many hours

An event file must hold one event of at most 256 KB (EventBridge's limit for an event).

Exit codes: 0 in sync, 2 findings open (see --fail-on; for an event handled before or ignored,
nothing is read and the alert state says which findings are open), 1 an event file could not be
handled (the others still are).`;

/** The largest event EventBridge delivers, as JSON in UTF-8 bytes (the handler refuses larger ones as malformed). */
const MAX_EVENT_BYTES = EVENT_LIMITS.eventBytes;

/** What `handle` prints per event: the handler's result, and which findings are open for the event's account. */
interface HandleOutput extends HandleResult {
  /**
   * The codes of the findings open after this event: the report's when the account was read, else those the alert
   * state holds open for the event's account (an event handled before, or ignored). `null` when nothing was read
   * and there is no alert state to ask (`--no-alerts`).
   */
  readonly openFindings: readonly FindingCode[] | null;
}

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
    {
      'state-file': { type: 'string' },
      'grace-seconds': { type: 'string' },
      'no-alerts': { type: 'boolean' },
      'fail-on': { type: 'string' },
      ...AWS_FLAGS,
    },
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
  const graceSeconds = wholeNumber('grace-seconds', values['grace-seconds'], 0, GRACE_SECONDS);
  const failOn = parseFailOn(values['fail-on']);
  const loaded = loadConfig(env);
  if (loaded.regions) assertKnownRegions(loaded.regions, ENV.regions);
  const noAlerts = values['no-alerts'] === true;
  if (!noAlerts && !hasAlertChannel(loaded)) throw new ConfigError(ENV.alertTopicArn, NO_CHANNEL);
  const config: Config = noAlerts
    ? {
        ...loaded,
        graceSeconds,
        alertTopicArn: undefined,
        slackWebhookUrl: undefined,
        slackWebhookSecretArn: undefined,
      }
    : { ...loaded, graceSeconds };
  const statePath = values['state-file'] ?? '.reconciler-state.json';
  await assertStateFile(statePath);
  await assertProfileExists(env, values.profile);
  const sdk =
    values.profile !== undefined || values.debug ? sdkSetup(values, output, clock, 'json') : undefined;

  const log = stderrLog(output, clock);
  if (noAlerts) {
    log.warn(
      'no alert channel (--no-alerts): findings are printed here only, nothing is announced or recorded',
      {
        channels: `${ENV.alertTopicArn}, ${ENV.slackWebhookUrl}`,
      },
    );
  }
  const fileStore = new FileAlertStore(statePath);
  // Without a channel nothing is announced, so nothing can be announced twice: an event seen before is read again,
  // and the result always describes the account.
  const store = noAlerts ? withoutEventMemory(fileStore) : fileStore;
  // Locally the grace delay is a pause in this process, then the same re-check the Lambda makes.
  const rechecks = new InProcessRecheckScheduler();
  const deps = createReconcileDeps(config, {
    reader: cliAccountReader({ homeRegion: sdk ? await homeRegion(env, sdk) : undefined }, sdk),
    store,
    recheck: rechecks,
    log,
    clock,
    clients: sdk ? await notifierClients(sdk) : undefined,
  });
  const telemetry = createTelemetry(log, { count: () => {} });

  let exit: number = EXIT_CODES.inSync;
  for (const file of positionals) {
    try {
      const event = await readEvent(file);
      const result = await handleWithGrace(deps, telemetry, event, rechecks);
      const open = await openFindings(result, event, noAlerts ? undefined : fileStore);
      output.out(JSON.stringify({ ...result, openFindings: open?.codes ?? null } satisfies HandleOutput));
      if (exit === EXIT_CODES.inSync) exit = exitCodeFor(open?.severities ?? [], failOn);
    } catch (error) {
      // Alerts a channel did not deliver: what was done is printed, and the run fails so that it is retried.
      if (error instanceof UndeliveredAlertsError) output.out(JSON.stringify(error.result));
      output.err(`error: ${file}: ${error instanceof Error ? error.message : String(error)}`);
      exit = EXIT_CODES.couldNotRun;
    }
  }
  return exit;
}

const NO_CHANNEL =
  `no alert channel is set: handle announces each change to ${ENV.alertTopicArn} (an SNS topic ARN) and/or ` +
  `${ENV.slackWebhookUrl} (a Slack incoming webhook; or ${ENV.slackWebhookSecretArn}), and neither is set. ` +
  'Set one (`ecr-role-reconciler local-account` prints both for a local try), or give --no-alerts to print the ' +
  'findings only (nothing is then announced or recorded as announced).';

function hasAlertChannel(config: Config): boolean {
  return Boolean(config.alertTopicArn || config.slackWebhookUrl || config.slackWebhookSecretArn);
}

/**
 * The state file must be a file (or not exist yet), and readable as an alert state: checked before anything is
 * read, so that its fault is blamed on it and not on the first event.
 */
async function assertStateFile(path: string): Promise<void> {
  const stats = await stat(path).catch(() => undefined);
  if (stats?.isDirectory()) {
    throw new UsageError(
      `--state-file ${path} is a folder: give the path of a file, e.g. ${join(path, '.reconciler-state.json')}.`,
    );
  }
  try {
    await new FileAlertStore(path).deletionTask('');
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--state-file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The event in `file`, refused with what is wrong before anything is read: not a file, empty, not JSON, or larger
 * than EventBridge delivers (its JSON, without the file's indentation, over the handler's bound).
 */
async function readEvent(file: string): Promise<unknown> {
  const stats = await stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(error.code === 'ENOENT' ? 'no such file' : `cannot read it: ${error.message}`);
  });
  if (stats.isDirectory()) throw new UsageError('is a folder, not an event file');
  const hint = 'give one event as EventBridge delivers it (samples in events/)';
  const tooLarge = (bytes: number) =>
    new UsageError(
      `the event is ${Math.ceil(bytes / 1024)} KB of JSON, larger than an EventBridge event can be (under 256 KB): ${hint}.`,
    );
  // However it is indented, a file this large holds no event: it is not even read.
  if (stats.size > 4 * MAX_EVENT_BYTES) throw tooLarge(stats.size);
  const text = await readFile(file, 'utf8');
  if (text.trim() === '') throw new UsageError(`the file is empty: ${hint}.`);
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`not JSON (${(error as Error).message}): ${hint}.`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(event), 'utf8');
  if (bytes > MAX_EVENT_BYTES) throw tooLarge(bytes);
  return event;
}

/**
 * The findings open after this event, with their severities: the report's when the account was read; else what the
 * alert state holds open on any channel for the event's account; `undefined` when there is no alert state.
 */
async function openFindings(
  result: HandleResult,
  event: unknown,
  store: AlertStore | undefined,
): Promise<{ codes: FindingCode[]; severities: Severity[] } | undefined> {
  if (result.report) {
    return {
      codes: result.report.findings.map((finding) => finding.code),
      severities: result.report.findings.map((finding) => finding.severity),
    };
  }
  const account = (event as { account?: unknown }).account;
  if (!store || typeof account !== 'string') return undefined;
  const open = new Map<FindingCode, Severity>();
  for (const record of await store.load(account)) {
    if (record.status === 'open') open.set(record.code, record.finding.severity);
  }
  return { codes: [...open.keys()], severities: [...open.values()] };
}

/** The store without its memory of events: every event is handled as new. */
function withoutEventMemory(store: AlertStore): AlertStore {
  return {
    load: (account) => store.load(account),
    compareAndSet: (next, expectedVersion) => store.compareAndSet(next, expectedVersion),
    hasSeenEvent: async () => false,
    rememberEvent: async () => {},
    deletionTask: (account) => store.deletionTask(account),
    setDeletionTask: (account, task) => store.setDeletionTask(account, task),
  };
}
