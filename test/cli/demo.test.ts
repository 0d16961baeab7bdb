import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runMain } from '../support/cli.js';
import { TEST_START, testClock } from '../support/clock.js';

/*
 * The demo as a newcomer reads it: on its own, short, every alert once as Slack shows it, on the demo's clock, and
 * with no escape code where colour is not wanted.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('demo', () => {
  let run: CliRun;
  beforeAll(async () => {
    run = await runMain(['demo'], { clock: testClock() });
  }, 60_000);

  it('exits 0 in under 140 lines', () => {
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split('\n').length).toBeLessThan(140);
  });

  it('says first what it is: a simulated account, nothing touches AWS', () => {
    const preface = run.stdout.split('\n').slice(0, 8).join('\n');

    expect(preface).toMatch(/simulated account/i);
    expect(preface).toMatch(/nothing (here )?touches AWS/i);
  });

  it("explains the table's markers", () => {
    expect(run.stdout).toMatch(/→ replicating/);
    expect(run.stdout).toMatch(/· not-replicating/);
    expect(run.stdout).toMatch(/\? unreadable/);
    expect(run.stdout).toMatch(/- not-enabled/);
  });

  it('shows each alert once as Slack shows it, fields apart, and the SNS form in one line', () => {
    const slack = run.stdout.split('\n').filter((line) => line.startsWith('┌─ Slack'));
    const sns = run.stdout.split('\n').filter((line) => line.startsWith('SNS '));

    // Opened and resolved, for the missing role and the orphan.
    expect(slack).toHaveLength(4);
    expect(sns).toHaveLength(4);
    expect(run.stdout).toContain('Account: 123456789012');
    expect(run.stdout).toContain('Regions: ap-southeast-2');
    expect(run.stdout).not.toMatch(/\S {3}\*[A-Z][a-z]+\*/);
    expect(run.stdout).not.toContain('*Who:*');
  });

  it("stamps the events on the demo's clock", () => {
    expect(run.stdout).not.toContain('2025-03-14');
    expect(run.stdout).toContain(`When: ${TEST_START.toISOString().slice(0, 10)}`);
  });

  it('ends with what to do next: scan a real account, deploy', () => {
    const end = run.stdout.trimEnd().split('\n').slice(-8).join('\n');

    expect(end).toMatch(/What next/);
    expect(end).toContain('ecr-role-reconciler scan');
    expect(end).toContain('cdk deploy');
  });

  it('writes no escape code when stdout is not a terminal', () => {
    expect(run.stdout).not.toContain('\u001b');
  });

  it('writes bold headings on a terminal, and none with NO_COLOR or --no-color', async () => {
    const terminal = { columns: 100 };
    const coloured = await runMain(['demo', '--part', 'scan'], { clock: testClock(), terminal });
    const noColor = await runMain(['demo', '--part', 'scan'], {
      clock: testClock(),
      terminal,
      env: { NO_COLOR: '1' },
    });
    const flag = await runMain(['demo', '--part', 'scan', '--no-color'], { clock: testClock(), terminal });

    expect(coloured.stdout).toContain('\u001b[1m');
    expect(noColor.stdout).not.toContain('\u001b');
    expect(flag.stdout).not.toContain('\u001b');
  });
});

describe('npm start', () => {
  it('piped through cat -A shows no escape code with NO_COLOR=1', async () => {
    const shown = await new Promise<string>((resolve, reject) => {
      execFile(
        'sh',
        ['-c', 'npm start --silent | cat -A'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            NO_COLOR: '1',
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          },
          timeout: 60_000,
        },
        (error, stdout) => (error ? reject(error) : resolve(stdout)),
      );
    });

    expect(shown).toContain('What next');
    // `cat -A` shows ESC as ^[.
    expect(shown).not.toContain('^[');
  }, 60_000);
});
