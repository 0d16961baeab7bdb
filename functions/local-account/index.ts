// The embedded local account: AWS's wire protocols over in-memory accounts (the caller's, and the members of its
// organization), for the `demo` and `local-account` commands and the tests. Never for the Lambda functions
// (test/architecture/local-account-boundary.test.ts).
export type {
  AccountStateFields,
  ListAccountsOptions,
  OrganizationAccountState,
} from './accounts.js';
export type { CallMatch, Fault } from './faults.js';
export {
  type ExpectedAccount,
  expectedOrganization,
  LOCAL_TOPIC_NAME,
  ORGANIZATION_EXPECTED,
  SCENARIO_NAMES,
  SCENARIOS,
  type Scenario,
  type ScenarioAccount,
  STARTING_SCENARIO_NAMES,
  STARTING_SCENARIOS,
  type StartingScenario,
  setUpOrganization,
  setUpScenario,
} from './scenarios.js';
export { startLocalAccount } from './server.js';
export { DEFAULT_ENABLED_REGIONS } from './state.js';
export type {
  AccountShaping,
  AddAccountOptions,
  Call,
  LocalAccount,
  LocalAccountOptions,
  MemberAccount,
  OrganizationOptions,
  ReadRoleOptions,
  ReceivedMessage,
  SlackResponse,
} from './types.js';
