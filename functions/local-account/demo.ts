import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteServiceLinkedRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { loadEventSample } from '../../events/index.js';
import { FileAlertStore } from '../adapters/file-alert-store.js';
import { handleWithGrace, InProcessRecheckScheduler } from '../app/recheck/in-process.js';
import { createReconcileDeps } from '../app/reconcile-deps.js';
import { createTelemetry } from '../app/telemetry.js';
import { oneOf, parseFlags } from '../cli/args.js';
import { clientConfig, notifierClients, type SdkSetup } from '../cli/aws.js';
import { colorWanted, type Output, widthOf } from '../cli/output.js';
import { cliAccountReader } from '../cli/reader.js';
import { publishedAsLine, slackAsText } from '../cli/render/received-messages.js';
import { renderReportText, TABLE_LEGEND } from '../cli/render/report-text.js';
import { ANSI_STYLE, PLAIN_STYLE, type TextStyle } from '../cli/render/text-style.js';
import { wrapText } from '../cli/render/wrap.js';
import type { Clock } from '../clock.js';
import { loadConfig } from '../config.js';
import { EXIT_CODES, REPLICATION_ROLE } from '../core/constants.js';
import type { Report } from '../core/types.js';
import { scanAccount } from '../reconcile/scan.js';
import { ENV } from '../settings.js';
import { organizationStory } from './demo-organization.js';
import { type LocalAccount, startLocalAccount } from './index.js';

const DEMO_HELP = `Usage: ecr-role-reconciler demo [--part scan|events|organization|all] [--no-color]

Starts the embedded local account (a simulated account: no AWS account or credentials needed,
nothing touches AWS), then plays the story:
  scan    what \`scan\` reports for each drift: in sync, role deleted while a far Region replicates,
          replication cleared leaving an orphan, a look-alike role, an unreadable Region
  events  the event-driven path: CloudTrail events through the Lambda handler, alerts to Slack and
          SNS once per change, and their resolution
  organization
          \`scan --organization\` over a simulated organization: every account through its read
          role, one that cannot be assumed, one suspended
  all     all three (the default)

Options:
  --part NAME             The part to play: scan, events, organization or all (default: all)
  --no-color              No colour, also on a terminal (so does NO_COLOR)
  -h, --help              Show this help

This is what \`npm start\` runs.`;

const PARTS = ['scan', 'events', 'organization', 'all'] as const;
const DEMO_REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];
const TOPIC = 'ecr-replication-role-alerts';

/** How the demo writes: where, how wide, in which style; and how its SDK clients reach the local account. */
interface Page {
  readonly output: Output;
  readonly width: number;
  readonly style: TextStyle;
  readonly clock: Clock;
  readonly sdk: SdkSetup;
}

export async function demoCommand(
  args: readonly string[],
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock,
): Promise<number> {
  const { values } = parseFlags('demo', args, { part: { type: 'string' }, 'no-color': { type: 'boolean' } });
  if (values.help) {
    output.out(DEMO_HELP);
    return EXIT_CODES.inSync;
  }
  const part = oneOf('part', values.part, PARTS, 'all');
  const account = await startLocalAccount({ regions: DEMO_REGIONS, clock });
  const page: Page = {
    output,
    width: widthOf(output),
    style: colorWanted(output, env, values['no-color']) ? ANSI_STYLE : PLAIN_STYLE,
    clock,
    sdk: localSdk(account, clock),
  };
  try {
    preface(page, account, part);
    if (part === 'scan' || part === 'all') await scanStory(account, page);
    if (part === 'events' || part === 'all') await eventStory(account, page);
    if (part === 'organization' || part === 'all') await organizationStory(page, DEMO_REGIONS);
    whatNext(page);
    return EXIT_CODES.inSync;
  } finally {
    await account.close();
  }
}

/**
 * The unmodified SDK clients, each configured with the local account's endpoint and keys, as a user would export them
 * (`local-account` prints them): whatever the environment or the shared files say, nothing reaches AWS.
 */
function localSdk(account: LocalAccount, clock: Clock): SdkSetup {
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  return { clock, endpoint: { url: account.url, region: 'us-east-1', credentials, maxAttempts: 2 } };
}

/** The reader of the demo's account, asking in us-east-1 and giving each Region 2 s. */
const demoReader = (page: Page) =>
  cliAccountReader({ homeRegion: 'us-east-1', regionTimeoutMs: 2000 }, page.sdk);

