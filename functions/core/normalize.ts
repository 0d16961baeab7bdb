import { MANAGED_POLICY_ARN_PATTERN, REPLICATION_ROLE } from './replication-role.js';
import type { Destination, RawRole, RegionReport, RegistryRead, RoleRead, RoleReport } from './types.js';

/**
 * The destinations a replication configuration replicates to, deduplicated and sorted.
 * Missing, `null` or `rules: []` means not configured; a rule with no destinations replicates nothing (the API
 * allows both). Anything that is not the documented shape contributes nothing.
 * @see https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ReplicationConfiguration.html
 */
export function replicationDestinations(replicationConfiguration: unknown): Destination[] {
  const rules = asRecord(replicationConfiguration)?.rules;
  if (!Array.isArray(rules)) return [];
  const byKey = new Map<string, Destination>();
  for (const rule of rules) {
    const destinations = asRecord(rule)?.destinations;
    if (!Array.isArray(destinations)) continue;
    for (const destination of destinations) {
      const region = asRecord(destination)?.region;
      const registryId = asRecord(destination)?.registryId;
      if (typeof region !== 'string' || region === '') continue;
      const id = typeof registryId === 'string' ? registryId : '';
      byKey.set(`${region}/${id}`, { region, registryId: id });
    }
  }
  return [...byKey.values()].sort(
    (a, b) => a.region.localeCompare(b.region) || a.registryId.localeCompare(b.registryId),
  );
}

export function regionReport(read: RegistryRead): RegionReport {
  switch (read.outcome) {
    case 'read': {
      const destinations = replicationDestinations(read.replicationConfiguration);
      const state = destinations.length > 0 ? 'replicating' : 'not-replicating';
      return { region: read.region, state, destinations, error: null };
    }
    case 'not-enabled':
      return { region: read.region, state: 'not-enabled', destinations: [], error: read.error };
    case 'unreadable':
      return { region: read.region, state: 'unreadable', destinations: [], error: read.error };
  }
}

/**
 * The principals a trust policy allows to `sts:AssumeRole`, sorted. IAM returns the document URL-encoded and the
 * SDK does not decode it; a document that is already plain JSON is accepted too. `undefined` when unparseable.
 * @see https://docs.aws.amazon.com/IAM/latest/APIReference/API_Role.html
 */
export function trustedPrincipals(assumeRolePolicyDocument: string | undefined): string[] | undefined {
  const document = parsePolicyDocument(assumeRolePolicyDocument);
  if (!document) return undefined;
  const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
  const principals = new Set<string>();
  for (const statement of statements.map(asRecord)) {
    if (statement?.Effect !== 'Allow') continue;
    const actions = [statement.Action].flat();
    if (!actions.some((action) => typeof action === 'string' && /^sts:(AssumeRole|\*)$|^\*$/i.test(action))) {
      continue;
    }
    const principal = statement.Principal;
    if (principal === '*') principals.add('*');
    for (const values of Object.values(asRecord(principal) ?? {})) {
      for (const value of [values].flat()) if (typeof value === 'string') principals.add(value);
    }
  }
  return [...principals].sort();
}

function parsePolicyDocument(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  for (const candidate of [text, safeDecode(text)]) {
    try {
      const parsed = asRecord(JSON.parse(candidate ?? ''));
      if (parsed) return parsed;
    } catch {
      // try the next form
    }
  }
  return undefined;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * Is this the genuine service-linked role? Exact name (IAM matches names case-insensitively, so a look-alike
 * named with other casing is returned by GetRole too), the reserved service-role path, and a trust policy that
 * trusts exactly the ECR replication principal.
 */
export function isServiceLinked(role: RawRole): boolean {
  const principals = trustedPrincipals(role.assumeRolePolicyDocument);
  return (
    role.roleName === REPLICATION_ROLE.name &&
    role.path === REPLICATION_ROLE.path &&
    principals?.length === 1 &&
    principals[0] === REPLICATION_ROLE.servicePrincipal
  );
}

/** True when the attached and inline policies are exactly the managed policy. */
export function hasOnlyManagedPolicy(role: RawRole): boolean | undefined {
  if (!role.attachedPolicyArns || !role.inlinePolicyNames) return undefined;
  return (
    role.inlinePolicyNames.length === 0 &&
    role.attachedPolicyArns.length === 1 &&
    MANAGED_POLICY_ARN_PATTERN.test(role.attachedPolicyArns[0] ?? '')
  );
}

export function roleReport(read: RoleRead): RoleReport {
  const none = {
    arn: null,
    path: null,
    serviceLinked: false,
    trustedPrincipals: [],
    attachedPolicyArns: [],
    inlinePolicyNames: [],
    lastUsed: null,
  };
  if (read.outcome === 'absent') return { state: 'absent', ...none, error: null };
  if (read.outcome === 'unreadable') return { state: 'unreadable', ...none, error: read.error };
  const { role } = read;
  return {
    state: 'present',
    arn: role.arn,
    path: role.path,
    serviceLinked: isServiceLinked(role),
    trustedPrincipals: trustedPrincipals(role.assumeRolePolicyDocument) ?? [],
    attachedPolicyArns: [...(role.attachedPolicyArns ?? [])].sort(),
    inlinePolicyNames: [...(role.inlinePolicyNames ?? [])].sort(),
    lastUsed: role.lastUsed
      ? { date: role.lastUsed.date ?? null, region: role.lastUsed.region ?? null }
      : null,
    error: role.policiesError ?? null,
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
