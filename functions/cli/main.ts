import { pathToFileURL } from 'node:url';
import { type Clock, systemClock } from '../clock.js';
import { EXIT_CODES } from '../core/constants.js';
import { AwsCallError, UsageError } from '../core/errors.js';
import { type Output, processOutput } from './output.js';
import { scanCommand } from './scan.js';

type Command = (
  args: readonly string[],
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  clock: Clock,
) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  scan: { summary: 'read the account and report the role against the rule', load: async () => scanCommand },
  handle: {
    summary: 'run the Lambda handler path on EventBridge event files',
    load: async () => (await import('./handle.js')).handleCommand,
  },
  demo: {
    summary: 'play the story against the embedded local account (npm start)',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  'local-account': {
    summary: 'serve the embedded local account until stopped',
    load: async () => (await import('./local-account.js')).localAccountCommand,
  },
};

export const HELP = `Usage: ecr-role-reconciler <command> [options]

Keeps the ECR replication service-linked role (AWSServiceRoleForECRReplication) in step with
replication in every Region: reports a missing, orphaned, look-alike or drifted role.

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(14)} ${summary}`)
  .join('\n')}

Run \`ecr-role-reconciler <command> --help\` for a command's options.
Exit codes: 0 in sync, 2 findings reported, 1 could not run.`;

/** Runs one command line; returns the exit code. Never throws. Time enters here: `clock` is the run's only clock. */
export async function main(
  argv: readonly string[],
  output: Output = processOutput,
  env: Readonly<Record<string, string | undefined>> = process.env,
  clock: Clock = systemClock,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    output.out(HELP);
    return name === undefined ? EXIT_CODES.couldNotRun : EXIT_CODES.inSync;
  }
  const command = COMMANDS[name];
  if (!command) {
    output.err(`Unknown command "${name}".\n\n${HELP}`);
    return EXIT_CODES.couldNotRun;
  }
  try {
    return await (await command.load())(args, output, env, clock);
  } catch (error) {
    output.err(describeFailure(error));
    return EXIT_CODES.couldNotRun;
  }
}

function describeFailure(error: unknown): string {
  if (error instanceof UsageError || error instanceof AwsCallError) return `error: ${error.message}`;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `error: could not run: ${message}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
