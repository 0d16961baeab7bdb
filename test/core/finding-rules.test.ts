import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as constants from '../../functions/core/constants.js';
import type { FindingRule } from '../../functions/core/findings/finding-rule.js';
import { FINDING_CODES, FINDING_RULES, SEVERITY_BY_CODE } from '../../functions/core/findings/index.js';

/*
 * Adding a finding is one module in functions/core/findings/, its table-driven test in test/core/findings/, and one
 * line in FINDING_RULES: these tests fail when any of the three is missing, or when the finding leaks elsewhere.
 */
const RULES_FOLDER = new URL('../../functions/core/findings/', import.meta.url);
const TESTS_FOLDER = new URL('./findings/', import.meta.url);
/** The modules of the folder that are not one finding each. */
const NOT_FINDINGS = ['finding-rule.ts', 'index.ts'];

/** `ROLE_POLICY_DRIFT` → `role-policy-drift` */
const fileName = (code: string) => code.toLowerCase().replaceAll('_', '-');

const isRule = (value: unknown): value is FindingRule<string, never> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { code?: unknown }).code === 'string' &&
  typeof (value as { check?: unknown }).check === 'function' &&
  typeof (value as { substance?: unknown }).substance === 'function';

const ruleModules = () =>
  readdirSync(RULES_FOLDER)
    .filter((name) => name.endsWith('.ts') && !NOT_FINDINGS.includes(name))
    .sort();

describe('the finding rules', () => {
  it('finds the module folder and each module of the list', () => {
    expect(NOT_FINDINGS.every((name) => existsSync(new URL(name, RULES_FOLDER)))).toBe(true);
    expect(ruleModules()).toContain('role-missing.ts');
  });

  it('has each module in the folder export one rule, named after its code and listed in FINDING_RULES', async () => {
    for (const name of ruleModules()) {
      const rules = Object.values(await import(new URL(name, RULES_FOLDER).href)).filter(isRule);

      expect(rules, name).toHaveLength(1);
      expect(FINDING_RULES, name).toContain(rules[0]);
      expect(`${fileName(rules[0]?.code ?? '')}.ts`).toBe(name);
    }
    expect(ruleModules()).toHaveLength(FINDING_RULES.length);
  });

  it('has a table-driven test for each listed finding, and none for a finding not listed', () => {
    const tests = readdirSync(TESTS_FOLDER).filter((name) => name.endsWith('.test.ts'));

    expect(tests.sort()).toEqual(FINDING_RULES.map((rule) => `${fileName(rule.code)}.test.ts`).sort());
  });

  it('lists each code once, with its severity, and derives FINDING_CODES and SEVERITY_BY_CODE from the list', () => {
    const codes = FINDING_RULES.map((rule) => rule.code);

    expect(new Set(codes).size).toBe(codes.length);
    expect(FINDING_CODES).toEqual(codes);
    expect(SEVERITY_BY_CODE).toEqual(
      Object.fromEntries(FINDING_RULES.map((rule) => [rule.code, rule.severity])),
    );
    expect(constants.FINDING_CODES).toBe(FINDING_CODES);
    expect(constants.SEVERITY_BY_CODE).toBe(SEVERITY_BY_CODE);
  });

  it('keeps the report order of the findings (a public contract): new codes come after these', () => {
    expect(FINDING_CODES.slice(0, 6)).toEqual([
      'OBSERVATION_INCOMPLETE',
      'ROLE_MISSING',
      'ROLE_NOT_SERVICE_LINKED',
      'ROLE_POLICY_DRIFT',
      'ROLE_ORPHANED',
      'ROLE_DELETION_BLOCKED',
    ]);
  });

  it('keeps constants.ts out of what the rules import (it lists the rules: importing it would be a cycle)', () => {
    const sources = [...ruleModules(), ...NOT_FINDINGS].map((name) =>
      readFileSync(new URL(name, RULES_FOLDER), 'utf8'),
    );
    sources.push(readFileSync(new URL('../../functions/core/normalize.ts', import.meta.url), 'utf8'));

    expect(sources.filter((source) => /^import (?!type ).*constants\.js';$/m.test(source))).toEqual([]);
  });

  it('keeps every finding in its module: the rule and the alerts name no code', () => {
    for (const file of ['rule.ts', 'alerts.ts']) {
      const source = readFileSync(new URL(`../../functions/core/${file}`, import.meta.url), 'utf8');

      expect(
        FINDING_CODES.filter((code) => source.includes(code)),
        file,
      ).toEqual([]);
    }
  });
});
