import { type Output, processOutput } from './output.js';

type Main = (
  argv: readonly string[],
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
) => Promise<number>;

/**
 * Runs this process's command line (the `bin`, or `node main.js`) through `main`: the CLI's one reader of the
 * process's environment, read here once and passed down.
 *
 * On Node 20 the AWS SDK prints a `NodeVersionSupportWarning` block (its releases after the first week of January
 * 2027 need Node 22) on stderr before any output: that speaks to whoever picks the SDK release, which for this CLI is
 * the package, not its user, and the CLI runs on Node 20 as it is. So the CLI turns it off, unless the user set the
 * variable (to `false` to see it). The SDK reads only the process's environment for it.
 */
export async function runAsProcess(main: Main): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await main(process.argv.slice(2), processOutput, process.env);
}