const say = (page: Page, text: string, indent = '') =>
  page.output.out(wrapText(text, page.width, indent, indent).join('\n'));
/** A part's heading, after a blank line. */
const heading = (page: Page, text: string) => page.output.out(`\n${page.style.bold(`━━ ${text}`)}`);
/** A scene's title, wrapped: the scenes of a part follow each other without blank lines. */
const scene = (page: Page, text: string) =>
  page.output.out(
    wrapText(text, page.width, '   ', '')
      .map((line) => page.style.bold(line))
      .join('\n'),
  );
const replicateTo = (region: string) => [{ destinations: [{ region, registryId: '123456789012' }] }];

function preface(page: Page, account: LocalAccount, part: (typeof PARTS)[number]): void {
  page.output.out(page.style.bold('ECR replication role reconciler: a demo on a simulated account'));
  say(
    page,
    `A simulated account (${account.accountId}; ${DEMO_REGIONS.join(', ')}) runs in this process: nothing ` +
      'here touches AWS, no credentials are used.' +
      (part === 'events' || part === 'organization'
        ? ''
        : ' Part 1: what `scan` reports for each kind of drift.') +
      (part === 'scan' || part === 'organization'
        ? ''
        : ' Part 2: CloudTrail events through the Lambda handler, each alert once as Slack shows it (SNS, in a line).') +
      (part === 'scan' || part === 'events'
        ? ''
        : ' Part 3: `scan --organization` across a simulated organization.'),
  );
  say(page, `Region markers: ${TABLE_LEGEND}`);
  say(
    page,
    'Severity: HIGH > MEDIUM > LOW > WARNING (not all could be read). `scan` exits 0 in sync, 2 if not.',
  );
}

/** The Regions in one line, with the table's markers. */
function regionsLine(report: Report): string {
  const mark = { replicating: '→', 'not-replicating': '·', unreadable: '?', 'not-enabled': '-' } as const;
  return report.regions.map(({ region, state }) => `${mark[state]} ${region}`).join('  ');
}

async function scanStory(account: LocalAccount, page: Page): Promise<void> {
  const { output, style, width } = page;
  const read = () => scanAccount(demoReader(page), { now: page.clock.now });
  const exit = (report: Report) => `exit ${report.findings.length > 0 ? 2 : 0}`;
  /** The role, the Regions and each finding in one line each: the full table is shown once. */
  const brief = async (title: string) => {
    const report = await read();
    scene(page, `${title} → ${exit(report)}`);
    const role =
      report.role.state === 'present' && !report.role.serviceLinked
        ? 'NOT service-linked'
        : report.role.state;
    say(page, `${regionsLine(report)}    role ${role}, desired ${report.desiredRole}`, '   ');
    for (const finding of report.findings) {
      const tag = style.severity(finding.severity, `[${finding.severity.toUpperCase()}] ${finding.code}`);
      say(page, `${tag}: ${finding.message}`, '   ');
    }
  };
  const full = async (title: string) => {
    const report = await read();
    scene(page, `${title} → ${exit(report)}; scan's table:`);
    output.out(renderReportText(report, { width, style, legend: false }));
  };

  heading(page, 'Part 1 · scan: one read of every Region, one rule');
  account.putReplication('us-east-1', replicateTo('eu-west-1'));
  await brief('1. In sync: us-east-1 replicates to eu-west-1, and ECR created the role');

  account.clearReplication('us-east-1');
  account.putReplication('ap-southeast-2', replicateTo('ap-northeast-1'));
  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
  await full('2. The role was deleted while a far Region (ap-southeast-2) still replicates');

  account.createServiceLinkedRole();
  account.clearReplication('ap-southeast-2');
  await brief('3. Replication cleared in every Region: the role is left orphaned');

  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
  account.createRole({ name: REPLICATION_ROLE.name, path: '/', trustedService: 'ec2.amazonaws.com' });
  account.putReplication('us-east-1', replicateTo('eu-west-1'));
  await brief('4. A look-alike role squats the name: ECR cannot create the genuine one');

  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
  account.createServiceLinkedRole();
  account.clearReplication('us-east-1');
  account.setFault({ service: 'ecr', region: 'eu-west-1', fault: 'access-denied' });
  await brief('5. One Region cannot be read: nothing is concluded from it (no orphan reported)');
  account.clearFaults();
  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
}

