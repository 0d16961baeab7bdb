import { once } from 'node:events';
import { parseRegions } from '../config.js';
import { EXIT_CODES } from '../core/constants.js';
import { startLocalAccount } from '../local-account/index.js';
import { parseFlags, positiveNumber } from './args.js';
import type { Output } from './output.js';

export const LOCAL_ACCOUNT_HELP = `Usage: ecr-role-reconciler local-account [--port N] [--regions a,b,c] [--latency-ms N]

Serves the embedded local account (ECR, IAM, EC2, STS, SNS wire protocols and a Slack webhook sink) on
127.0.0.1 until interrupted, so that any AWS SDK or CLI can be pointed at it:

  export AWS_ENDPOINT_URL=<printed url> AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_REGION=us-east-1
  npx ecr-role-reconciler scan

Options:
  --port N          Port to listen on (default: any free port)
  --regions a,b,c   The account's enabled Regions (default: the 17 enabled by default)
  --latency-ms N    Delay every answer by N ms
  -h, --help        Show this help`;

export async function localAccountCommand(args: readonly string[], output: Output): Promise<number> {
  const { values } = parseFlags('local-account', args, {
    port: { type: 'string' },
    regions: { type: 'string' },
    'latency-ms': { type: 'string' },
  });
  if (values.help) {
    output.out(LOCAL_ACCOUNT_HELP);
    return EXIT_CODES.inSync;
  }
  const account = await startLocalAccount({
    port: positiveNumber('port', values.port, 0, 65535),
    regions: parseRegions(values.regions, '--regions'),
    latencyMs: positiveNumber('latency-ms', values['latency-ms'], 0, 60_000),
  });
  output.out(`Local account ${account.accountId} listening on ${account.url}`);
  output.out(`Slack webhook sink: ${account.slackWebhookUrl}`);
  output.out('Press Ctrl-C to stop.');
  await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  await account.close();
  return EXIT_CODES.inSync;
}
