import { pathToFileURL } from 'node:url';
import { type Clock, systemClock } from '../clock.js';
import { EXIT_CODES } from '../core/constants.js';
import { AwsCallError, UsageError } from '../core/errors.js';
import { closestMatch } from '../core/suggest.js';
import type { Output } from './output.js';
import { packageVersion } from './version.js';

type Env = Readonly<Record<string, string | undefined>>;

type Command = (args: readonly string[], output: Output, env: Env, clock: Clock) => Promise<number>;

// Each command's module is imported only when that command runs: `--help` and `--version` load no command and no
// AWS SDK client, and `scan` does not load what `handle`, `demo` or `local-account` need.
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  scan: {
    summary: 'read the account and report the role against the rule',
    load: async () => (await import('./scan.js')).scanCommand,
  },
  handle: {
    summary: 'run the Lambda handler path on EventBridge event files',
    load: async () => (await import('./handle.js')).handleCommand,
  },
  demo: {
    summary: 'play the story on a simulated account: nothing touches AWS (npm start)',
    load: async () => (await import('../local-account/demo.js')).demoCommand,
  },
  'local-account': {
    summary: 'serve the embedded local account until stopped; print the messages it receives',
    load: async () => (await import('./local-account.js')).localAccountCommand,
  },
  policy: {
    summary: 'print the least-privilege IAM policy for scan, an organization, or deploy',
    load: async () => (await import('./policy.js')).policyCommand,
  },
};

const HELP = `Usage: ecr-role-reconciler <command> [options]

Keeps the ECR replication service-linked role (AWSServiceRoleForECRReplication) in step with
replication in every Region: reports a missing, orphaned, look-alike or drifted role.

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(14)} ${summary}`)
  .join('\n')}

Run \`ecr-role-reconciler <command> --help\` for a command's options,
\`ecr-role-reconciler --version\` for the version. Flags come after the command
(\`ecr-role-reconciler scan --no-color\`).
Exit codes: 0 in sync, 2 findings reported, 1 could not run.`;

/**
 * Runs one command line; returns the exit code. Never throws. The environment is given (by `run-process.ts` for a
 * real process), never read here; time enters here: `clock` is the run's only clock.
 */
export async function main(
  argv: readonly string[],
  output: Output,
  env: Env,
  clock: Clock = systemClock,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    output.out(HELP);
    return name === undefined ? EXIT_CODES.couldNotRun : EXIT_CODES.inSync;
  }
  if (name === '--version') {
    output.out(`ecr-role-reconciler ${packageVersion()}`);
    return EXIT_CODES.inSync;
  }
  const command = COMMANDS[name];
  if (!command) {
    output.err(unknownCommand(name, args));
    return EXIT_CODES.couldNotRun;
  }
  try {
    return await (await command.load())(args, output, env, clock);
  } catch (error) {
    output.err(await describeFailure(error));
    return EXIT_CODES.couldNotRun;
  }
}

/** What was meant: a command a typo away, or flags given before the command (they come after it). */
function unknownCommand(name: string, args: readonly string[]): string {
  const names = Object.keys(COMMANDS);
  const later = args.find((arg) => names.includes(arg));
  if (name.startsWith('-') && later) {
    const flags = [name, ...args.filter((arg) => arg !== later)].join(' ');
    return `Flags come after the command: ecr-role-reconciler ${later} ${flags}\n(run \`ecr-role-reconciler ${later} --help\` for its flags).`;
  }
  const near = closestMatch(name, names);
  return `Unknown command "${name}".${near ? ` Did you mean "${near}"?` : ''}\n\n${HELP}`;
}

/**
 * `error: <what to fix>` for a wrong input or setting, or an AWS call that failed; else what went wrong. The settings
 * module (with Zod) is loaded only here, once a command failed: `--help` and `--version` do without it.
 */
async function describeFailure(error: unknown): Promise<string> {
  if (error instanceof UsageError || error instanceof AwsCallError) return `error: ${error.message}`;
  const { ConfigError } = await import('../settings.js');
  if (error instanceof ConfigError) return `error: ${error.message}`;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return `error: could not run: ${message}`;
}

// Run as a script (`node --import tsx functions/cli/main.ts …`): the same as the installed command. `main` is handed
// over rather than imported back, which would wait on this module's own top-level await forever.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await (await import('./run-process.js')).runAsProcess(main);
}
