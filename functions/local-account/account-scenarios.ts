import { REPLICATION_ROLE } from '../core/constants.js';
import type { AccountState } from './state.js';
import type { AccountShaping } from './types.js';

/** What a single-account scenario shapes: the caller's account, or a member's. */
export interface ScenarioAccount extends AccountShaping {
  readonly accountId: string;
  readonly state: AccountState;
}

/** The states one account can start in, each with what it is, in a line. */
export const SCENARIOS = {
  empty: 'no replication, no role',
  'in-sync': 'us-east-1 replicates to eu-west-1; the role exists',
  'role-missing': 'ap-southeast-2 replicates to ap-northeast-1; the role is gone',
  orphaned: 'the role exists; no Region replicates',
  'look-alike': 'us-east-1 replicates; a role of that name squats it at /',
} as const satisfies Record<string, string>;

export type Scenario = keyof typeof SCENARIOS;

/** The single-account scenarios' names, in the order they are told. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as Scenario[];

/**
 * Puts an account just started or added (no replication, no role) in the scenario's state; says what that is. The
 * Regions named are used when the account has them, else its first or last enabled Region.
 * @example
 * setUpAccountScenario(member, 'orphaned'); // → 'scenario orphaned: the role exists, no Region replicates'
 */
export function setUpAccountScenario(account: ScenarioAccount, scenario: Scenario): string {
  const enabled = [...account.state.regions.entries()]
    .filter(([, status]) => status !== 'not-opted-in')
    .map(([name]) => name)
    .sort();
  const pick = (wanted: string, fallback: string | undefined) =>
    enabled.includes(wanted) ? wanted : (fallback ?? wanted);
  const near = pick('us-east-1', enabled[0]);
  const far = pick('ap-southeast-2', enabled.at(-1));
  const to = (region: string) => [{ destinations: [{ region, registryId: account.accountId }] }];
  switch (scenario) {
    case 'empty':
      return 'scenario empty: no replication, no role';
    case 'in-sync':
      // ECR creates the role when replication is first configured, as AWS does.
      account.putReplication(near, to(near === 'eu-west-1' ? 'us-east-1' : 'eu-west-1'));
      return `scenario in-sync: ${near} replicates, the role exists`;
    case 'role-missing':
      account.putReplication(far, to(far === 'ap-northeast-1' ? 'ap-southeast-2' : 'ap-northeast-1'));
      account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
      return `scenario role-missing: ${far} replicates, the role is missing`;
    case 'orphaned':
      account.createServiceLinkedRole();
      return 'scenario orphaned: the role exists, no Region replicates';
    case 'look-alike':
      account.createRole({ name: REPLICATION_ROLE.name, path: '/', trustedService: 'ec2.amazonaws.com' });
      account.putReplication(near, to(near === 'eu-west-1' ? 'us-east-1' : 'eu-west-1'));
      return `scenario look-alike: ${near} replicates, a look-alike role squats the name`;
  }
}
