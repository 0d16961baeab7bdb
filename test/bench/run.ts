/**
 * `npm run bench`: the installed command's start-up beside a bare Node start (see startup.ts), scan wall time against
 * the local account with a fixed per-call latency, as a ratio to that latency (median of several runs), the AWS calls
 * per scan, each Lambda bundle's size and cold load time, and the organization sweep (organization.ts).
 * `npm run bench -- organization` runs the organization sweep alone.
 * Figures go in the README. No timing is asserted anywhere in the tests: these machines are shared and noisy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { cliAccountReader } from '../../functions/cli/reader.js';
import { DEFAULT_ENABLED_REGIONS } from '../../functions/local-account/index.js';
import { scanAccount } from '../../functions/reconcile/scan.js';
import { BUNDLE_OPTIONS, HANDLER_ENTRIES } from '../../infra/bundling.js';
import { startAccountThread } from './account-thread.js';
import {
  benchOrganization,
  describeMachine,
  loadNow,
  organizationTable,
  type SweepFigures,
} from './organization.js';
import { benchStartup, startupTable } from './startup.js';

/** 50 ms: a near Region; 100 ms: a typical cross-Region round trip. */
const LATENCIES_MS = [50, 100];
const RUNS = 7;
const REGION_COUNTS = [1, 8, 17, 34];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
};

/** `given`: the Regions are named (`--regions`, and always on Lambda), so the scan does not list them first. */
async function benchScan(regionCount: number, latencyMs: number, given = false) {
  const regions = Array.from(
    { length: regionCount },
    (_, i) => DEFAULT_ENABLED_REGIONS[i] ?? `zz-bench-${i + 1}`,
  );
  const account = await startAccountThread({ regions, latencyMs, replicateFrom: regions[0] });
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: account.url,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    // On Node 20 the SDK warns once about its future Node support: noise in these figures, as in the CLI's output.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  try {
    const times: number[] = [];
    const calls: number[] = [];
    for (let run = 0; run < RUNS + 1; run++) {
      // A new reader each run, the one `scan` uses: clients and connections start cold, as in a fresh scan.
      const reader = cliAccountReader({ homeRegion: 'us-east-1' });
      await account.ask('resetCalls');
      const started = performance.now();
      const report = await scanAccount(reader, {
        now: () => new Date(),
        regions: given ? regions : undefined,
      });
      const elapsed = performance.now() - started;
      if (report.regions.length !== regionCount)
        throw new Error(`read ${report.regions.length} Regions, expected ${regionCount}`);
      if (run === 0) continue; // warm-up: module loading and JIT
      times.push(elapsed);
      calls.push(await account.ask('calls'));
    }
    return {
      given,
      regionCount,
      latencyMs,
      medianMs: median(times),
      ratio: median(times) / latencyMs,
      calls: median(calls),
    };
  } finally {
    await account.ask('close');
  }
}

async function benchBundles() {
  const dir = await mkdtemp(join(tmpdir(), 'bundle-bench-'));
  try {
    const rows = [];
    for (const [name, entry] of Object.entries(HANDLER_ENTRIES)) {
      const outfile = join(dir, `${name}.mjs`);
      await build({ ...BUNDLE_OPTIONS, entryPoints: [entry], outfile, logLevel: 'silent' });
      const bytes = (await stat(outfile)).size;
      const loads: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const script = `const t = performance.now(); await import(${JSON.stringify(outfile)}); process.stdout.write(String(performance.now() - t));`;
        loads.push(
          Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })),
        );
      }
      rows.push({ name, kb: bytes / 1024, loadMs: median(loads) });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The organization sweep at each size (env `BENCH_ORGANIZATION_SIZES`, default 100 and 1,000 members): at 100, the
 * median of 5 runs after a warm-up; at 1,000, one run in the full bench (about half a minute each) and 3 with
 * `npm run bench -- organization`. `BENCH_ORGANIZATION_ARGS` adds arguments to `scan` (e.g.
 * `--account-concurrency 25`); `BENCH_ORGANIZATION_CLI` runs another build of the command (its
 * `ecr-role-reconciler.mjs`), e.g. to compare with an earlier one.
 */
