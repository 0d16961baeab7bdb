import { SCENARIOS, type Scenario, type ScenarioAccount, setUpAccountScenario } from './account-scenarios.js';
import { setUpOrganization } from './organization-scenario.js';
import type { LocalAccount } from './types.js';

export { SCENARIO_NAMES, SCENARIOS, type Scenario, type ScenarioAccount } from './account-scenarios.js';
export {
  type ExpectedAccount,
  expectedOrganization,
  ORGANIZATION_EXPECTED,
  setUpOrganization,
} from './organization-scenario.js';

/** The topic the local account gets when it is started for people to point tools at: for `ALERT_TOPIC_ARN`. */
export const LOCAL_TOPIC_NAME = 'ecr-replication-role-alerts';

/** Every state the local account can start in (`local-account --scenario`), each with what it is, in a line. */
export const STARTING_SCENARIOS = {
  ...SCENARIOS,
  organization: '6 member accounts: in sync, drifted, no read role, suspended',
} as const satisfies Record<string, string>;

export type StartingScenario = keyof typeof STARTING_SCENARIOS;

/** Every starting scenario's name, in the order they are told. */
export const STARTING_SCENARIO_NAMES = Object.keys(STARTING_SCENARIOS) as StartingScenario[];

/**
 * Puts a local account just started in the scenario's state; says what that is. A single-account scenario shapes
 * any account (a member's handle too); `organization` adds member accounts to the caller's.
 * @example
 * setUpScenario(account, 'role-missing'); // → 'scenario role-missing: ap-southeast-2 replicates, the role is missing'
 */
export function setUpScenario(account: ScenarioAccount, scenario: Scenario): string;
export function setUpScenario(account: LocalAccount, scenario: StartingScenario): string;
export function setUpScenario(account: LocalAccount | ScenarioAccount, scenario: StartingScenario): string {
  if (scenario === 'organization') {
    // A method test, not `in`: a test's stand-in for the account forwards its members without owning them.
    if (typeof (account as Partial<LocalAccount>).addAccount !== 'function')
      throw new Error('the organization scenario needs the local account itself');
    return setUpOrganization(account as LocalAccount);
  }
  return setUpAccountScenario(account, scenario);
}
