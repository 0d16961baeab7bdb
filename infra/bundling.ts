import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type LogLevel } from 'esbuild';
import {
  LAMBDA_BUNDLE_FILE,
  LAMBDA_BUNDLE_NAMES,
  type LambdaBundleName,
  lambdaBundleDir,
} from './lambda-bundles.js';

// Build time only (`npm run build`, the tests, the benchmark): the package ships the bundles, never this module.

/** The Lambda entry points (TypeScript), each exporting `handler`, by the name of the bundle built from it. */
export const HANDLER_ENTRIES = {
  event: fileURLToPath(new URL('../functions/handlers/event.ts', import.meta.url)),
  recheck: fileURLToPath(new URL('../functions/handlers/recheck.ts', import.meta.url)),
  sweep: fileURLToPath(new URL('../functions/handlers/sweep.ts', import.meta.url)),
} as const satisfies Record<LambdaBundleName, string>;

/** Lets an ESM bundle load the CommonJS dependencies esbuild inlines (they call `require`). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The Node.js line of the Lambda runtime (`nodejs24.x`, set by `ReconcilerFunction`). */
export const NODE_TARGET = 'node24';

/** The oldest Node.js the CLI runs on (`engines` in package.json). */
const CLI_NODE_TARGET = 'node20';

/** Prefer the ESM build of a dependency, else its CommonJS one. */
const MAIN_FIELDS = ['module', 'main'];

/**
 * The esbuild options `npm run build` bundles each handler with into `dist/lambda/<name>/index.mjs` (what
 * `ReconcilerFunction` deploys), for anything that needs the same bundle (sizes, cold-load times): one minified ESM
 * file with a source map and every dependency inside, the AWS SDK included (the runtime's own SDK is older and
 * pinned: bundle the one the code was tested with).
 */
export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: NODE_TARGET,
  mainFields: MAIN_FIELDS,
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: [],
};

/** One bundle written by {@link buildLambdaBundles}. */
export interface BuiltBundle {
  readonly name: LambdaBundleName;
  /** The folder: `index.mjs` and `index.mjs.map`, nothing else. */
  readonly dir: string;
  /** The size of `index.mjs`. */
  readonly bytes: number;
}

/**
 * Bundles the handler `name` with {@link BUNDLE_OPTIONS} into `outfile` (and its source map beside it).
 *
 * @example
 * await bundleHandler('event', '/tmp/event/index.mjs');
 */
export async function bundleHandler(
  name: LambdaBundleName,
  outfile: string,
  logLevel: LogLevel = 'warning',
): Promise<void> {
  await build({ ...BUNDLE_OPTIONS, entryPoints: [HANDLER_ENTRIES[name]], outfile, logLevel });
}

/**
 * Bundles every handler with {@link BUNDLE_OPTIONS}, all at once, into `dist/lambda/<name>/` (emptied first: anything
 * left there would be deployed with the function), what `ReconcilerFunction` deploys. Run by `npm run build`.
 *
 * @example
 * await buildLambdaBundles(); // → [{ name: 'event', dir: '…/dist/lambda/event', bytes: 608277 }, …]
 */
export async function buildLambdaBundles(): Promise<BuiltBundle[]> {
  return Promise.all(
    LAMBDA_BUNDLE_NAMES.map(async (name) => {
      const dir = lambdaBundleDir(name);
      await rm(dir, { recursive: true, force: true });
      const outfile = join(dir, LAMBDA_BUNDLE_FILE);
      await bundleHandler(name, outfile);
      return { name, dir, bytes: (await stat(outfile)).size };
    }),
  );
}

/** Where `npm run build` writes the CLI bundle: the package's `bin` is `dist/cli/ecr-role-reconciler.mjs`. */
const CLI_BUNDLE_DIR = fileURLToPath(new URL('../dist/cli/', import.meta.url));

/**
 * Bundles the CLI (`functions/cli/bin.ts`) into `dist/cli/`, one ESM entry and a chunk per command loaded on demand.
 * The AWS SDK ships CommonJS: imported from unbundled ESM, Node compiles each client's entry file twice and scans it
 * for exports (EC2's is 2 MB), which made `scan` start about 0.5 s slower than bundled. Targets the oldest Node.js
 * the CLI runs on (`engines`).
 *
 * @example
 * await buildCliBundle(); // → …/dist/cli/ecr-role-reconciler.mjs and its chunks
 */
export async function buildCliBundle(): Promise<void> {
  await rm(CLI_BUNDLE_DIR, { recursive: true, force: true });
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: {
      'ecr-role-reconciler': fileURLToPath(new URL('../functions/cli/bin.ts', import.meta.url)),
    },
    outdir: CLI_BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    target: CLI_NODE_TARGET,
    logLevel: 'warning',
  });
}
