import { once } from 'node:events';
import type { Clock } from '../clock.js';
import { parseArn } from '../core/arn.js';
import { EXIT_CODES } from '../core/constants.js';
import { UsageError } from '../core/errors.js';
import { MEMBER_READ_ROLE_NAME } from '../core/permissions.js';
import {
  LOCAL_TOPIC_NAME,
  type LocalAccount,
  type ReceivedMessage,
  STARTING_SCENARIO_NAMES,
  STARTING_SCENARIOS,
  setUpScenario,
  startLocalAccount,
} from '../local-account/index.js';
import { knownRegions, oneOf, parseFlags, wholeNumber } from './args.js';
import { colorWanted, type Output, widthOf } from './output.js';
import { publishedAsText, slackAsText } from './render/received-messages.js';
import { ANSI_STYLE, PLAIN_STYLE } from './render/text-style.js';

const LOCAL_ACCOUNT_HELP = `Usage: ecr-role-reconciler local-account [--port N] [--scenario NAME] [--regions a,b,c] [--latency-ms N]

Serves the embedded local account (ECR, IAM, EC2, STS, SNS, Organizations wire protocols and a Slack
webhook sink) on 127.0.0.1 until interrupted (Ctrl-C), so that any AWS SDK or CLI can be pointed at
it. At start it creates the SNS topic ${LOCAL_TOPIC_NAME} and prints what to export; then it
prints every Slack and SNS message it receives, as a reader sees it. With --scenario organization it
also serves member accounts, reached as AWS does: credentials from sts:AssumeRole on their role
${MEMBER_READ_ROLE_NAME}. In another terminal:

  export AWS_ENDPOINT_URL=<printed url> AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
  npx ecr-role-reconciler scan
  export ALERT_TOPIC_ARN=<printed topic ARN> SLACK_WEBHOOK_URL=<printed Slack URL>
  npx ecr-role-reconciler handle events/iam-delete-role.json

Options:
  --port N          Port to listen on, 1 to 65535 (default: any free port)
  --scenario NAME   The state it starts in (default: empty):
${STARTING_SCENARIO_NAMES.map((name) => `                      ${name.padEnd(14)}${STARTING_SCENARIOS[name]}`).join('\n')}
  --regions a,b,c   The account's enabled Regions (default: the 17 enabled by default, plus 4
                    opt-in Regions not enabled)
  --latency-ms N    Delay every answer by N ms (a whole number, at most 60000)
  --no-color        No colour, also on a terminal (so does NO_COLOR)
  -h, --help        Show this help`;

export async function localAccountCommand(
  args: readonly string[],
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  _clock: Clock,
): Promise<number> {
  const { values } = parseFlags('local-account', args, {
    port: { type: 'string' },
    regions: { type: 'string' },
    scenario: { type: 'string' },
    'latency-ms': { type: 'string' },
    'no-color': { type: 'boolean' },
  });
  if (values.help) {
    output.out(LOCAL_ACCOUNT_HELP);
    return EXIT_CODES.inSync;
  }
  const port =
    values.port === undefined ? undefined : wholeNumber('port', values.port, 0, { min: 1, max: 65535 });
  const regions = knownRegions(values.regions, '--regions');
  const scenario = oneOf('scenario', values.scenario, STARTING_SCENARIO_NAMES, 'empty');
  const latencyMs = wholeNumber('latency-ms', values['latency-ms'], 0, { min: 0, max: 60_000 });
  const style = colorWanted(output, env, values['no-color']) ? ANSI_STYLE : PLAIN_STYLE;
  const width = widthOf(output);

  const show = (message: ReceivedMessage) => {
    if (message.channel === 'slack') {
      output.out(`\n${style.bold('Slack message received')}\n${slackAsText(message.body, { width, style })}`);
    } else {
      const topic = parseArn(message.topicArn)?.resource ?? message.topicArn;
      const title = `SNS message received on ${topic} (${Object.entries(message.attributes)
        .map(([name, value]) => `${name}=${value}`)
        .join(' ')})`;
      output.out(`\n${style.bold(title)}\n${publishedAsText(message, { width, style })}`);
    }
  };
  let account: LocalAccount;
  try {
    account = await startLocalAccount({ port, regions, latencyMs, onMessage: show });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new UsageError(
        `port ${port} on 127.0.0.1 is ${code === 'EADDRINUSE' ? 'already in use (another local-account, or another server)' : 'not open to this user'}. ` +
          'Pick another with --port N, or omit --port to take any free port.',
      );
    }
    throw error;
  }
  const topicArn = account.createTopic(LOCAL_TOPIC_NAME);
  const story = setUpScenario(account, scenario);

  output.out(
    [
      `Local account ${account.accountId} listening on ${account.url} (${account.state.regions.size} Regions; ${story})`,
      'Point the AWS SDK, the AWS CLI or this CLI at it, with its alert topic and Slack sink:',
      '',
      `  export AWS_ENDPOINT_URL=${account.url} AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1`,
      `  export ALERT_TOPIC_ARN=${topicArn}`,
      `  export SLACK_WEBHOOK_URL=${account.slackWebhookUrl}`,
      '',
      'Every Slack and SNS message it receives is printed here. Press Ctrl-C to stop.',
    ].join('\n'),
  );
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await account.close();
  return EXIT_CODES.inSync;
}
