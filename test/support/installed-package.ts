import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

/** This repository as a user gets it: `npm pack`, then `npm install` of the tarball in an empty folder. */
export interface InstalledPackage {
  /** The folder it is installed in (`<dir>/node_modules/ecr-replication-role-reconciler`). */
  readonly dir: string;
  /** The installed command, `<dir>/node_modules/.bin/ecr-role-reconciler`, run as a shell would. */
  readonly bin: string;
  /** What the installed package's `bin` points at, as written in its package.json. */
  readonly binTarget: string;
  /** An empty HOME for the commands run from it: no `~/.aws` config or credentials, no npm settings. */
  readonly home: string;
  /** Removes the folder. */
  remove(): Promise<void>;
}

export interface InstallOptions {
  /** Other packages to install beside it, in the same `npm install` (e.g. a construct's peers). */
  readonly with?: readonly string[];
  /** Says what is happening (on stderr by default). */
  readonly log?: (line: string) => void;
}

/**
 * Packs this repository with `npm pack` (which runs its `prepare` script, the build, as it does before publishing)
 * and installs the tarball into a new temporary folder with production dependencies only (`--omit=dev`), as
 * `npm install ecr-replication-role-reconciler` would: only what the package declares and ships is there.
 *
 * @example
 * const installed = await installPackage({ with: ['aws-cdk-lib@2.275.0', 'constructs@10'] });
 * try { execFileSync(installed.bin, ['--version']); } finally { await installed.remove(); }
 */
export async function installPackage(options: InstallOptions = {}): Promise<InstalledPackage> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const dir = await mkdtemp(join(tmpdir(), 'reconciler-install-'));
  try {
    const home = join(dir, 'home');
    await mkdir(home);
    log(`npm pack (runs the package's prepare script) into ${dir}`);
    await run('npm', ['pack', '--pack-destination', dir, '--loglevel', 'error'], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const tarball = (await readdir(dir)).find((name) => name.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack left no tarball in ${dir}`);
    await writeFile(join(dir, 'package.json'), '{ "private": true }\n');
    const packages = [`./${tarball}`, ...(options.with ?? [])];
    log(`npm install --omit=dev ${packages.join(' ')}`);
    await run(
      'npm',
      [
        'install',
        '--omit=dev',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel',
        'error',
        ...packages,
      ],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
    );
    const installed = join(dir, 'node_modules', 'ecr-replication-role-reconciler');
    const { bin } = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const binTarget = bin['ecr-role-reconciler'];
    if (!binTarget) throw new Error('the installed package.json has no bin "ecr-role-reconciler"');
    return {
      dir,
      bin: join(dir, 'node_modules', '.bin', 'ecr-role-reconciler'),
      binTarget,
      home,
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The environment an installed command runs with: PATH, the empty HOME, and `env`; no AWS profile, config or
 * credentials file of this machine, and nothing else of this process's environment.
 */
export function cleanEnv(
  installed: InstalledPackage,
  env: Readonly<Record<string, string>> = {},
): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: installed.home,
    AWS_CONFIG_FILE: join(installed.home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(installed.home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  };
}
