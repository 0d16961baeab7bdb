import { type Scenario, setUpAccountScenario } from './account-scenarios.js';
import type { OrganizationAccountState } from './accounts.js';
import { DEFAULT_CALLER_ACCOUNT } from './directory-setup.js';
import type { LocalAccount } from './types.js';

/** How an organization scan should see one account of the `organization` scenario. */
export interface ExpectedAccount {
  readonly account: string;
  readonly name: string;
  readonly state: OrganizationAccountState;
  /**
   * `read`: read (the caller's with its own credentials, a member's through its read role); `unassumable`: its
   * read role cannot be assumed, so it is reported unreadable; `skipped`: not ACTIVE, so not read at all.
   */
  readonly outcome: 'read' | 'unassumable' | 'skipped';
  /** The finding codes an organization scan reports for it. */
  readonly findings: readonly string[];
}

interface Member {
  readonly id: string;
  readonly name: string;
  /** The single-account scenario its own state is in. */
  readonly scenario: Scenario;
  readonly state?: OrganizationAccountState;
  /** Whether its read role exists (it is what the organization mode assumes). */
  readonly readRole: boolean;
}

const MEMBERS: readonly Member[] = [
  { id: '111111111111', name: 'prod-eu', scenario: 'in-sync', readRole: true },
  { id: '222222222222', name: 'payments', scenario: 'role-missing', readRole: true },
  { id: '333333333333', name: 'legacy', scenario: 'orphaned', readRole: true },
  { id: '444444444444', name: 'sandbox', scenario: 'look-alike', readRole: true },
  { id: '555555555555', name: 'no-read-role', scenario: 'in-sync', readRole: false },
  // Drifted, so that a scan that read it anyway would show a finding.
  { id: '666666666666', name: 'closed-dev', scenario: 'role-missing', state: 'SUSPENDED', readRole: true },
];

/** The findings each single-account scenario gives. */
const SCENARIO_FINDINGS: Readonly<Record<Scenario, readonly string[]>> = {
  empty: [],
  'in-sync': [],
  'role-missing': ['ROLE_MISSING'],
  orphaned: ['ROLE_ORPHANED'],
  'look-alike': ['ROLE_NOT_SERVICE_LINKED'],
};

/**
 * What an organization scan of the `organization` scenario reports, per account: the caller's (the management
 * account) first, then the members by id.
 */
export function expectedOrganization(callerAccount: string): readonly ExpectedAccount[] {
  const caller: ExpectedAccount = {
    account: callerAccount,
    name: 'management',
    state: 'ACTIVE',
    outcome: 'read',
    findings: [],
  };
  return [
    caller,
    ...MEMBERS.map((member): ExpectedAccount => {
      const state = member.state ?? 'ACTIVE';
      const outcome = state !== 'ACTIVE' ? 'skipped' : member.readRole ? 'read' : 'unassumable';
      const findings =
        outcome === 'skipped'
          ? []
          : outcome === 'unassumable'
            ? ['OBSERVATION_INCOMPLETE']
            : SCENARIO_FINDINGS[member.scenario];
      return { account: member.id, name: member.name, state, outcome, findings };
    }),
  ];
}

/** {@link expectedOrganization} for a local account started with the default caller account. */
export const ORGANIZATION_EXPECTED: readonly ExpectedAccount[] = expectedOrganization(DEFAULT_CALLER_ACCOUNT);

/**
 * Puts a local account just started (the caller's account managing an organization alone) in the `organization`
 * scenario: the caller's account in sync, and six members, each in one drift (see {@link ORGANIZATION_EXPECTED}),
 * with the read role the organization mode assumes where it should be. Says what that is.
 */
export function setUpOrganization(account: LocalAccount): string {
  if (account.organizationId === undefined)
    throw new Error('the organization scenario needs a local account that manages an organization');
  setUpAccountScenario(account, 'in-sync');
  for (const member of MEMBERS) {
    const handle = account.addAccount({ id: member.id, name: member.name, state: member.state });
    setUpAccountScenario(handle, member.scenario);
    if (member.readRole) handle.createReadRole();
  }
  const told = MEMBERS.map((member) => `${member.name} ${member.id} ${describe(member)}`).join(', ');
  return `scenario organization: ${account.accountId} manages ${MEMBERS.length} member accounts (${told})`;
}

function describe(member: Member): string {
  if (member.state && member.state !== 'ACTIVE') return member.state;
  if (!member.readRole) return 'without its read role';
  return member.scenario;
}
