import { describe, expect, it } from 'vitest';
import { AwsCallError } from '../../functions/core/errors.js';
import type { RegionOptIn } from '../../functions/core/ports.js';
import type { RegistryRead } from '../../functions/core/types.js';
import { observeAccount } from '../../functions/reconcile/observe.js';
import { scanAccount } from '../../functions/reconcile/scan.js';
import { FakeAccount } from '../support/fakes.js';
import { ACCOUNT, genuineRole, OBSERVED_AT, registry, role } from '../support/reads.js';

/*
 * Which Regions observeAccount calls `not-enabled` (safety invariant 1). ECR answers UnrecognizedClientException
 * both in a Region the account has not enabled and to a bad or expired token, so that answer alone proves nothing:
 * a Region is `not-enabled` only when the account's opt-in status says so.
 */

const INVALID_TOKEN = 'The security token included in the request is invalid.';
const now = () => new Date(OBSERVED_AT);

/** ECR's answer to credentials it does not recognize, as the adapter reports it. */
function unrecognized(region: string): RegistryRead {
  return {
    region,
    outcome: 'unreadable',
    error: { code: 'UnrecognizedClientException', message: INVALID_TOKEN },
  };
}

function account(...reads: RegistryRead[]): FakeAccount {
  const fake = new FakeAccount().set(...reads);
  fake.role = role.present();
  return fake;
}

const optIn = (entries: Record<string, RegionOptIn>): ReadonlyMap<string, RegionOptIn> =>
  new Map(Object.entries(entries));

const readOf = (reads: readonly RegistryRead[], region: string) =>
  reads.find((read) => read.region === region);

