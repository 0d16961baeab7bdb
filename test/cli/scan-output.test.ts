import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderReportCsv } from '../../functions/cli/render/report-csv.js';
import { REPLICATION_ROLE } from '../../functions/core/constants.js';
import type { Report } from '../../functions/core/types.js';
import { runMain } from '../support/cli.js';
import { useLocalAccount } from '../support/local-account.js';

/*
 * What `scan` writes, for a person at a terminal and for a pipeline: colour, width, evidence, --quiet, --output,
 * --format csv and --fail-on. In process through `main`; `terminal` runs it as if stdout were a terminal.
 */

const account = useLocalAccount({ regions: ['us-east-1', 'eu-west-1', 'ap-southeast-2'] });
const toEuWest1 = [{ destinations: [{ region: 'eu-west-1', registryId: '123456789012' }] }];
const ESC = '\u001b[';

const scan = (
  args: string[],
  options: { env?: Record<string, string | undefined>; terminal?: { columns: number } } = {},
) => runMain(['scan', ...args], { env: options.env ?? account.env, clock: account.clock, ...options });

function roleMissing(): void {
  account.putReplication('ap-southeast-2', toEuWest1);
  account.deleteRoleOutOfBand(REPLICATION_ROLE.name);
}

describe('colour', () => {
  it('colours the table on a terminal', async () => {
    roleMissing();

    const run = await scan([], { terminal: { columns: 120 } });

    expect(run.stdout).toContain(ESC);
  });

  it.each([
    ['stdout is not a terminal', [], {}, undefined],
    ['NO_COLOR is set', [], { NO_COLOR: '1' }, { columns: 120 }],
    ['--no-color is given', ['--no-color'], {}, { columns: 120 }],
  ])('writes no escape code when %s', async (_label, flags, env, terminal) => {
    roleMissing();

    const run = await scan(flags, { env: { ...account.env, ...env }, ...(terminal ? { terminal } : {}) });

    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('\u001b');
  });
});

