import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEVERITY_BY_CODE } from '../../functions/core/constants.js';
import { reconcileReport } from '../../functions/core/rule.js';
import type { FindingCode, Report } from '../../functions/core/types.js';
import { readOf, type Scenario, scenarios } from './read-arbitraries.js';

// The rule as properties, over arbitrary reads. Each generated case says what it is (the state the README gives a
// Region, the kind of role), so the expectations below come from the README, not from the code under test.

const reportOf = (scenario: Scenario): Report => reconcileReport(readOf(scenario));

/** What the scenario says, in the README's terms. */
function facts(scenario: Scenario) {
  const states = scenario.regions.map((region) => region.state);
  const replicating = states.includes('replicating');
  // A Region that is not enabled cannot replicate, but it is no answer from a registry either: when not one
  // registry answered (which is also how ECR answers a bad token everywhere), nothing was seen.
  const answered = replicating || states.includes('not-replicating');
  const regionUnseen = scenario.listError !== undefined || states.includes('unreadable') || !answered;
  const roleUnseen = scenario.role.kind === 'unreadable' || scenario.role.kind === 'policies-unreadable';
  const genuine = ['genuine', 'drifted', 'policies-unreadable'].includes(scenario.role.kind);
  const unreadableRegions = scenario.regions
    .filter((region) => region.state === 'unreadable')
    .map((region) => region.read.region)
    .sort();
  return { replicating, regionUnseen, roleUnseen, genuine, unreadableRegions };
}

const RUNS = { numRuns: 500 };

describe('the rule, over arbitrary reads', () => {
  it('concludes nothing from silence: an unseen Region or Region list, with no readable Region replicating, gives `unknown`, OBSERVATION_INCOMPLETE naming what was not seen, and never ROLE_ORPHANED', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        // Prepare
        const { replicating, unreadableRegions } = facts(scenario);
        const unseen = scenario.listError !== undefined || unreadableRegions.length > 0;
        fc.pre(unseen && !replicating);

        // Act
        const report = reportOf(scenario);

        // Assess
        const found = report.findings.map((finding) => finding.code);
        expect(report.desiredRole).toBe('unknown');
        expect(found).toContain('OBSERVATION_INCOMPLETE');
        expect(found).not.toContain('ROLE_ORPHANED');
        expect(found).not.toContain('ROLE_MISSING');
        const incomplete = report.findings.find((finding) => finding.code === 'OBSERVATION_INCOMPLETE');
        expect(incomplete?.regions).toEqual(unreadableRegions);
        expect(incomplete?.evidence.regionListError).toEqual(scenario.listError);
      }),
      RUNS,
    );
  });

  it('concludes nothing about a role it could not read, whatever the Regions say', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        // Act
        const report = reportOf(scenario);

        // Assess
        const found = report.findings.map((finding) => finding.code);
        if (scenario.role.kind === 'unreadable') {
          expect(found).toContain('OBSERVATION_INCOMPLETE');
          expect(found).not.toContain('ROLE_MISSING');
          expect(found).not.toContain('ROLE_ORPHANED');
          expect(found).not.toContain('ROLE_NOT_SERVICE_LINKED');
          expect(found).not.toContain('ROLE_POLICY_DRIFT');
        } else if (scenario.role.kind === 'policies-unreadable') {
          expect(found).toContain('OBSERVATION_INCOMPLETE');
          expect(found).not.toContain('ROLE_POLICY_DRIFT');
        } else {
          // A role that was read adds nothing to OBSERVATION_INCOMPLETE.
          const { regionUnseen } = facts(scenario);
          const deletionUnseen = scenario.deletion?.unreadable === true;
          expect(found.includes('OBSERVATION_INCOMPLETE')).toBe(regionUnseen || deletionUnseen);
          expect(report.role.error).toBeNull();
        }
      }),
      RUNS,
    );
  });

  it('wants the role iff a readable Region replicates; orphan only when every Region was read; missing only when one replicates', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        // Act
        const report = reportOf(scenario);

        // Assess
        const { replicating, regionUnseen, genuine } = facts(scenario);
        const found = report.findings.map((finding) => finding.code);
        expect(report.desiredRole === 'present').toBe(replicating);
        expect(report.desiredRole).toBe(replicating ? 'present' : regionUnseen ? 'unknown' : 'absent');
        expect(found.includes('ROLE_ORPHANED')).toBe(!regionUnseen && !replicating && genuine);
        expect(found.includes('ROLE_MISSING')).toBe(replicating && scenario.role.kind === 'absent');
      }),
      RUNS,
    );
  });

  it('reports exactly the findings the README table gives for the reads', () => {
    fc.assert(
      fc.property(scenarios, (scenario) => {
        // Act
        const report = reportOf(scenario);

        // Assess
        const { replicating, regionUnseen, roleUnseen, genuine } = facts(scenario);
        const desiredAbsent = !replicating && !regionUnseen;
        const expected: FindingCode[] = [];
        if (regionUnseen || roleUnseen || scenario.deletion?.unreadable)
          expected.push('OBSERVATION_INCOMPLETE');
        if (replicating && scenario.role.kind === 'absent') expected.push('ROLE_MISSING');
        if (scenario.role.kind === 'look-alike') expected.push('ROLE_NOT_SERVICE_LINKED');
        if (scenario.role.kind === 'drifted') expected.push('ROLE_POLICY_DRIFT');
        if (genuine && desiredAbsent) expected.push('ROLE_ORPHANED');
        if (replicating && scenario.deletion?.blocking) expected.push('ROLE_DELETION_BLOCKED');
        expect(report.findings.map((finding) => finding.code).sort()).toEqual(expected.sort());
        for (const finding of report.findings) expect(finding.severity).toBe(SEVERITY_BY_CODE[finding.code]);
      }),
      RUNS,
    );
  });
});
