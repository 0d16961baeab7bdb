import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The Lambda functions whose code ships prebuilt: `npm run build` bundles each handler into `dist/lambda/<name>/`
 * (`index.mjs`, exporting `handler`, and its source map), and the functions deploy that folder as it is. No bundler
 * runs at synth time, so the construct synthesizes from `node_modules` with neither esbuild nor Docker. `sweep` is
 * deployed in organization mode only.
 */
export const LAMBDA_BUNDLE_NAMES = ['event', 'recheck', 'sweep'] as const;

export type LambdaBundleName = (typeof LAMBDA_BUNDLE_NAMES)[number];

/** The bundle's file in its folder; the function's handler is `index.handler`. */
export const LAMBDA_BUNDLE_FILE = 'index.mjs';

/**
 * The folder holding the bundle `name`, as seen from the module at `moduleUrl` (this one by default). In the package
 * this module is `dist/infra/lambda-bundles.js` and the bundles are in `dist/lambda/`; in a checkout run from
 * source (tests, the repo's CDK app) it is `infra/lambda-bundles.ts` and they are in `dist/lambda/` too.
 *
 * @example
 * lambdaBundleDir('event'); // → '…/dist/lambda/event'
 */
export function lambdaBundleDir(name: LambdaBundleName, moduleUrl: string = import.meta.url): string {
  const fromSource = moduleUrl.endsWith('.ts');
  return fileURLToPath(new URL(`${fromSource ? '../dist/lambda/' : '../lambda/'}${name}`, moduleUrl));
}

/**
 * {@link lambdaBundleDir}, once it is known to hold the bundle; throws an error that says how to build it otherwise
 * (a checkout where `npm run build` has not run since `dist/` was removed).
 */
export function builtLambdaBundleDir(name: LambdaBundleName, moduleUrl: string = import.meta.url): string {
  const dir = lambdaBundleDir(name, moduleUrl);
  if (!existsSync(join(dir, LAMBDA_BUNDLE_FILE))) {
    throw new Error(
      `The ${name} function's Lambda bundle is missing: ${join(dir, LAMBDA_BUNDLE_FILE)}. ` +
        'Run `npm run build` (it bundles the handlers into dist/lambda/).',
    );
  }
  return dir;
}