describe('the table', () => {
  it.each([60, 80])('wraps to a %i-column terminal: a longer line is one word alone', async (columns) => {
    roleMissing();
    account.setFault({ service: 'ecr', region: 'eu-west-1', fault: 'access-denied' });

    const run = await scan(['--no-color'], { terminal: { columns } });

    const long = run.stdout.split('\n').filter((line) => line.length > columns);
    expect(long.every((line) => line.trim().split(' ').length === 1)).toBe(true);
    expect(run.stdout).toContain('ROLE_MISSING');
  });

  it('wraps to 100 columns when stdout is not a terminal', async () => {
    roleMissing();

    const run = await scan([]);

    const long = run.stdout.split('\n').filter((line) => line.length > 100);
    expect(long.every((line) => line.trim().split(' ').length === 1)).toBe(true);
  });

  it("shows each finding's evidence as readable key: value lines", async () => {
    roleMissing();
    account.setFault({ service: 'ecr', region: 'eu-west-1', fault: 'access-denied' });

    const run = await scan([]);

    expect(run.stdout).toContain('Evidence:');
    expect(run.stdout).toMatch(/getRole: NoSuchEntity/);
    expect(run.stdout).toMatch(/replicating: ap-southeast-2 → eu-west-1\/123456789012/);
    expect(run.stdout).toMatch(/unreadableRegions: eu-west-1 \(AccessDeniedException: /);
    expect(run.stdout).not.toMatch(/[{}]"/);
  });

  it('prints a legend for its markers', async () => {
    account.putReplication('us-east-1', toEuWest1);

    const run = await scan([]);

    expect(run.stdout).toMatch(/→ replicating/);
    expect(run.stdout).toMatch(/\? unreadable/);
  });
});

describe('--quiet', () => {
  it('prints nothing when in sync', async () => {
    account.putReplication('us-east-1', toEuWest1);

    const run = await scan(['--quiet']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
  });

  it('prints the findings only', async () => {
    roleMissing();

    const run = await scan(['--quiet']);

    expect(run.code).toBe(2);
    expect(run.stdout).toContain('[HIGH] ROLE_MISSING');
    expect(run.stdout).not.toContain('REGION');
    expect(run.stdout).not.toContain('Account');
  });
});

describe('--output FILE', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'scan-output-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the JSON report to the file while the terminal shows the table', async () => {
    roleMissing();
    const file = join(dir, 'report.json');

    const run = await scan(['--output', file]);

    expect(run.code).toBe(2);
    expect(run.stdout).toContain('[HIGH] ROLE_MISSING');
    const report = JSON.parse(await readFile(file, 'utf8')) as Report;
    expect(report.findings.map((f) => f.code)).toEqual(['ROLE_MISSING']);
    expect(report.account).toBe('123456789012');
  });

  it('refuses a file in a folder that does not exist, before reading anything', async () => {
    account.resetCalls();

    const run = await scan(['--output', join(dir, 'missing', 'report.json')]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--output');
    expect(account.calls).toEqual([]);
  });
});

describe('--format csv', () => {
  it('prints only the header when in sync', async () => {
    account.putReplication('us-east-1', toEuWest1);

    const run = await scan(['--format', 'csv']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe('account,code,severity,regions,message,remediation\r\n');
  });

  it('prints one row per finding with the account in every row, quoted as RFC 4180 says', async () => {
    roleMissing();
    account.setFault({ service: 'ecr', region: 'eu-west-1', fault: 'access-denied' });

    const run = await scan(['--format', 'csv']);

    expect(run.code).toBe(2);
    const [header, ...rows] = run.stdout.split('\r\n').filter(Boolean);
    expect(header).toBe('account,code,severity,regions,message,remediation');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /^123456789012,OBSERVATION_INCOMPLETE,warning,eu-west-1,Could not read eu-west-1: /,
    );
    expect(rows[1]).toMatch(/^123456789012,ROLE_MISSING,high,ap-southeast-2,/);
    // The remediation holds commas: quoted.
    expect(rows[1]).toContain('replication-configuration file://replication.json`."');
  });

  it('quotes a field holding a comma, a double quote or a line break, doubling the quote', () => {
    const report = {
      account: '123456789012',
      findings: [
        {
          code: 'ROLE_DELETION_BLOCKED',
          severity: 'medium',
          message: 'Deletion failed:\nus-east-1 uses it',
          regions: ['eu-west-1', 'us-east-1'],
          evidence: {},
          remediation: 'Clear it (`--replication-configuration \'{"rules":[]}\'`), then delete.',
        },
      ],
    } as unknown as Report;

    expect(renderReportCsv(report)).toBe(
      'account,code,severity,regions,message,remediation\r\n' +
        '123456789012,ROLE_DELETION_BLOCKED,medium,eu-west-1 us-east-1,"Deletion failed:\nus-east-1 uses it",' +
        '"Clear it (`--replication-configuration \'{""rules"":[]}\'`), then delete."\r\n',
    );
  });
});

describe('--fail-on', () => {
  it.each([
    ['any', 2],
    ['low', 2],
    ['medium', 0],
    ['high', 0],
    ['never', 0],
  ])('with a low finding (ROLE_ORPHANED), --fail-on %s exits %i', async (level, code) => {
    account.createServiceLinkedRole();

    const run = await scan(['--fail-on', level]);

    expect(run.stdout).toContain('ROLE_ORPHANED');
    expect(run.code).toBe(code);
  });

  it('does not fail a pipeline gating on high findings for one unreadable Region', async () => {
    account.putReplication('us-east-1', toEuWest1);
    account.setFault({ service: 'ecr', region: 'eu-west-1', fault: 'throttle' });

    const high = await scan(['--fail-on', 'high', '--timeout', '60']);
    const warning = await scan(['--fail-on', 'warning', '--timeout', '60']);

    expect(high.stdout).toContain('OBSERVATION_INCOMPLETE');
    expect(high.code).toBe(0);
    expect(warning.code).toBe(2);
  });

  it('exits 2 at or above the level', async () => {
    roleMissing();

    expect((await scan(['--fail-on', 'high'])).code).toBe(2);
  });

  it('refuses an unknown level', async () => {
    const run = await scan(['--fail-on', 'critical']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--fail-on must be one of high, medium, low, warning, any, never');
  });
});
