import { expect } from 'vitest';

/** A synthesized member template: its conditions and resources. */
export interface MemberTemplate {
  readonly Conditions: Record<string, unknown>;
  readonly Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; Condition?: string }
  >;
}

/**
 * Evaluates a member template's conditions as CloudFormation would for a stack in `region` of `account`, the hub
 * being `hubAccount` (the `HubAccountId` parameter). `Fn::Or` is checked to hold 2 to 10 conditions, as
 * CloudFormation requires.
 */
export function conditionsAt(
  template: MemberTemplate,
  region: string,
  account: string,
  hubAccount: string,
): Record<string, boolean> {
  const refs: Record<string, string> = {
    'AWS::Region': region,
    'AWS::AccountId': account,
    HubAccountId: hubAccount,
  };
  const value = (node: unknown): string => {
    if (typeof node === 'string') return node;
    const ref = (node as { Ref?: string }).Ref;
    if (ref !== undefined && refs[ref] !== undefined) return refs[ref] as string;
    throw new Error(`cannot resolve ${JSON.stringify(node)}`);
  };
  const evaluate = (node: unknown): boolean => {
    const [[key, argument]] = Object.entries(node as Record<string, unknown>) as [[string, unknown]];
    const args = argument as unknown[];
    switch (key) {
      case 'Condition':
        return evaluate(template.Conditions[argument as string]);
      case 'Fn::Equals':
        return value(args[0]) === value(args[1]);
      case 'Fn::Not':
        return !evaluate(args[0]);
      case 'Fn::And':
        return args.every(evaluate);
      case 'Fn::Or':
        expect(args.length).toBeGreaterThanOrEqual(2);
        expect(args.length).toBeLessThanOrEqual(10);
        return args.some(evaluate);
      default:
        throw new Error(`unexpected ${key}`);
    }
  };
  return Object.fromEntries(
    Object.entries(template.Conditions).map(([name, node]) => [name, evaluate(node)]),
  );
}

/** The logical ids of the resources a stack in `region` of `account` holds. */
export function resourcesAt(
  template: MemberTemplate,
  region: string,
  account: string,
  hubAccount: string,
): string[] {
  const conditions = conditionsAt(template, region, account, hubAccount);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Condition === undefined || conditions[resource.Condition])
    .map(([logicalId]) => logicalId);
}
