import { afterAll, afterEach, beforeAll } from 'vitest';
import {
  type LocalAccount,
  type LocalAccountOptions,
  startLocalAccount,
} from '../../functions/local-account/index.js';
import { localEnv } from './cli.js';
import { type TestClock, testClock } from './clock.js';

/** A local account for tests, with what tests need around it. */
export interface TestAccount extends LocalAccount {
  /** The clock the account stamps roles and calls with; give it to `runMain` too, so both read one time. */
  readonly clock: TestClock;
  /** The environment that points the SDK at the account, with no real credentials ({@link localEnv}). */
  readonly env: Record<string, string>;
  /**
   * Back to the state after start: no faults, no replication, no roles, no member accounts (nor their sessions),
   * `ListAccounts` paging as by default, no recorded calls, the clock at its start. Topics and queues stay; so do a
   * latency set with `setLatency` and Slack answers queued with `slackRespond` and not used (the local account
   * cannot drop them: the test that sets them undoes them).
   */
  reset(): void;
}

export interface TestAccountOptions {
  /** The account's Regions (see {@link LocalAccountOptions.regions}). */
  readonly regions: LocalAccountOptions['regions'];
  /** @default a {@link testClock} at its fixed start instant */
  readonly clock?: TestClock | undefined;
  /** The caller's organization (see {@link LocalAccountOptions.organization}). @default the caller manages one */
  readonly organization?: LocalAccountOptions['organization'];
}

/** Starts a local account on 127.0.0.1 with the given Regions. Prefer {@link useLocalAccount} in a test file. */
export async function startTestAccount(options: TestAccountOptions): Promise<TestAccount> {
  const clock = options.clock ?? testClock();
  const account = await startLocalAccount({
    regions: options.regions,
    clock,
    organization: options.organization,
  });
  return {
    ...account,
    // The account's fields are plain values and its own arrays (calls, published, slackMessages…): they stay live.
    clock,
    env: localEnv(account.url),
    reset: () => {
      account.clearFaults();
      for (const id of account.accountIds()) if (id !== account.accountId) account.removeAccount(id);
      if (account.organizationId !== undefined)
        account.configureListAccounts({ emptyPageEvery: 3, accountStateFields: 'State' });
      for (const region of [...account.state.replication.keys()]) account.clearReplication(region);
      for (const name of [...account.state.roles.keys()]) account.deleteRoleOutOfBand(name);
      account.resetCalls();
      clock.reset();
    },
  };
}

/**
 * One local account for the test file (or the `describe` it is called in): started before the first test,
 * {@link TestAccount.reset reset} after each, closed after the last. Returns a stand-in usable at once in the
 * file's body; its members are the account's once it has started.
 * @example
 * const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1'] });
 * it('…', async () => {
 *   account.putReplication('us-east-1', rules);
 *   const run = await runMain(['scan'], { env: account.env, clock: account.clock });
 * });
 */
export function useLocalAccount(options: TestAccountOptions): TestAccount {
  let started: TestAccount | undefined;
  beforeAll(async () => {
    started = await startTestAccount(options);
  });
  afterEach(() => {
    started?.reset();
  });
  afterAll(async () => {
    await started?.close();
    started = undefined;
  });
  return new Proxy({} as TestAccount, {
    get: (_target, key) => {
      if (key === 'then') return undefined; // not a promise, whatever awaits it
      if (!started) throw new Error(`the local account is not running (reading ${String(key)})`);
      return started[key as keyof TestAccount];
    },
  });
}
