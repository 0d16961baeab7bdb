import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../functions/core/alerts.js';
import { FINDING_CODES } from '../../functions/core/findings/index.js';
import { reconcileReport } from '../../functions/core/rule.js';
import type { AccountRead, Finding } from '../../functions/core/types.js';
import { accountReads } from './read-arbitraries.js';

/*
 * Alert records in users' tables keep fingerprints: the same finding must give the same string as before the
 * findings became one module each, byte for byte, or every open alert is announced again.
 */

interface FingerprintedFinding {
  readonly code: string;
  readonly regions: readonly string[];
  readonly evidence: Readonly<Record<string, unknown>>;
}

/** `fingerprint` as it was written before (the oracle): copied here, not imported. */
function fingerprintBefore(finding: FingerprintedFinding): string {
  const evidence = finding.evidence;
  const substance = {
    code: finding.code,
    regions: [...finding.regions].sort(),
    ...(finding.code === 'ROLE_POLICY_DRIFT' && {
      unexpected: evidence.unexpected,
      missing: evidence.missing,
    }),
    ...(finding.code === 'ROLE_NOT_SERVICE_LINKED' && {
      arn: evidence.arn,
      trusted: evidence.trustedPrincipals,
    }),
    ...(finding.code === 'ROLE_DELETION_BLOCKED' && {
      task: evidence.deletionTaskId,
      status: evidence.status,
    }),
    ...(finding.code === 'OBSERVATION_INCOMPLETE' && {
      role: evidence.roleError !== undefined,
      regionList: evidence.regionListError !== undefined,
    }),
  };
  return JSON.stringify(substance);
}

const recordedReads = (): AccountRead[] =>
  readFileSync(new URL('./__fixtures__/reports.jsonl', import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { read: AccountRead }).read);

/**
 * Findings of any shape a store may hold: any code, Regions in any order, and each key a substance reads present
 * or not, with any JSON value (a finding written by an earlier version, say).
 */
const anyFinding = fc.record({
  code: fc.constantFrom(...FINDING_CODES),
  regions: fc.array(fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2')),
  evidence: fc.record(
    {
      observedAt: fc.constant('2026-11-24T10:00:00.000Z'),
      unexpected: fc.jsonValue(),
      missing: fc.jsonValue(),
      arn: fc.jsonValue(),
      trustedPrincipals: fc.jsonValue(),
      deletionTaskId: fc.jsonValue(),
      status: fc.jsonValue(),
      roleError: fc.jsonValue(),
      regionListError: fc.jsonValue(),
      extra: fc.jsonValue(),
    },
    { requiredKeys: [] },
  ),
});

describe('fingerprint, against the fingerprint before the findings became modules', () => {
  it('gives every finding of the recorded reports the same fingerprint', () => {
    const findings = recordedReads().flatMap((read) => reconcileReport(read).findings);

    // The codes there were then, each at least once.
    expect(new Set(findings.map((finding) => finding.code))).toEqual(new Set(FINDING_CODES.slice(0, 6)));
    expect(findings.filter((finding) => fingerprint(finding) !== fingerprintBefore(finding))).toEqual([]);
  });

  it('gives every finding of arbitrary reads the same fingerprint', () => {
    fc.assert(
      fc.property(accountReads, (read) => {
        for (const finding of reconcileReport(read).findings) {
          expect(fingerprint(finding)).toBe(fingerprintBefore(finding));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('gives findings of any stored shape the same fingerprint, keys missing or unexpected values included', () => {
    fc.assert(
      fc.property(anyFinding, (stored) => {
        const finding = { ...stored, severity: 'high', message: '', remediation: '' } as unknown as Finding;

        expect(fingerprint(finding)).toBe(fingerprintBefore(stored));
      }),
      { numRuns: 2000 },
    );
  });
});
