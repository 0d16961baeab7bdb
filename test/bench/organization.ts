/**
 * The organization sweep: the built command, `scan --organization --format json`, run as a user runs it (a child
 * process of its own), against the local account serving the caller's (management) account and N member accounts,
 * each with the read role, in the default 17 Regions, every call answered after a fixed latency. The local account
 * answers from a worker thread of this process, so that only the scan's own work is in the scan process's figures.
 *
 * Per run: wall time (spawn to exit, seen from here), the AWS calls the local account counted (by operation), and the
 * scan process's own CPU time (user + system, all its threads) and peak RSS, which the process writes as it exits
 * (resource-usage.mjs, preloaded with `--import`). Every run's report is checked: every account read in full, the
 * findings the accounts were set up with and nothing else.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrganizationReport } from '../../functions/core/organization-report.js';
import { DEFAULT_ENABLED_REGIONS } from '../../functions/local-account/index.js';
import { startAccountThread } from './account-thread.js';

/** The built command, as `npm run build:cli` writes it and the package's `bin` runs it. */
const CLI = fileURLToPath(new URL('../../dist/cli/ecr-role-reconciler.mjs', import.meta.url));
const PRELOAD = new URL('./resource-usage.mjs', import.meta.url).href;

/** The targets at 1,000 accounts. */
export const ORGANIZATION_TARGETS = { wallMs: 60_000, cpuMsPerAccount: 15, maxRssMb: 512 } as const;

export interface SweepRun {
  readonly wallMs: number;
  /** User + system CPU time of the scan process, in ms. */
  readonly cpuMs: number;
  readonly maxRssMb: number;
  /**
   * CPU time of this process during the run, in ms: the local account's thread answering (this thread only waits), on
   * the same cores as the scan.
   */
  readonly endpointCpuMs: number;
  /** Calls the local account counted, by `service:Operation`. */
  readonly calls: Readonly<Record<string, number>>;
  readonly totalCalls: number;
  /** Accounts read (the caller's and the members'). */
  readonly accounts: number;
  readonly listPages: number;
  readonly exitCode: number | null;
}

export interface SweepFigures {
  readonly members: number;
  readonly regions: number;
  readonly latencyMs: number;
  readonly runs: readonly SweepRun[];
}

export interface SweepOptions {
  readonly members: number;
  readonly runs: number;
  readonly latencyMs: number;
  /** More arguments for `scan` (e.g. `--account-concurrency 25`). */
  readonly extraArgs?: readonly string[] | undefined;
  /** Runs before those measured, not counted (the file cache, the local account's first answers). */
  readonly warmUps?: number | undefined;
  /** `node` options for the scan process (e.g. `--cpu-prof`). */
  readonly nodeOptions?: readonly string[] | undefined;
  /** The command to run, when not the repository's build (e.g. another build, to compare). */
  readonly cli?: string | undefined;
}

export const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

/** Runs the sweep `runs` times against one local account of `members` members. */
export async function benchOrganization(options: SweepOptions): Promise<SweepFigures> {
  const cli = options.cli ?? CLI;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build:cli\` first`);
  const account = await startAccountThread({ latencyMs: options.latencyMs, members: options.members });
  const dir = await mkdtemp(join(tmpdir(), 'organization-bench-'));
  try {
    const runs: SweepRun[] = [];
    for (let run = 0; run < (options.warmUps ?? 0) + options.runs; run++) {
      await account.ask('resetCalls');
      const ownCpu = process.cpuUsage();
      const measured = await sweepOnce(cli, account.url, dir, options);
      const { user, system } = process.cpuUsage(ownCpu);
      const calls = await account.ask<Record<string, number>>('callsByOperation');
      checkReport(measured.report, options.members);
      if (run < (options.warmUps ?? 0)) continue;
      runs.push({
        wallMs: measured.wallMs,
        cpuMs: measured.cpuMs,
        maxRssMb: measured.maxRssMb,
        endpointCpuMs: (user + system) / 1000,
        calls,
        totalCalls: Object.values(calls).reduce((sum, n) => sum + n, 0),
        accounts: measured.report.accounts.length,
        listPages: calls['organizations:ListAccounts'] ?? 0,
        exitCode: measured.exitCode,
      });
    }
    return {
      members: options.members,
      regions: DEFAULT_ENABLED_REGIONS.length,
      latencyMs: options.latencyMs,
      runs,
    };
  } finally {
    await account.ask('close');
    await rm(dir, { recursive: true, force: true });
  }
}

async function sweepOnce(cli: string, url: string, dir: string, options: SweepOptions) {
  const usageFile = join(dir, 'resource-usage.json');
  await rm(usageFile, { force: true });
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    // On Node 20 the SDK warns once about its future Node support: not the command's output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    BENCH_RESOURCE_USAGE_FILE: usageFile,
  };
  const args = [
    ...(options.nodeOptions ?? []),
    '--import',
    PRELOAD,
    cli,
    'scan',
    '--organization',
    '--format',
    'json',
    ...(options.extraArgs ?? []),
  ];
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
      child.once('error', reject);
      child.once('close', (exitCode) =>
        resolve({
          code: exitCode,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
        }),
      );
    },
  );
  const wallMs = performance.now() - started;
  if ((code !== 0 && code !== 2) || stderr !== '') {
    throw new Error(`scan --organization: exit ${code}\n--- stderr\n${stderr.slice(0, 4000)}`);
  }
  const usage = JSON.parse(await readFile(usageFile, 'utf8')) as {
    userMs: number;
    systemMs: number;
    maxRssKb: number;
  };
  return {
    wallMs,
    cpuMs: usage.userMs + usage.systemMs,
    maxRssMb: usage.maxRssKb / 1024,
    exitCode: code,
    report: JSON.parse(stdout) as OrganizationReport,
  };
}

