import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

/** The Lambda entry points (TypeScript), each exporting `handler`. */
export const HANDLER_ENTRIES = {
  event: fileURLToPath(new URL('../functions/handlers/event.ts', import.meta.url)),
  recheck: fileURLToPath(new URL('../functions/handlers/recheck.ts', import.meta.url)),
} as const;

/** Lets an ESM bundle load the CommonJS dependencies esbuild inlines (they call `require`). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** The Node.js line of the Lambda runtime (`nodejs22.x`). */
export const NODE_TARGET = 'node22';

/** Prefer the ESM build of a dependency, else its CommonJS one. */
export const MAIN_FIELDS = ['module', 'main'];

/**
 * The esbuild options `ReconcilerFunction` bundles with, for anything that needs the same bundle outside CDK
 * (sizes, cold-load times): one minified ESM file with a source map and every dependency inside, the AWS SDK
 * included.
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
