/**
 * Install smoke test (run by `.ci/run` after the suites; `npx tsx test/smoke/install.ts`): the package as a user gets
 * it. `npm pack`, `npm install --omit=dev` of the tarball in an empty folder (with `aws-cdk-lib` and `constructs`,
 * the construct's peers), then, with each Node.js given:
 *
 * 1. the installed `ecr-role-reconciler --version` prints the package's version;
 * 2. the installed `ecr-role-reconciler local-account --port <free port>` starts in the background, and the installed
 *    `ecr-role-reconciler scan --format json` against it (no profile, config or credentials file; local keys) reads
 *    every Region of the account, exits 0 or 2 as its findings say, and prints nothing on stderr (no SDK warning);
 * 3. a minimal CDK app importing `ecr-replication-role-reconciler/cdk` from the install, run with plain `node`,
 *    synthesizes the two functions, each with its prebuilt bundle as the asset.
 *
 * `SMOKE_NODE_DIRS` (colon-separated folders holding a `node`, each put first on PATH in turn; default: the PATH as
 * it is) picks the Node.js versions, so one install serves them all.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { cleanEnv, type InstalledPackage, installPackage } from '../support/installed-package.js';

/** The local account's identity and default Regions (`functions/local-account`). */
const LOCAL_ACCOUNT_ID = '123456789012';
const LOCAL_ACCOUNT_REGIONS = 17;
/** The CDK pair the README pins. */
const CDK_PEERS = ['aws-cdk-lib@2.275.0', 'constructs@10'];
const STARTUP_TIMEOUT_MS = 30_000;

const execFileAsync = promisify(execFile);
const repoVersion = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `file` to its end; a non-zero exit is a result, not an error. */
async function runToEnd(
  file: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync(file, args, {
      env,
      cwd,
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

function check(condition: boolean, what: string, run?: Run): asserts condition {
  if (condition) return;
  const detail = run ? `\nexit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}` : '';
  throw new Error(`smoke test failed: ${what}${detail}`);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The background processes this run started: stopped when it ends, however it ends. */
const background = new Set<ChildProcess>();
const stopBackground = () => {
  for (const child of background)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
};
process.on('exit', stopBackground);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopBackground();
    process.exit(130);
  });
}

/** Starts the installed `local-account` on a free port; resolves with its URL once it says it listens. */
async function startLocalAccount(
  installed: InstalledPackage,
  env: NodeJS.ProcessEnv,
): Promise<ChildProcess & { url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(installed.bin, ['local-account', '--port', String(port)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  background.add(child);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`local-account did not print ${url}:\n${output}`)),
      STARTUP_TIMEOUT_MS,
    );
    const poll = setInterval(() => {
      if (output.includes(url)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`local-account ended (exit ${code}) before printing ${url}:\n${output}`));
    });
  });
  return Object.assign(child, { url });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const ended = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGINT');
  await ended;
  background.delete(child);
}

interface Report {
  readonly account: string;
  readonly regions: readonly { readonly region: string; readonly state: string }[];
  readonly findings: readonly unknown[];
}

async function checkCli(installed: InstalledPackage, env: NodeJS.ProcessEnv): Promise<string> {
  const version = await runToEnd(installed.bin, ['--version'], env);
  check(
    version.code === 0 && version.stdout.trim() === `ecr-role-reconciler ${repoVersion}`,
    '--version',
    version,
  );

  const account = await startLocalAccount(installed, env);
  try {
    const scan = await runToEnd(installed.bin, ['scan', '--format', 'json'], {
      ...env,
      AWS_ENDPOINT_URL: account.url,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
    });
    let report: Report;
    try {
      report = JSON.parse(scan.stdout) as Report;
    } catch {
      throw new Error(
        `smoke test failed: scan --format json did not print JSON\n${scan.stdout}\n${scan.stderr}`,
      );
    }
    check(report.account === LOCAL_ACCOUNT_ID, `scan reports account ${LOCAL_ACCOUNT_ID}`, scan);
    const read = report.regions.filter((region) => region.state !== 'unreadable');
    check(
      report.regions.length === LOCAL_ACCOUNT_REGIONS && read.length === LOCAL_ACCOUNT_REGIONS,
      `scan reads the ${LOCAL_ACCOUNT_REGIONS} Regions of the local account`,
      scan,
    );
    const expectedCode = report.findings.length > 0 ? 2 : 0;
    check(
      scan.code === expectedCode,
      `scan exits ${expectedCode} for ${report.findings.length} findings`,
      scan,
    );
    check(scan.stderr === '', 'scan prints nothing on stderr (no SDK warning before the output)', scan);
    return `scan read ${read.length} Regions of ${report.account}, ${report.findings.length} findings, exit ${scan.code}`;
  } finally {
    await stop(account);
  }
}

const CDK_APP = `import { App, Stack } from 'aws-cdk-lib';
import { EcrReplicationRoleReconciler } from 'ecr-replication-role-reconciler/cdk';

const app = new App({ outdir: 'cdk.out' });
const stack = new Stack(app, 'Smoke', { env: { account: '${LOCAL_ACCOUNT_ID}', region: 'us-east-1' } });
new EcrReplicationRoleReconciler(stack, 'Reconciler', { regions: ['us-east-1', 'eu-west-1'] });
const assembly = app.synth();
process.stdout.write(JSON.stringify(assembly.getStackByName('Smoke').template));
`;

interface Template {
  readonly Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

async function checkConstruct(installed: InstalledPackage, env: NodeJS.ProcessEnv): Promise<string> {
  const app = join(installed.dir, 'app.mjs');
  writeFileSync(app, CDK_APP);
  const synth = await runToEnd('node', [app], env, installed.dir);
  check(synth.code === 0, 'the CDK app synthesizes', synth);
  const template = JSON.parse(synth.stdout) as Template;
  const functions = Object.entries(template.Resources).filter(
    ([, { Type }]) => Type === 'AWS::Lambda::Function',
  );
  const names = functions.map(([id]) => id).join(', ');
  check(functions.length === 2, `the template has the two functions (found: ${names})`);
  for (const [id, { Properties }] of functions) {
    const key = (Properties?.Code as { S3Key?: string } | undefined)?.S3Key ?? '';
    const bundle = join(installed.dir, 'cdk.out', `asset.${key.replace(/\.zip$/, '')}`, 'index.mjs');
    check(Properties?.Handler === 'index.handler', `${id} runs index.handler`);
    check(existsSync(bundle), `${id}'s asset holds its prebuilt bundle (${bundle})`);
  }
  return `a CDK app synthesized the two functions with their bundles (${names})`;
}

const nodeDirs = process.env.SMOKE_NODE_DIRS?.split(':').filter(Boolean) ?? [];
const installed = await installPackage({ with: CDK_PEERS });
try {
  console.log(`installed ${installed.dir} (bin → ${installed.binTarget})`);
  for (const nodeDir of nodeDirs.length > 0 ? nodeDirs : [undefined]) {
    const path = nodeDir ? `${nodeDir}${delimiter}${process.env.PATH}` : process.env.PATH;
    const env = cleanEnv(installed, { PATH: path ?? '' });
    const nodeVersion = (await runToEnd('node', ['--version'], env)).stdout.trim();
    console.log(`node ${nodeVersion}: ${await checkCli(installed, env)}`);
    console.log(`node ${nodeVersion}: ${await checkConstruct(installed, env)}`);
  }
  console.log('install smoke test passed');
} finally {
  stopBackground();
  await installed.remove();
}