describe('observeAccount: a Region that answers UnrecognizedClientException', () => {
  it('stays unreadable, without asking the opt-in status, when the reader listed the Regions itself', async () => {
    // Prepare
    // The listing names only enabled Regions: the answer must be a bad token, whatever the opt-in status says.
    const fake = account(registry.notReplicating('us-east-1'), unrecognized('eu-west-1'));
    fake.optIn = optIn({ 'us-east-1': 'enabled', 'eu-west-1': 'not-enabled' });

    // Act
    const read = await observeAccount(fake, { now });

    // Assess
    expect(readOf(read.registries, 'eu-west-1')).toEqual({
      region: 'eu-west-1',
      outcome: 'unreadable',
      error: { code: 'UnrecognizedClientException', message: expect.stringContaining(INVALID_TOKEN) },
    });
    expect(fake.optInReads).toBe(0);
  });

  it('is not-enabled when the Regions were given and the opt-in status says the Region is not enabled', async () => {
    // Prepare
    const fake = account(registry.notReplicating('us-east-1'), unrecognized('af-south-1'));
    fake.optIn = optIn({ 'us-east-1': 'enabled', 'af-south-1': 'not-enabled' });

    // Act
    const read = await observeAccount(fake, { regions: ['us-east-1', 'af-south-1'], now });

    // Assess
    expect(readOf(read.registries, 'af-south-1')).toEqual({
      region: 'af-south-1',
      outcome: 'not-enabled',
      error: { code: 'UnrecognizedClientException', message: INVALID_TOKEN },
    });
    expect(readOf(read.registries, 'us-east-1')?.outcome).toBe('read');
    expect(fake.optInReads).toBe(1);
  });

  it.each([
    ['says the Region is enabled', optIn({ 'eu-west-1': 'enabled' }), /enabled/],
    ['does not list the Region', optIn({ 'us-east-1': 'enabled' }), /unknown/],
    ['says the Region is being enabled or disabled', optIn({ 'eu-west-1': 'changing' }), /changing/],
    [
      'cannot be read',
      new AwsCallError('ListRegions', { code: 'AccessDeniedException', message: 'not authorized' }),
      /could not be confirmed.*AccessDeniedException/,
    ],
    ['fails with an unexpected error', new Error('socket hang up'), /could not be confirmed/],
  ] as const)('stays unreadable, with its code, when the opt-in status %s', async (_label, status, why) => {
    // Prepare
    const fake = account(registry.notReplicating('us-east-1'), unrecognized('eu-west-1'));
    fake.optIn = status;

    // Act
    const read = await observeAccount(fake, { regions: ['us-east-1', 'eu-west-1'], now });

    // Assess
    const euWest1 = readOf(read.registries, 'eu-west-1');
    expect(euWest1).toMatchObject({ outcome: 'unreadable', error: { code: 'UnrecognizedClientException' } });
    expect(euWest1?.outcome === 'unreadable' && euWest1.error.message).toContain(INVALID_TOKEN);
    expect(euWest1?.outcome === 'unreadable' && euWest1.error.message).toMatch(why);
    expect(fake.optInReads).toBe(1);
  });

  it('asks the opt-in status once per observation, however many Regions answer it', async () => {
    // Prepare
    const fake = account(unrecognized('us-east-1'), unrecognized('eu-west-1'), unrecognized('af-south-1'));
    fake.optIn = optIn({ 'us-east-1': 'enabled', 'eu-west-1': 'enabled', 'af-south-1': 'not-enabled' });

    // Act
    const read = await observeAccount(fake, { regions: ['us-east-1', 'eu-west-1', 'af-south-1'], now });

    // Assess
    expect(read.registries.map((r) => [r.region, r.outcome])).toEqual([
      ['us-east-1', 'unreadable'],
      ['eu-west-1', 'unreadable'],
      ['af-south-1', 'not-enabled'],
    ]);
    expect(fake.optInReads).toBe(1);
  });

  it('does not ask the opt-in status when no Region answers UnrecognizedClientException', async () => {
    // Prepare
    const fake = account(
      registry.replicating('us-east-1'),
      registry.unreadable('eu-west-1', 'AccessDeniedException'),
      registry.unreadable('ap-southeast-2', 'Timeout'),
    );
    fake.optIn = new Error('must not be asked');

    // Act
    const read = await observeAccount(fake, { regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'], now });

    // Assess
    expect(read.registries.map((r) => r.outcome)).toEqual(['read', 'unreadable', 'unreadable']);
    expect(fake.optInReads).toBe(0);
  });

  it('judges a reader’s own not-enabled answer the same way: only the opt-in status can say it', async () => {
    // Prepare
    const fake = account(registry.notReplicating('us-east-1'), registry.notEnabled('eu-west-1'));
    fake.optIn = optIn({ 'eu-west-1': 'enabled' });

    // Act
    const given = await observeAccount(fake, { regions: ['us-east-1', 'eu-west-1'], now });
    const listed = await observeAccount(fake, { now });

    // Assess
    expect(readOf(given.registries, 'eu-west-1')?.outcome).toBe('unreadable');
    expect(readOf(listed.registries, 'eu-west-1')?.outcome).toBe('unreadable');
  });
});

describe('scanAccount: no orphan is concluded from an UnrecognizedClientException', () => {
  it('reports OBSERVATION_INCOMPLETE, not ROLE_ORPHANED, when an enabled Region answers it', async () => {
    // Prepare
    const fake = account(registry.notReplicating('us-east-1'), unrecognized('eu-west-1'));
    fake.optIn = optIn({ 'us-east-1': 'enabled', 'eu-west-1': 'enabled' });

    // Act
    const report = await scanAccount(fake, { regions: ['us-east-1', 'eu-west-1'], now });

    // Assess
    expect(report.desiredRole).toBe('unknown');
    expect(report.findings.map((f) => f.code)).toEqual(['OBSERVATION_INCOMPLETE']);
    expect(report.regions.find((r) => r.region === 'eu-west-1')).toMatchObject({
      state: 'unreadable',
      error: { code: 'UnrecognizedClientException' },
    });
  });

  it('still concludes the orphan when the opt-in status says that Region is not enabled', async () => {
    // Prepare
    const fake = account(registry.notReplicating('us-east-1'), unrecognized('af-south-1'));
    fake.optIn = optIn({ 'us-east-1': 'enabled', 'af-south-1': 'not-enabled' });

    // Act
    const report = await scanAccount(fake, { regions: ['us-east-1', 'af-south-1'], now });

    // Assess
    expect(report.regions.find((r) => r.region === 'af-south-1')?.state).toBe('not-enabled');
    expect(report.findings.map((f) => f.code)).toEqual(['ROLE_ORPHANED']);
  });
});

describe('observeAccount: the account and its partition', () => {
  const OTHER = '210987654321';

  it.each([
    ['aws', 'us-east-1'],
    ['aws-cn', 'cn-north-1'],
    ['aws-us-gov', 'us-gov-west-1'],
    ['aws-iso', 'us-iso-east-1'],
    ['aws-iso-b', 'us-isob-east-1'],
    ['aws-iso-e', 'eu-isoe-west-1'],
    ['aws-iso-f', 'us-isof-south-1'],
    ['aws-eusc', 'eusc-de-east-1'],
  ])('reads the account and partition %s off the role ARN', async (partition, region) => {
    // Prepare
    const fake = account(registry.notReplicating(region));
    fake.role = role.present(
      genuineRole({ arn: `arn:${partition}:iam::${OTHER}:role/aws-service-role/x/y` }),
    );

    // Act
    const read = await observeAccount(fake, { now });

    // Assess
    expect({ account: read.account, partition: read.partition }).toEqual({ account: OTHER, partition });
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-east-1', 'aws-us-gov'],
    ['us-iso-west-1', 'aws-iso'],
    ['us-isob-east-1', 'aws-iso-b'],
    ['eu-isoe-west-1', 'aws-iso-e'],
    ['us-isof-south-1', 'aws-iso-f'],
    ['eusc-de-east-1', 'aws-eusc'],
  ])(
    'without the role, takes the account from the registry and the partition from %s: %s',
    async (region, partition) => {
      // Prepare
      const fake = new FakeAccount().set(registry.notReplicating(region));

      // Act
      const read = await observeAccount(fake, { now });

      // Assess
      expect({ account: read.account, partition: read.partition }).toEqual({ account: ACCOUNT, partition });
    },
  );

  it('asks the caller identity only when no read names the account', async () => {
    // Prepare
    const fake = new FakeAccount().set(registry.unreadable('eu-west-1'));
    fake.role = { outcome: 'unreadable', error: { code: 'AccessDenied', message: 'no' } };
    let asked = 0;
    fake.identity = async () => {
      asked++;
      return { account: OTHER, partition: 'aws-iso-b' };
    };

    // Act
    const read = await observeAccount(fake, { now });

    // Assess
    expect({ account: read.account, partition: read.partition }).toEqual({
      account: OTHER,
      partition: 'aws-iso-b',
    });
    expect(asked).toBe(1);
  });

  it('does not take the account of an ARN that is not an IAM one', async () => {
    // Prepare
    const fake = account(registry.notReplicating('eu-west-1'));
    fake.role = role.present(genuineRole({ arn: `arn:aws:sts::${OTHER}:assumed-role/x/y` }));

    // Act
    const read = await observeAccount(fake, { now });

    // Assess
    expect(read.account).toBe(ACCOUNT);
  });
});
