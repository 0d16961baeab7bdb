import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HANDLER_ENTRIES } from '../../infra/bundling.js';

/*
 * The local account (`functions/local-account/`) is for people and tests: it serves fake AWS answers. Nothing the
 * Lambda functions run may reach it, whether to keep it out of the bundles or to keep a fake answer out of a real
 * account. Checked on the sources: every module reachable from a Lambda entry (`functions/handlers/*.ts`, and the
 * entries the bundles are built from) through relative imports, static or dynamic.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HANDLERS = 'functions/handlers';
const LOCAL_ACCOUNT = 'functions/local-account/';

/** `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`: every specifier in a module's text. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** The modules of the package `file` imports, by path from the root (`./x.js` → `…/x.ts`). */
function localImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
  return [...text.matchAll(SPECIFIER)]
    .map(([, specifier = '']) => specifier)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => {
      const target = relative(ROOT, join(ROOT, dirname(file), specifier));
      const source = [target.replace(/\.js$/, '.ts'), target].find((path) => existsSync(join(ROOT, path)));
      if (!source) throw new Error(`${file}: cannot find ${specifier}`);
      return source;
    });
}

/** Every module reachable from `entries`, each with the chain of imports that first reached it. */
function reachable(entries: readonly string[]): Map<string, readonly string[]> {
  const chains = new Map<string, readonly string[]>(entries.map((entry) => [entry, [entry]]));
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const imported of localImports(file)) {
      if (chains.has(imported)) continue;
      chains.set(imported, [...(chains.get(file) ?? []), imported]);
      queue.push(imported);
    }
  }
  return chains;
}

/** The import chains from `entries` into the local account. */
function intoLocalAccount(entries: readonly string[]): string[] {
  return [...reachable(entries)]
    .filter(([file]) => file.startsWith(LOCAL_ACCOUNT))
    .map(([, chain]) => chain.join(' → '));
}

const lambdaEntries = [
  ...new Set([
    ...readdirSync(join(ROOT, HANDLERS))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `${HANDLERS}/${name}`),
    ...Object.values(HANDLER_ENTRIES).map((entry) => relative(ROOT, entry)),
  ]),
];

describe('the local account stays out of the Lambda functions', () => {
  it('finds the way into the local account where there is one, through a dynamic import too', () => {
    // `main.ts` loads each command with a dynamic `import()`.
    expect(intoLocalAccount(['functions/cli/main.ts'])).toContainEqual(
      expect.stringMatching(/^functions\/cli\/main\.ts → (.+ → )?functions\/local-account\/index\.ts$/),
    );
  });

  it('is reached by no module a Lambda entry imports, directly or not', () => {
    expect(lambdaEntries).toEqual(expect.arrayContaining([`${HANDLERS}/event.ts`, `${HANDLERS}/recheck.ts`]));
    expect(reachable(lambdaEntries).size).toBeGreaterThan(lambdaEntries.length);

    expect(intoLocalAccount(lambdaEntries)).toEqual([]);
  });
});
