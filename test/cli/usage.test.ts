import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_DIR } from '../../events/index.js';
import { runMain } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * What a new user types wrong, and what the CLI answers: a usage error (exit 1) that names the cause and the fix,
 * before anything is read.
 */

const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1'] });
const run = (argv: string[], env: Record<string, string | undefined> = account.env) =>
  runMain(argv, { env, clock: account.clock });

describe('numbers given to flags', () => {
  it.each([
    [['scan', '--timeout', '0'], '--timeout'],
    [['scan', '--timeout=-1'], '--timeout'],
    [['scan', '--timeout', 'soon'], '--timeout'],
    [['scan', '--concurrency', '0'], '--concurrency'],
    [['scan', '--concurrency', '2.5'], '--concurrency'],
    [['handle', join(EVENTS_DIR, 'scheduled-event.json'), '--grace-seconds', '1.5'], '--grace-seconds'],
    [['local-account', '--port', '0'], '--port'],
    [['local-account', '--port', '70000'], '--port'],
    [['local-account', '--latency-ms', '2.5'], '--latency-ms'],
  ])('refuses %j naming %s', async (argv, flag) => {
    account.resetCalls();

    const result = await run(argv, { ...account.env, ALERT_TOPIC_ARN: 'arn:aws:sns:us-east-1:1:x' });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${flag} must be`);
    expect(account.calls).toEqual([]);
  });

  it('accepts a fraction of a second for --timeout', async () => {
    const result = await run(['scan', '--timeout', '0.5', '--concurrency', '3']);

    expect(result.code).toBe(0);
  });
});

describe('Region names', () => {
  it('refuses a misspelt Region with the closest known one, before reading anything', async () => {
    account.resetCalls();

    const result = await run(['scan', '--regions', 'us-east-1,eu-wst-1']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('eu-wst-1');
    expect(result.stderr).toContain('did you mean eu-west-1?');
    expect(account.calls).toEqual([]);
  });

  it('refuses a misspelt Region in RECONCILER_REGIONS for handle, naming the variable', async () => {
    const result = await run(['handle', join(EVENTS_DIR, 'scheduled-event.json'), '--no-alerts'], {
      ...account.env,
      RECONCILER_REGIONS: 'us-east-1,ap-southeast-22',
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('RECONCILER_REGIONS');
    expect(result.stderr).toContain('did you mean ap-southeast-2?');
  });

  it.each([
    [
      'GRACE_SECONDS',
      'soon',
      /^error: GRACE_SECONDS must be a whole number from 0 to 900 .*, not "soon"\.$/m,
    ],
    ['REMINDER_HOURS', '0', /^error: REMINDER_HOURS must be a number from 1 to 8760, not 0\.$/m],
    [
      'RECONCILER_REGIONS',
      'us-east-1,moon',
      /^error: RECONCILER_REGIONS must be Region codes, e\.g\. us-east-1/m,
    ],
  ])(
    'refuses %s=%s for handle as it refuses a flag: exit 1, the variable and the fix, nothing read',
    async (name, value, message) => {
      account.resetCalls();

      const result = await run(['handle', join(EVENTS_DIR, 'scheduled-event.json'), '--no-alerts'], {
        ...account.env,
        [name]: value,
      });

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(message);
      expect(account.calls).toEqual([]);
    },
  );

  it('accepts the Regions of other partitions', async () => {
    const result = await run(['local-account', '--regions', 'cn-north-1,us-gov-west-1,eu-wes-1']);

    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain('cn-north-1');
    expect(result.stderr).toContain('did you mean eu-west-1?');
  });
});

describe('mistyped commands and flags', () => {
  it('suggests the command a typo was meant to be', async () => {
    const result = await run(['scna']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown command "scna". Did you mean "scan"?');
  });

  it('suggests the flag a typo was meant to be', async () => {
    const result = await run(['scan', '--region', 'us-east-1']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--region');
    expect(result.stderr).toContain('Did you mean --regions?');
    expect(result.stderr).toContain('ecr-role-reconciler scan --help');
  });

  it('says that flags come after the command', async () => {
    const result = await run(['--no-color', 'scan']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ecr-role-reconciler scan --no-color');
  });

  it('refuses an unknown --part for demo instead of playing nothing', async () => {
    const result = await run(['demo', '--part', 'bogus']);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--part must be one of scan, events, organization, all (got "bogus")');
    expect(result.stdout).toBe('');
  });
});

describe('--version', () => {
  it('prints the package version and exits 0', async () => {
    const { version } = JSON.parse(
      await readFile(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as {
      version: string;
    };

    const result = await run(['--version']);

    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(`ecr-role-reconciler ${version}`);
  });

  it('is in the help', async () => {
    expect((await run(['--help'])).stdout).toContain('--version');
  });
});

describe('help', () => {
  it('documents every flag of scan and handle', async () => {
    const scan = (await run(['scan', '--help'])).stdout;
    const handle = (await run(['handle', '--help'])).stdout;

    for (const flag of [
      '--regions',
      '--format table|json|csv',
      '--output FILE',
      '--fail-on',
      '--quiet',
      '--no-color',
      '--debug',
      '--profile NAME',
      '--concurrency',
      '--timeout',
    ])
      expect(scan, flag).toContain(flag);
    for (const flag of [
      '--no-alerts',
      '--fail-on',
      '--profile NAME',
      '--debug',
      '--state-file',
      '--grace-seconds',
    ])
      expect(handle, flag).toContain(flag);
  });

  it('points at local-account, never at `npm start`, for a local endpoint', async () => {
    const scan = (await run(['scan', '--help'])).stdout;
    const noCredentials = await run(['scan'], {
      ...account.env,
      AWS_ACCESS_KEY_ID: undefined,
      AWS_SECRET_ACCESS_KEY: undefined,
    });

    expect(scan).not.toContain('npm start');
    expect(scan).toContain('local-account');
    expect(noCredentials.code).toBe(1);
    expect(noCredentials.stderr).not.toContain('npm start');
    expect(noCredentials.stderr).toContain('local-account');
  });
});

describe('a profile that does not exist', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'profiles-'));
    await writeFile(
      join(dir, 'config'),
      '[default]\nregion = us-east-1\n\n[profile audit]\nregion = eu-west-1\n',
    );
    await writeFile(
      join(dir, 'credentials'),
      '[audit]\naws_access_key_id = AKIDAUDIT\naws_secret_access_key = x\n',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const files = () => ({
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
  });

  it.each([
    ['AWS_PROFILE', [], { AWS_PROFILE: 'prod-reader' }],
    ['--profile', ['--profile', 'prod-reader'], {}],
  ])('is named with where it was looked for (%s)', async (source, flags, extra) => {
    account.resetCalls();

    const result = await run(['scan', ...flags], { ...account.env, ...files(), ...extra });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('"prod-reader"');
    expect(result.stderr).toContain(source);
    expect(result.stderr).toContain(join(dir, 'config'));
    expect(result.stderr).toContain(join(dir, 'credentials'));
    expect(result.stderr).toContain('audit');
    expect(account.calls).toEqual([]);
  });
});