async function organizationSweeps(runsAtThousand: number): Promise<SweepFigures[]> {
  const sizes = (process.env.BENCH_ORGANIZATION_SIZES ?? '100,1000').split(',').map(Number);
  const extraArgs = process.env.BENCH_ORGANIZATION_ARGS?.split(' ').filter(Boolean);
  const cli = process.env.BENCH_ORGANIZATION_CLI || undefined;
  const sweeps: SweepFigures[] = [];
  for (const members of sizes) {
    const runs = members >= 1000 ? runsAtThousand : 5;
    sweeps.push(
      await benchOrganization({
        members,
        runs,
        warmUps: members >= 1000 ? 0 : 1,
        latencyMs: 50,
        extraArgs,
        cli,
      }),
    );
    process.stderr.write(`swept an organization of ${members} members ${runs} times\n`);
  }
  return sweeps;
}

const parts = process.argv.slice(2);
if (parts.includes('organization')) {
  const load = loadNow();
  console.log(organizationTable(await organizationSweeps(3), describeMachine(load)));
} else if (parts.includes('bundles')) {
  console.log(bundleTable(await benchBundles()));
} else {
  await fullBench();
}

async function fullBench(): Promise<void> {
  // The installed command against the local account's default Regions, answering at once: only start-up is left. If
  // the package cannot be installed or its command does not run, the other figures are still taken, and the run fails.
  const startupAccount = await startAccountThread({
    regions: [...DEFAULT_ENABLED_REGIONS],
    latencyMs: 0,
    replicateFrom: DEFAULT_ENABLED_REGIONS[0],
  });
  const startup = await benchStartup(startupAccount.url, DEFAULT_ENABLED_REGIONS).then(
    (figures) => ({ table: startupTable(figures) }),
    (error: unknown) => ({ failure: error instanceof Error ? error.message : String(error) }),
  );
  await startupAccount.ask('close');
  process.stderr.write('timed the installed command\n');

  const scans = [];
  for (const latencyMs of LATENCIES_MS) {
    for (const count of REGION_COUNTS) {
      scans.push(await benchScan(count, latencyMs));
      process.stderr.write(`scanned ${count} Regions at ${latencyMs} ms\n`);
    }
    scans.push(await benchScan(Math.max(...REGION_COUNTS), latencyMs, true));
  }
  const bundles = await benchBundles();
  const load = loadNow();
  const sweeps = await organizationSweeps(1);
  const machine = describeMachine(load);

  console.log(`Scan against the local account, median of ${RUNS} runs each (Node ${process.version}):\n`);
  console.log(
    '| latency per call | Regions | median wall time | ratio to latency | AWS calls per scan | calls − Regions |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|');
  for (const s of scans) {
    console.log(
      `| ${s.latencyMs} ms | ${s.regionCount}${s.given ? ' given' : ''} | ${s.medianMs.toFixed(0)} ms | ${s.ratio.toFixed(2)} | ${s.calls} | ${s.calls - s.regionCount} |`,
    );
  }
  console.log(`\n${bundleTable(bundles)}`);
  if ('table' in startup) console.log(`\n${startup.table}`);
  else {
    console.log(`\nStart-up of the installed command: not measured: ${startup.failure}`);
    process.exitCode = 1;
  }
  console.log(`\n${organizationTable(sweeps, machine)}`);
}

/** The Lambda bundles' sizes and cold module loads, as a README table. */
function bundleTable(bundles: readonly { name: string; kb: number; loadMs: number }[]): string {
  return [
    `Lambda bundles (esbuild, minified ESM, as deployed), cold module load median of ${RUNS} fresh processes:\n`,
    '| function | bundle size | cold module load |',
    '|---|---:|---:|',
    ...bundles.map((b) => `| ${b.name} | ${b.kb.toFixed(0)} KB | ${b.loadMs.toFixed(0)} ms |`),
  ].join('\n');
}
