import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_OPTIONS } from '../../infra/bundling.js';

/*
 * Each Lambda bundle carries what its function runs, and no more (cold starts load the whole file): the event and
 * recheck functions read accounts and announce, but never list the organization; the sweep lists and sends, but
 * never reads an account nor announces. Checked on the bundles themselves, built as `npm run build` builds them.
 */

const entry = (name: string) =>
  fileURLToPath(new URL(`../../functions/handlers/${name}.ts`, import.meta.url));

/** The packages (`@scope/name`) and the package's own modules (`functions/…`) a handler's bundle holds. */
async function contents(name: string): Promise<{ packages: Set<string>; modules: string[] }> {
  const result = await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [entry(name)],
    write: false,
    outfile: `/bundle-contents/${name}/index.mjs`,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const packages = new Set(
    inputs.flatMap((input) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1] ?? []),
  );
  const modules = inputs.filter((input) => input.startsWith('functions/'));
  return { packages, modules };
}

describe('the Lambda bundles', () => {
  it.each(['event', 'recheck'])(
    'keep the Organizations client and the sweep out of the %s function',
    async (name) => {
      const { packages, modules } = await contents(name);

      expect(modules).toContain(`functions/handlers/${name}.ts`);
      expect(packages).not.toContain('@aws-sdk/client-organizations');
      expect(packages).toContain('@aws-sdk/client-sts');
      expect(modules.filter((module) => module.startsWith('functions/app/sweep/'))).toEqual([]);
    },
  );

  it('keep the readers and the channels out of the sweep function', async () => {
    const { packages, modules } = await contents('sweep');

    expect(modules).toContain('functions/handlers/sweep.ts');
    expect(packages).toContain('@aws-sdk/client-organizations');
    for (const absent of [
      '@aws-sdk/client-ecr',
      '@aws-sdk/client-iam',
      '@aws-sdk/client-account',
      '@aws-sdk/client-sns',
      '@aws-sdk/client-secrets-manager',
    ]) {
      expect(packages).not.toContain(absent);
    }
    expect(
      modules.filter(
        (module) =>
          module.startsWith('functions/reconcile/') ||
          module.startsWith('functions/adapters/slack/') ||
          module.startsWith('functions/adapters/sns/') ||
          module === 'functions/app/lambda-parts.ts',
      ),
    ).toEqual([]);
  });
});
