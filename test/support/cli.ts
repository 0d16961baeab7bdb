import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Output } from '../../functions/cli/output.js';
import type { Clock } from '../../functions/clock.js';
import { testClock } from './clock.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** What every run starts from, in a child process or in this one, besides the variables a test gives. */
const BASE_ENV: Env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** The two ways a shell starts the CLI: the package's `bin` (as `npx ecr-role-reconciler`) or `main.ts` via tsx. */
export type Entry = 'bin' | 'main';

/**
 * Runs the CLI in a child process, as a user would, with only the environment given (plus PATH and HOME).
 * Costs a Node start and every import (about a second): keep it for what only a real process shows — that `bin`
 * starts, that exit codes reach the shell, what really reaches stdout and stderr. Everything else: {@link runMain}.
 */
export function runCli(args: readonly string[], env: Env = {}, entry: Entry = 'main'): Promise<CliRun> {
  const command =
    entry === 'bin'
      ? ['dist/cli/ecr-role-reconciler.mjs', ...args]
      : ['--import', 'tsx', 'functions/cli/main.ts', ...args];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      command,
      { cwd: ROOT, env: { ...BASE_ENV, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error && typeof error.code === 'number' ? error.code : error ? 1 : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

let running = false;

/**
 * Runs the CLI in this process through `main(argv, output, env, clock)`, with what it prints captured line by line,
 * as {@link runCli} would return it. For the run, `process.env` is what a child process given `env` would have
 * (the SDK clients read it: endpoint, credentials, Region, attempts): every `AWS_*` variable of this process is
 * removed, then `env` set; all of it is restored afterwards. One run at a time, then (tests within a file run one
 * after another).
 * @example
 * const run = await runMain(['scan', '--format', 'json'], { env: localEnv(account.url), clock });
 */
export async function runMain(
  argv: readonly string[],
  options: {
    env?: Env;
    clock?: Clock;
    /** Run as if stdout were a terminal this many columns wide (default: not a terminal). */
    terminal?: { columns: number };
  } = {},
): Promise<CliRun> {
  const { main } = await import('../../functions/cli/main.js');
  if (running) throw new Error('runMain runs one command at a time: it sets process.env for the run');
  running = true;
  const env = definedOnly({ ...BASE_ENV, ...options.env });
  const saved = { ...process.env };
  let stdout = '';
  let stderr = '';
  const output: Output = {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
    interactive: false,
    stdoutIsTerminal: options.terminal !== undefined,
    columns: options.terminal?.columns,
  };
  try {
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    Object.assign(process.env, env);
    const code = await main(argv, output, env, options.clock ?? testClock());
    return { code, stdout, stderr };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
    running = false;
  }
}

/** A CLI command running in a child process until it is stopped (e.g. `local-account`). */
export interface RunningCli {
  /** Everything printed on stdout so far. */
  stdout(): string;
  /** Everything printed on stderr so far. */
  stderr(): string;
  /** Resolves with stdout so far once it matches `pattern`; rejects if the process ends first or after `ms`. */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  /** Sends SIGINT (Ctrl-C) and resolves with what the run printed and its exit code. */
  stop(): Promise<CliRun>;
}

/** Starts the CLI in a child process (through `main.ts`, as {@link runCli}), for commands that run until stopped. */
export function startCli(args: readonly string[], env: Env = {}): RunningCli {
  const child = spawn(process.execPath, ['--import', 'tsx', 'functions/cli/main.ts', ...args], {
    cwd: ROOT,
    env: definedOnly({ ...BASE_ENV, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  const exited = new Promise<number>((resolve) => {
    child.on('close', (code, signal) => {
      resolve(code ?? (signal ? 128 : 1));
      for (const listener of listeners) listener();
    });
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    for (const listener of listeners) listener();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    waitFor: (pattern, ms = 20_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} on stdout within ${ms} ms:\n${stdout}\n${stderr}`));
        }, ms);
        const check = () => {
          if (pattern.test(stdout)) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(stdout);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(new Error(`the process ended before ${pattern} on stdout:\n${stdout}\n${stderr}`));
          }
        };
        listeners.add(check);
        check();
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      const code = await exited;
      return { code, stdout, stderr };
    },
  };
}

/** The environment that points the SDK at a local account, with no real credentials anywhere. */
export function localEnv(url: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: url,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    AWS_MAX_ATTEMPTS: '2',
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

function definedOnly(env: Env): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
