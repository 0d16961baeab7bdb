import { describe, expect, it } from 'vitest';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import { type Report, scan, UsageError } from '../../functions/index.js';
import { runMain } from '../support/cli.js';
import { TEST_START } from '../support/clock.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * The package's programmatic `scan` (`import { scan } from 'ecr-replication-role-reconciler'`) against the local
 * account: the SDK clients read `AWS_ENDPOINT_URL` and the credentials from `process.env`, set for each call.
 */

const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });
const toEuWest1 = [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }];

/** Runs `fn` with `process.env` as a process started with only the account's environment would have it. */
async function withAccountEnv<T>(fn: () => Promise<T>): Promise<T> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, account.env);
  try {
    return await fn();
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

async function cliReport(...args: string[]): Promise<Report> {
  const run = await runMain(['scan', '--format', 'json', ...args], {
    env: account.env,
    clock: account.clock,
  });
  return JSON.parse(run.stdout) as Report;
}

describe('scan(options)', () => {
  it('returns the report `scan --format json` prints, every enabled Region read', async () => {
    account.putReplication('ap-southeast-2', toEuWest1);
    account.deleteRoleOutOfBand(REPLICATION_ROLE.name);

    const report = await withAccountEnv(() => scan({ clock: account.clock }));

    expect(report.observedAt).toBe(TEST_START.toISOString());
    expect(report.regions.map(({ region }) => region)).toEqual(['ap-southeast-2', 'eu-west-1', 'us-east-1']);
    expect(report.findings.map(({ code }) => code)).toEqual(['ROLE_MISSING']);
    expect(report).toEqual(await cliReport());
  });

  it('reads only the Regions given, with the concurrency and timeout given', async () => {
    account.putReplication('us-east-1', toEuWest1);

    const report = await withAccountEnv(() =>
      scan({ regions: ['us-east-1', 'eu-west-1'], concurrency: 1, timeoutSeconds: 5, clock: account.clock }),
    );

    expect(report.regions.map(({ region }) => region)).toEqual(['eu-west-1', 'us-east-1']);
    expect(report.findings).toEqual([]);
    expect(report).toEqual(await cliReport('--regions', 'us-east-1,eu-west-1'));
  });

  it.each([
    [{ regions: ['us-east-1', 'not a region'] }, /not a Region name: not a region/],
    [{ regions: [] }, /no Region given/],
    [{ concurrency: 0 }, /concurrency must be a whole number from 1 to 100, not 0/],
    [{ concurrency: 2.5 }, /concurrency/],
    [{ timeoutSeconds: 0 }, /timeoutSeconds must be more than 0 and at most 300, not 0/],
    [{ timeoutSeconds: 301 }, /timeoutSeconds/],
  ])('refuses %j with a UsageError before reading anything', async (options, message) => {
    const call = withAccountEnv(() => scan(options));
    await expect(call).rejects.toBeInstanceOf(UsageError);
    await expect(call).rejects.toThrow(message);
    expect(account.calls).toEqual([]);
  });
});
