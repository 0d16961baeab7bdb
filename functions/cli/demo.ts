import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteServiceLinkedRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { loadEventSample } from '../../events/index.js';
import { FileAlertStore } from '../adapters/file-alert-store.js';
import type { Clock } from '../clock.js';
import { loadConfig } from '../config.js';
import { EXIT_CODES, REPLICATION_ROLE } from '../core/constants.js';
import type { RecheckRequest } from '../core/ports.js';
import { renderReportText } from '../core/render-text.js';
import { createReconcileDeps } from '../handlers/deps.js';
import { createTelemetry } from '../handlers/telemetry.js';
import { type LocalAccount, startLocalAccount } from '../local-account/index.js';
import { scanAccount } from '../reconcile/scan.js';
import { parseFlags } from './args.js';
import { handleWithGrace } from './handle.js';
import type { Output } from './output.js';
import { cliAccountReader } from './reader.js';
import { publishedAsText, slackAsText } from './terminal-messages.js';

export const DEMO_HELP = `Usage: ecr-role-reconciler demo [--part scan|events|all]

Starts the embedded local account (no AWS account or credentials needed), then plays the story:
  scan    what \`scan\` reports for each drift: in sync, role deleted while a far Region replicates,
          replication cleared leaving an orphan, a look-alike role, an unreadable Region
  events  the event-driven path: CloudTrail events through the Lambda handler, alerts to Slack and
          SNS once per change, and their resolution
This is what \`npm start\` runs.`;

const DEMO_REGIONS = [
  'us-east-1',
  'us-west-2',
  'eu-west-1',
  'eu-central-1',
  'ap-southeast-2',
  'ap-northeast-1',
];
const TOPIC = 'ecr-replication-role-alerts';

export async function demoCommand(
  args: readonly string[],
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock,
): Promise<number> {
  const { values } = parseFlags('demo', args, { part: { type: 'string' } });
  if (values.help) {
    output.out(DEMO_HELP);
    return EXIT_CODES.inSync;
  }
  const part = values.part ?? 'all';
  const account = await startLocalAccount({ regions: DEMO_REGIONS, clock });
  const restoreEnv = pointSdkAt(account);
  try {
    if (part === 'scan' || part === 'all') await scanStory(account, output, clock);
    if (part === 'events' || part === 'all') await eventStory(account, output, env, clock);
    return EXIT_CODES.inSync;
  } finally {
    restoreEnv();
    await account.close();
  }
}

/**
 * The SDK reads its endpoint and credentials from the environment; the demo sets them for its own process only,
 * exactly as a user would export them.
 */
function pointSdkAt(account: LocalAccount): () => void {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: account.url,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '2',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE']) {
    delete process.env[name];
  }
  return () => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}

const heading = (output: Output, text: string) => output.out(`\n\u001b[1m━━ ${text}\u001b[0m\n`);
const replicateTo = (region: string) => [{ destinations: [{ region, registryId: '123456789012' }] }];

async function scanStory(account: LocalAccount, output: Output, clock: Clock): Promise<void> {
  const scan = async (title: string) => {
    heading(output, title);
    const report = await scanAccount(cliAccountReader({ homeRegion: 'us-east-1', regionTimeoutMs: 2000 }), {
      now: clock.now,
    });
    output.out(renderReportText(report));
    output.out(`(scan exits ${report.findings.length > 0 ? 2 : 0})`);
  };

  account.putReplication('us-east-1', replicateTo('eu-west-1'));
  await scan('1. In sync: us-east-1 replicates to eu-west-1, and ECR created the role');

  account.clearReplication('us-east-1');
  account.putReplication('ap-southeast-2', replicateTo('ap-northeast-1'));
  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
  await scan('2. The role was deleted while a far Region (ap-southeast-2) still replicates');

  account.createServiceLinkedRole();
  account.clearReplication('ap-southeast-2');
  await scan('3. Replication cleared in every Region: the role is left orphaned');

  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
  account.createRole({ name: REPLICATION_ROLE.name, path: '/', trustedService: 'ec2.amazonaws.com' });
  account.putReplication('us-east-1', replicateTo('eu-west-1'));
  await scan('4. A look-alike role squats the name: ECR cannot create the genuine one');

  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
  account.createServiceLinkedRole();
  account.clearReplication('us-east-1');
  account.setFault({ service: 'ecr', region: 'eu-central-1', fault: 'access-denied' });
  await scan('5. One Region cannot be read: nothing is concluded from it (no orphan reported)');
  account.clearFaults();
  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
}

async function eventStory(
  account: LocalAccount,
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock,
): Promise<void> {
  const stateDir = await mkdtemp(join(tmpdir(), 'ecr-role-demo-'));
  const topicArn = account.createTopic(TOPIC);
  const config = {
    ...loadConfig({ ...env, RECONCILER_REGIONS: undefined, REMINDER_HOURS: undefined }),
    alertTopicArn: topicArn,
    slackWebhookUrl: account.slackWebhookUrl,
    graceSeconds: 1,
  };
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };
  const rechecks: RecheckRequest[] = [];
  const deps = createReconcileDeps(config, {
    reader: cliAccountReader({ homeRegion: 'us-east-1', regionTimeoutMs: 2000 }),
    store: new FileAlertStore(join(stateDir, 'state.json')),
    recheck: { schedule: async (request) => void rechecks.push(request) },
    log: quiet,
    clock,
  });
  const telemetry = createTelemetry(quiet, { count: () => {} });
  let seenSlack = 0;
  let seenSns = 0;

  const play = async (
    title: string,
    file: string,
    edit?: (event: { detail: Record<string, unknown> }) => void,
  ) => {
    heading(output, title);
    const event = loadEventSample(file) as { detail: Record<string, unknown> };
    edit?.(event);
    const result = await handleWithGrace(deps, telemetry, event, rechecks, config.graceSeconds, quiet);
    const codes = result.report?.findings.map((finding) => finding.code).join(', ') || 'none';
    output.out(`event ${file}: ${result.reason}`);
    output.out(
      `findings: ${codes}${result.deferred.length > 0 ? ` (held ${config.graceSeconds}s for a re-check: ${result.deferred.join(', ')})` : ''}`,
    );
    const slack = account.slackMessages.slice(seenSlack);
    const sns = account.published.slice(seenSns);
    seenSlack += slack.length;
    seenSns += sns.length;
    if (slack.length === 0 && sns.length === 0) output.out('no alert (nothing changed for a reader)');
    for (const message of slack) output.out(slackAsText(message.body));
    for (const message of sns) output.out(publishedAsText(message));
  };

  try {
    account.putReplication('us-east-1', replicateTo('eu-west-1'));
    await play(
      'A. Replication is configured; ECR creates the role',
      'ecr-put-replication-configuration.json',
    );

    account.clearReplication('us-east-1');
    account.putReplication('ap-southeast-2', replicateTo('ap-northeast-1'));
    await play('B. ap-southeast-2 starts replicating', 'ecr-put-replication-configuration-far-region.json');

    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
    await play('C. The role is removed out of band while ap-southeast-2 replicates', 'iam-delete-role.json');

    await play('D. The hourly schedule runs: the open alert is not repeated', 'scheduled-event.json');

    account.createServiceLinkedRole();
    await play('E. The role is created again', 'iam-create-service-linked-role.json');

    account.clearReplication('ap-southeast-2');
    await play(
      'F. Replication is cleared in every Region: the role is orphaned',
      'ecr-put-replication-configuration-cleared.json',
    );

    const iam = new IAMClient({ region: 'us-east-1' });
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