async function eventStory(account: LocalAccount, page: Page): Promise<void> {
  const { output, style, width, clock } = page;
  const stateDir = await mkdtemp(join(tmpdir(), 'ecr-role-demo-'));
  // The demo's own configuration, as the deployed function's environment would carry it: the user's plays no part.
  const config = loadConfig({
    [ENV.alertTopicArn]: account.createTopic(TOPIC),
    [ENV.slackWebhookUrl]: account.slackWebhookUrl,
    [ENV.graceSeconds]: '1',
  });
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  const rechecks = new InProcessRecheckScheduler();
  const deps = createReconcileDeps(config, {
    reader: demoReader(page),
    store: new FileAlertStore(join(stateDir, 'state.json')),
    recheck: rechecks,
    log: quiet,
    clock,
    clients: await notifierClients(page.sdk),
  });
  const telemetry = createTelemetry(quiet, { count: () => {} });
  let seenSlack = 0;
  let seenSns = 0;

  const play = async (
    title: string,
    file: string,
    edit?: (event: { detail: Record<string, unknown> }) => void,
  ) => {
    const event = loadEventSample(file) as { time: string; detail: Record<string, unknown> };
    // The sample happened on its own date; in the demo it happens now, on the demo's clock.
    const now = `${clock.now().toISOString().slice(0, 19)}Z`;
    event.time = now;
    event.detail.eventTime = now;
    edit?.(event);
    const result = await handleWithGrace(deps, telemetry, event, rechecks);
    const slack = account.slackMessages.slice(seenSlack);
    const sns = account.published.slice(seenSns);
    seenSlack += slack.length;
    seenSns += sns.length;
    const codes = result.report?.findings.map((finding) => finding.code).join(', ') || 'in sync';
    const held = result.deferred.length > 0 ? `, confirmed after a ${config.graceSeconds} s grace` : '';
    const told =
      slack.length + sns.length === 0 ? ', no alert (nothing changed)' : held ? ':' : ', announced:';
    scene(page, `${title} → ${codes}${held}${told}`);
    for (const message of slack) output.out(slackAsText(message.body, { width, style }));
    for (const message of sns) output.out(publishedAsLine(message));
  };

  try {
    heading(page, 'Part 2 · events: the deployed function, one alert per change');
    account.putReplication('us-east-1', replicateTo('eu-west-1'));
    await play(
      'A. Replication is configured; ECR creates the role',
      'ecr-put-replication-configuration.json',
    );

    account.clearReplication('us-east-1');
    account.putReplication('ap-southeast-2', replicateTo('ap-northeast-1'));
    await play('B. ap-southeast-2 starts replicating', 'ecr-put-replication-configuration-far-region.json');

    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    await play('C. The role is deleted while ap-southeast-2 replicates', 'iam-delete-role.json');

    await play('D. The hourly schedule: the open alert is not repeated', 'scheduled-event.json');

    account.createServiceLinkedRole();
    await play('E. The role is created again', 'iam-create-service-linked-role.json');

    account.clearReplication('ap-southeast-2');
    await play(
      'F. Replication is cleared in every Region: the role is orphaned',
      'ecr-put-replication-configuration-cleared.json',
    );

    const iam = new IAMClient(clientConfig('us-east-1', page.sdk));
    const { DeletionTaskId } = await iam.send(
      new DeleteServiceLinkedRoleCommand({ RoleName: REPLICATION_ROLE.name }),
    );
    await play('G. The orphaned role is deleted', 'iam-delete-service-linked-role.json', (event) => {
      event.detail.responseElements = { deletionTaskId: DeletionTaskId };
    });
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

function whatNext(page: Page): void {
  heading(page, 'What next');
  for (const line of [
    'Scan a real account (read-only; `ecr-role-reconciler policy` prints the IAM policy it needs):',
    '  npx ecr-role-reconciler scan --profile <profile>',
    'Scan every account of your organization (from the management account or a delegated administrator):',
    '  npx ecr-role-reconciler scan --organization --profile <profile>',
    'Deploy it to watch the account unattended (alerts to SNS and Slack, once per change):',
    '  npx cdk deploy --all -c regions=us-east-1,eu-west-1 -c alertEmail=you@example.com',
    'Or run this account yourself and point any AWS tool at it: npx ecr-role-reconciler local-account',
  ])
    say(page, line);
}
