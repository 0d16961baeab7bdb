import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../functions/core/alerts.js';
import { reconcileReport } from '../../functions/core/rule.js';
import type { AccountRead, FindingCode, Report } from '../../functions/core/types.js';
import { ACCOUNT, accountRead, genuineRole, lookAlikeRole, registry, role } from '../support/reads.js';
import { accountReads, REGION_NAMES } from './read-arbitraries.js';

/*
 * The reports and fingerprints as the rule gave them before its findings became one module each: the JSON report
 * is a public contract (its keys and their order included) and fingerprints are stored in users' alert tables, so
 * a refactoring must give them byte for byte. Recorded once, from fixed-seed reads, with
 * `RECORD_CHARACTERIZATION=1 npx vitest run test/core/findings-characterization.test.ts`; re-record only for a
 * deliberate change of the contract. JSON Lines, one case a line: a diff shows which cases changed, and the
 * formatter leaves the file alone (it would spread 1 MB of JSON over many more, and skips files over 1 MiB).
 */
const FIXTURE = new URL('./__fixtures__/reports.jsonl', import.meta.url);
const SEED = 20_261_124;
const SAMPLED = 300;

const replicatingIn = (count: number) =>
  REGION_NAMES.slice(0, count).map((name) => registry.replicating(name));
const TASK = 'task/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication/9';

/** Reads the samples seldom give: long Region lists (cut after four), everything unseen at once, odd roles. */
const HANDPICKED: readonly AccountRead[] = [
  accountRead(replicatingIn(9), role.absent()),
  accountRead(replicatingIn(6), role.present(lookAlikeRole())),
  accountRead(replicatingIn(5), role.present(lookAlikeRole({ assumeRolePolicyDocument: '%E0%A4%A' }))),
  accountRead(
    [...REGION_NAMES.slice(0, 6).map((name) => registry.unreadable(name)), registry.replicating('us-west-2')],
    role.unreadable(),
    {
      regionsError: { code: 'Timeout', message: 'DescribeRegions did not answer within 10000 ms' },
      deletion: {
        taskId: TASK,
        status: 'UNKNOWN',
        reason: undefined,
        usage: [],
        error: { code: 'AccessDenied', message: 'no' },
      },
    },
  ),
  accountRead(replicatingIn(7), role.present(), {
    deletion: {
      taskId: TASK,
      status: 'FAILED',
      reason: 'in use',
      usage: REGION_NAMES.slice(1, 7).map((name) => ({ region: name, resources: [`${name}:registry`] })),
    },
  }),
  accountRead(replicatingIn(5), role.absent(), {
    deletion: { taskId: TASK, status: 'NOT_STARTED', reason: undefined, usage: [] },
  }),
  accountRead(
    [registry.notReplicating('cn-north-1'), registry.notEnabled('cn-northwest-1')],
    role.present(
      genuineRole({
        arn: `arn:aws-cn:iam::${ACCOUNT}:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication`,
        attachedPolicyArns: ['arn:aws-cn:iam::aws:policy/AdministratorAccess'],
        inlinePolicyNames: ['b', 'a'],
        lastUsed: { date: undefined, region: undefined },
        createDate: undefined,
      }),
    ),
    { partition: 'aws-cn' },
  ),
];
const CASES = SAMPLED + HANDPICKED.length;

interface Case {
  /** The read as JSON (what a read is, once `undefined` fields are left out). */
  readonly read: AccountRead;
  readonly report: Report;
  readonly fingerprints: readonly string[];
}

function recordedReads(): AccountRead[] {
  const byText = new Map<string, AccountRead>();
  for (const read of fc.sample(accountReads, { seed: SEED, numRuns: SAMPLED * 3 })) {
    const text = JSON.stringify(read);
    if (!byText.has(text)) byText.set(text, JSON.parse(text) as AccountRead);
    if (byText.size === SAMPLED) break;
  }
  return [...byText.values(), ...HANDPICKED.map((read) => JSON.parse(JSON.stringify(read)) as AccountRead)];
}

function caseOf(read: AccountRead): Case {
  const report = reconcileReport(read);
  return { read, report, fingerprints: report.findings.map(fingerprint) };
}

if (process.env.RECORD_CHARACTERIZATION === '1') {
  const lines = recordedReads().map((read) => JSON.stringify(caseOf(read)));
  writeFileSync(FIXTURE, `${lines.join('\n')}\n`);
}

const cases: readonly Case[] = existsSync(FIXTURE)
  ? readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Case)
  : [];

describe('the reports, characterized', () => {
  it(`holds ${CASES} distinct recorded reads, covering every finding and the long Region lists`, () => {
    const found = (code: FindingCode) =>
      cases.flatMap((c) => c.report.findings).filter((finding) => finding.code === code);

    expect(cases).toHaveLength(CASES);
    expect(new Set(cases.map((c) => JSON.stringify(c.read))).size).toBe(CASES);
    for (const code of [
      'ROLE_MISSING',
      'ROLE_ORPHANED',
      'ROLE_NOT_SERVICE_LINKED',
      'ROLE_POLICY_DRIFT',
      'ROLE_DELETION_BLOCKED',
      'OBSERVATION_INCOMPLETE',
    ] as const) {
      expect(found(code).length, code).toBeGreaterThanOrEqual(5);
    }
    for (const code of ['ROLE_MISSING', 'ROLE_NOT_SERVICE_LINKED', 'ROLE_DELETION_BLOCKED'] as const) {
      expect(found(code).some((finding) => finding.regions.length > 4)).toBe(true);
    }
    expect(cases.some((c) => c.report.findings.length >= 3)).toBe(true);
    expect(new Set(cases.map((c) => c.read.partition)).size).toBe(3);
  });

  it('gives each recorded read the same report, byte for byte (keys and their order included)', () => {
    const differing = cases.filter(
      (c) => JSON.stringify(reconcileReport(c.read)) !== JSON.stringify(c.report),
    );

    expect(differing.map((c) => c.read)).toEqual([]);
  });

  it('gives each recorded finding the same fingerprint', () => {
    const differing = cases.filter(
      (c) =>
        JSON.stringify(reconcileReport(c.read).findings.map(fingerprint)) !== JSON.stringify(c.fingerprints),
    );

    expect(differing.map((c) => c.read)).toEqual([]);
  });
});
