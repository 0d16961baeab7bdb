import { describe, expect, it } from 'vitest';
import type { Report } from '../../functions/core/types.js';
import {
  type LocalAccountOptions,
  SCENARIO_NAMES,
  type Scenario,
  setUpScenario,
} from '../../functions/local-account/index.js';
import { runMain } from '../support/cli.js';
import { startTestAccount } from '../support/local-account.js';

/*
 * Each state `local-account --scenario` starts in, read by a real `scan` (the CLI's `main`, in process, pointed at
 * the local account through AWS_ENDPOINT_URL): the state is the one the scenario names, whatever the account's
 * Regions.
 */

interface Expected {
  readonly exitCode: number;
  readonly role: Report['role']['state'];
  /** Whether the role present is the genuine service-linked one. */
  readonly serviceLinked?: boolean;
  readonly desiredRole: Report['desiredRole'];
  readonly findings: readonly string[];
}

const EXPECTED: Record<Scenario, Expected> = {
  empty: { exitCode: 0, role: 'absent', desiredRole: 'absent', findings: [] },
  'in-sync': { exitCode: 0, role: 'present', serviceLinked: true, desiredRole: 'present', findings: [] },
  'role-missing': { exitCode: 2, role: 'absent', desiredRole: 'present', findings: ['ROLE_MISSING'] },
  orphaned: {
    exitCode: 2,
    role: 'present',
    serviceLinked: true,
    desiredRole: 'absent',
    findings: ['ROLE_ORPHANED'],
  },
  'look-alike': {
    exitCode: 2,
    role: 'present',
    serviceLinked: false,
    desiredRole: 'present',
    findings: ['ROLE_NOT_SERVICE_LINKED'],
  },
};

/** Starts a local account in `scenario`, scans it as a user would, and stops it. */
async function scanScenario(scenario: Scenario, regions?: LocalAccountOptions['regions']) {
  const account = await startTestAccount({ regions });
  try {
    const story = setUpScenario(account, scenario);
    const run = await runMain(['scan', '--format', 'json'], { env: account.env, clock: account.clock });
    return { story, run, report: JSON.parse(run.stdout) as Report };
  } finally {
    await account.close();
  }
}

function expectScenario({ run, report }: Awaited<ReturnType<typeof scanScenario>>, expected: Expected): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(expected.exitCode);
  expect(report.role.state).toBe(expected.role);
  if (expected.serviceLinked !== undefined) expect(report.role.serviceLinked).toBe(expected.serviceLinked);
  expect(report.desiredRole).toBe(expected.desiredRole);
  expect(report.findings.map((finding) => finding.code)).toEqual(expected.findings);
  expect(report.regions.filter((region) => region.state === 'unreadable')).toEqual([]);
}

describe('local-account scenarios', () => {
  it('has an expected scan result for every scenario', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...SCENARIO_NAMES].sort());
  });

  it.each(SCENARIO_NAMES)('%s: scan reports what the scenario says (default Regions)', async (scenario) => {
    const scanned = await scanScenario(scenario);

    expect(scanned.story).toMatch(new RegExp(`^scenario ${scenario}: `));
    expectScenario(scanned, EXPECTED[scenario]);
  });

  it.each(SCENARIO_NAMES)(
    '%s: the same on an account without us-east-1 or ap-southeast-2 (local-account --regions)',
    async (scenario) => {
      const scanned = await scanScenario(scenario, ['eu-west-1', 'ap-northeast-1']);

      expectScenario(scanned, EXPECTED[scenario]);
    },
  );

  it('replicates where it says it does', async () => {
    const inSync = await scanScenario('in-sync');
    const missing = await scanScenario('role-missing');

    const replicating = (report: Report) =>
      report.regions.filter((region) => region.state === 'replicating').map((region) => region.region);
    expect(inSync.story).toBe('scenario in-sync: us-east-1 replicates, the role exists');
    expect(replicating(inSync.report)).toEqual(['us-east-1']);
    expect(missing.story).toBe('scenario role-missing: ap-southeast-2 replicates, the role is missing');
    expect(replicating(missing.report)).toEqual(['ap-southeast-2']);
    expect(missing.report.findings[0]?.regions).toEqual(['ap-southeast-2']);
  });
});
