/**
 * Start-up of the installed command: what a user waits for after `npm install`, side by side with a bare Node start
 * (`node -e 0`) in the same run, so that the figures say what the command adds to Node on this machine today.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { cleanEnv, type InstalledPackage, installPackage } from '../support/installed-package.js';

/** What the command may add to a bare Node start (median over median). */
const TARGETS_MS: Readonly<Record<string, number>> = { version: 100, scan: 400 };

interface Command {
  readonly key: string;
  readonly label: string;
  readonly file: string;
  readonly args: readonly string[];
  /** Checks one run's outcome; throws when it is not what the command should do. */
  readonly expect: (run: Run) => void;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export interface StartupRow {
  readonly key: string;
  readonly label: string;
  readonly medianMs: number;
  readonly overBareMs: number;
  readonly ratio: number;
  readonly targetMs: number | undefined;
}

export interface StartupFigures {
  readonly node: string;
  readonly binTarget: string;
  readonly runs: number;
  readonly machine: string;
  readonly rows: readonly StartupRow[];
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

function timed(file: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, ms: performance.now() - started }));
  });
}

function expectClean(
  what: string,
  codes: readonly number[],
  run: Run,
  check?: (stdout: string) => void,
): void {
  const fail = (why: string) => {
    throw new Error(
      `${what}: ${why}\nexit ${run.code}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`,
    );
  };
  if (run.code === null || !codes.includes(run.code)) fail(`exit ${run.code}`);
  if (run.stderr !== '') fail('printed on stderr');
  check?.(run.stdout);
}

function commands(installed: InstalledPackage, regions: readonly string[]): Command[] {
  const scanned = (stdout: string) => {
    const report = JSON.parse(stdout) as { regions: { state: string }[] };
    const read = report.regions.filter(({ state }) => state !== 'unreadable').length;
    if (read !== regions.length) throw new Error(`scan read ${read} Regions, expected ${regions.length}`);
  };
  return [
    {
      key: 'bare',
      label: '`node -e 0` (bare Node)',
      file: 'node',
      args: ['-e', '0'],
      expect: (run) => expectClean('node', [0], run),
    },
    {
      key: 'version',
      label: '`ecr-role-reconciler --version`',
      file: installed.bin,
      args: ['--version'],
      expect: (run) => expectClean('--version', [0], run),
    },
    {
      key: 'help',
      label: '`ecr-role-reconciler --help`',
      file: installed.bin,
      args: ['--help'],
      expect: (run) => expectClean('--help', [0], run),
    },
    {
      key: 'scan',
      label: `\`ecr-role-reconciler scan --format json\` (${regions.length} Regions listed)`,
      file: installed.bin,
      args: ['scan', '--format', 'json'],
      expect: (run) => expectClean('scan', [0, 2], run, scanned),
    },
    {
      key: 'scan-given',
      label: `\`… scan --format json --regions …\` (${regions.length} Regions given)`,
      file: installed.bin,
      args: ['scan', '--format', 'json', '--regions', regions.join(',')],
      expect: (run) => expectClean('scan --regions', [0, 2], run, scanned),
    },
  ];
}

/**
 * Installs the package (`npm pack`, then `npm install --omit=dev` of the tarball in an empty folder), then times
 * each command `runs` times after one warm-up round, the commands taking turns so that a busy moment of a shared
 * machine falls on all of them alike. `scan` reads the local account at `accountUrl`, which must serve `regions`.
 */
export async function benchStartup(
  accountUrl: string,
  regions: readonly string[],
  runs = 11,
): Promise<StartupFigures> {
  const installed = await installPackage();
  try {
    const target = join(
      installed.dir,
      'node_modules',
      'ecr-replication-role-reconciler',
      installed.binTarget,
    );
    if (!existsSync(target)) {
      throw new Error(
        `the installed package's bin points at ${installed.binTarget}, which the package does not contain ` +
          '(is it built by `prepare` and listed in "files"?)',
      );
    }
    const env = cleanEnv(installed, {
      AWS_ENDPOINT_URL: accountUrl,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
    });
    const node = (await timed('node', ['--version'], env)).stdout.trim();
    const load = loadavg()[0] ?? 0;
    const list = commands(installed, regions);
    const times = new Map(list.map(({ key }) => [key, [] as number[]]));
    for (let round = 0; round <= runs; round++) {
      for (const command of list) {
        const run = await timed(command.file, command.args, env);
        command.expect(run);
        if (round > 0) times.get(command.key)?.push(run.ms);
      }
    }
    const bare = median(times.get('bare') ?? []);
    const rows = list.map(({ key, label }) => {
      const medianMs = median(times.get(key) ?? []);
      return {
        key,
        label,
        medianMs,
        overBareMs: medianMs - bare,
        ratio: medianMs / bare,
        targetMs: TARGETS_MS[key],
      };
    });
    const cpu = cpus();
    const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, load average ${load.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)} during the run`;
    return { node, binTarget: installed.binTarget, runs, machine, rows };
  } finally {
    await installed.remove();
  }
}

const signed = (ms: number) => `${ms < 0 ? '−' : '+'}${Math.abs(ms).toFixed(0)} ms`;

/** The figures as the Markdown table the README quotes. */
export function startupTable(figures: StartupFigures): string {
  const lines = [
    `Start-up of the installed command (\`npm pack\`, \`npm install --omit=dev\` of the tarball, the \`bin\` → ` +
      `\`${figures.binTarget}\`), median of ${figures.runs} runs each, taking turns with a bare Node start ` +
      `(Node ${figures.node}; ${figures.machine}). \`scan\` reads the local account with no added latency.`,
    '',
    '| command | median wall time | over bare Node | ratio to bare Node | target (over bare Node) |',
    '|---|---:|---:|---:|---|',
  ];
  for (const row of figures.rows) {
    const bare = row.key === 'bare';
    const target =
      row.targetMs === undefined
        ? '—'
        : `≤ ${row.targetMs} ms: ${row.overBareMs <= row.targetMs ? 'met' : 'not met'}`;
    lines.push(
      `| ${row.label} | ${row.medianMs.toFixed(0)} ms | ${bare ? '—' : signed(row.overBareMs)} | ` +
        `${row.ratio.toFixed(2)} | ${target} |`,
    );
  }
  return lines.join('\n');
}
