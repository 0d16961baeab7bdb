import { describe, expect, it } from 'vitest';
import { builtLambdaBundleDir, LAMBDA_BUNDLE_NAMES, lambdaBundleDir } from '../../infra/lambda-bundles.js';

describe('lambdaBundleDir', () => {
  it('finds the bundles beside dist/infra/ in the package', () => {
    const moduleUrl = 'file:///app/node_modules/ecr-replication-role-reconciler/dist/infra/lambda-bundles.js';
    expect(LAMBDA_BUNDLE_NAMES.map((name) => lambdaBundleDir(name, moduleUrl))).toEqual([
      '/app/node_modules/ecr-replication-role-reconciler/dist/lambda/event',
      '/app/node_modules/ecr-replication-role-reconciler/dist/lambda/recheck',
      '/app/node_modules/ecr-replication-role-reconciler/dist/lambda/sweep',
    ]);
  });

  it('finds them under dist/ when run from the sources of a checkout', () => {
    expect(lambdaBundleDir('event', 'file:///repo/infra/lambda-bundles.ts')).toBe('/repo/dist/lambda/event');
  });

  it('says to run the build when a bundle is missing', () => {
    expect(() => builtLambdaBundleDir('recheck', 'file:///nowhere/infra/lambda-bundles.ts')).toThrow(
      "The recheck function's Lambda bundle is missing: /nowhere/dist/lambda/recheck/index.mjs. Run `npm run build`",
    );
  });
});