/**
 * Throws unless the report is what the local account was set up to show: the caller's account and every member
 * read in full in every Region, `ROLE_MISSING` in one member in ten and no other finding.
 */
function checkReport(report: OrganizationReport, members: number): void {
  const fail = (why: string) => {
    throw new Error(`scan --organization of ${members} members: ${why}`);
  };
  if (report.accounts.length !== members + 1)
    fail(`read ${report.accounts.length} accounts, expected ${members + 1}`);
  for (const account of report.accounts) {
    const read = account.regions.filter((region) => region.state !== 'unreadable').length;
    if (read !== DEFAULT_ENABLED_REGIONS.length || account.role.state === 'unreadable')
      fail(`account ${account.account} was not read in full (${read} Regions, role ${account.role.state})`);
  }
  const findings = report.accounts.flatMap((account) => account.findings.map((finding) => finding.code));
  const expected = Math.ceil(members / 10);
  if (findings.length !== expected || findings.some((code) => code !== 'ROLE_MISSING'))
    fail(
      `findings ${JSON.stringify(findings.slice(0, 5))}… (${findings.length}), expected ${expected} ROLE_MISSING`,
    );
}

/** The call bound: every account one call per Region and four more, plus the pages of the account list. */
export const callBound = (run: SweepRun, regions: number) => run.accounts * (regions + 4) + run.listPages;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The figures as the Markdown table the README quotes, with what each call was. */
export function organizationTable(sweeps: readonly SweepFigures[], machine = describeMachine()): string {
  const lines = [
    `Organization sweep: \`ecr-role-reconciler scan --organization --format json\` (dist/cli, a child process), ` +
      `${machine}. Latency per call: ${sweeps[0]?.latencyMs ?? '?'} ms; ${sweeps[0]?.regions ?? '?'} Regions. ` +
      "Medians over the runs; the range is the fastest and slowest run. CPU per account: the scan process's user + " +
      "system time over the accounts read (the caller's included); local account CPU: the bench process, whose " +
      'thread answers, on the same cores.',
    '',
    '| member accounts | runs | wall time (median) | wall range | AWS calls | bound | CPU per account | peak RSS | local account CPU | targets at 1,000 |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const sweep of sweeps) {
    const { runs, regions } = sweep;
    const wall = median(runs.map((r) => r.wallMs));
    const calls = median(runs.map((r) => r.totalCalls));
    const bound = median(runs.map((r) => callBound(r, regions)));
    const cpu = median(runs.map((r) => r.cpuMs / r.accounts));
    const rss = median(runs.map((r) => r.maxRssMb));
    const endpoint = median(runs.map((r) => r.endpointCpuMs));
    const walls = runs.map((r) => r.wallMs);
    const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
    const targets =
      sweep.members >= 1000
        ? `wall ${met(wall <= ORGANIZATION_TARGETS.wallMs)}, calls ${calls <= bound ? 'met' : `NOT met (bound + ${calls - bound})`}, CPU ${met(cpu <= ORGANIZATION_TARGETS.cpuMsPerAccount)}, RSS ${met(rss <= ORGANIZATION_TARGETS.maxRssMb)}`
        : '—';
    lines.push(
      `| ${sweep.members.toLocaleString('en-US')} | ${runs.length} | ${seconds(wall)} | ` +
        `${seconds(Math.min(...walls))}–${seconds(Math.max(...walls))} | ${calls.toLocaleString('en-US')} | ` +
        `${bound.toLocaleString('en-US')} | ${cpu.toFixed(1)} ms | ${rss.toFixed(0)} MB | ${seconds(endpoint)} | ${targets} |`,
    );
  }
  lines.push(
    '',
    'AWS calls by operation (the median run of each size; bound: accounts × (Regions + 4) + list pages):',
    '',
  );
  for (const sweep of sweeps) {
    const run = [...sweep.runs].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(sweep.runs.length / 2)];
    if (!run) continue;
    const ops = Object.entries(run.calls)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([op, n]) => `${op} ${n.toLocaleString('en-US')}`)
      .join(', ');
    lines.push(
      `- ${sweep.members.toLocaleString('en-US')} members (${run.accounts.toLocaleString('en-US')} accounts, ` +
        `${run.listPages} list pages): ${ops}; total ${run.totalCalls.toLocaleString('en-US')}, ` +
        `bound ${callBound(run, sweep.regions).toLocaleString('en-US')}`,
    );
  }
  return lines.join('\n');
}

/** Node, the cores, and the load average (1 minute) now, and at `since` (taken with `loadNow()`) when given. */
export function describeMachine(since?: number): string {
  const cpu = cpus();
  const load = `${since === undefined ? '' : `${since.toFixed(1)} → `}${loadNow().toFixed(1)}`;
  return `Node ${process.version}, ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, load average ${load}`;
}

export const loadNow = () => loadavg()[0] ?? 0;
