/** Who asks to assume a role: their account, and every ARN a trust policy may name them by. */
export interface AssumingPrincipal {
  readonly account: string;
  /** The user's ARN; for a role session, the session's and the role's. */
  readonly arns: readonly string[];
}

interface Statement {
  readonly Effect?: unknown;
  readonly Action?: unknown;
  readonly Principal?: unknown;
  readonly Condition?: unknown;
}

/**
 * Whether a role's trust policy lets `principal` assume it with `externalId`, the way IAM reads it: an `Allow`
 * statement for `sts:AssumeRole` whose `AWS` principal names the caller (`*`, its account id, the account's `root`
 * ARN, or its own ARN) and whose conditions all hold. Only `StringEquals` on `sts:ExternalId` and
 * `aws:PrincipalAccount` is understood; any other condition is taken as not met, so that a role is never assumable
 * here when it might not be in AWS. A service principal never names an AWS caller.
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_third-party.html
 */
export function trustsPrincipal(
  trustPolicy: string,
  principal: AssumingPrincipal,
  externalId: string | undefined,
): boolean {
  const statements = statementsOf(trustPolicy);
  return statements.some(
    (statement) =>
      statement.Effect === 'Allow' &&
      allowsAssumeRole(statement.Action) &&
      namesPrincipal(statement.Principal, principal) &&
      conditionsHold(statement.Condition, principal, externalId),
  );
}

function statementsOf(trustPolicy: string): Statement[] {
  try {
    const policy = JSON.parse(trustPolicy) as { Statement?: unknown };
    const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
    return statements.filter((s): s is Statement => typeof s === 'object' && s !== null);
  } catch {
    return [];
  }
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function allowsAssumeRole(action: unknown): boolean {
  return listOf(action).some((name) => ['*', 'sts:*', 'sts:assumerole'].includes(name.toLowerCase()));
}

function namesPrincipal(named: unknown, principal: AssumingPrincipal): boolean {
  if (named === '*') return true;
  if (typeof named !== 'object' || named === null) return false;
  const accepted = new Set([
    '*',
    principal.account,
    `arn:aws:iam::${principal.account}:root`,
    ...principal.arns,
  ]);
  return listOf((named as { AWS?: unknown }).AWS).some((name) => accepted.has(name));
}

function conditionsHold(
  condition: unknown,
  principal: AssumingPrincipal,
  externalId: string | undefined,
): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null) return false;
  const known: Record<string, string | undefined> = {
    'sts:externalid': externalId,
    'aws:principalaccount': principal.account,
  };
  return Object.entries(condition).every(([operator, tests]) => {
    if (operator !== 'StringEquals' || typeof tests !== 'object' || tests === null) return false;
    return Object.entries(tests).every(([key, wanted]) => {
      const actual = known[key.toLowerCase()];
      return actual !== undefined && listOf(wanted).includes(actual);
    });
  });
}
