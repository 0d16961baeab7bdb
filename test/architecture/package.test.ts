import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * What the package gives its users, checked on the sources the build compiles: each entry point (`exports`, `bin`)
 * reaches only modules of the package and packages its users have. A CLI or `scan` user installs `dependencies`
 * only (no `aws-cdk-lib`: it is an optional peer); a construct user has `aws-cdk-lib` and `constructs` too. Never
 * a devDependency (cdk-nag, esbuild, tsx…), whether a value or a type (the `.d.ts` keep type imports).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface PackageJson {
  readonly bin: Record<string, string>;
  readonly exports: Record<string, string | { readonly types: string; readonly default: string }>;
  readonly types: string;
  readonly files: readonly string[];
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
  readonly peerDependencies: Record<string, string>;
  readonly peerDependenciesMeta: Record<string, { readonly optional?: boolean }>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

/** `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`: every specifier in a module's text. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** The source a compiled file of `dist/` comes from (`dist/a/b.js` → `a/b.ts`, or `a/b.js` as it is). */
function sourceOf(distPath: string): string {
  const path = distPath.replace(/^\.\//, '').replace(/^dist\//, '');
  const ts = path.replace(/\.(d\.ts|js)$/, '.ts');
  return existsSync(join(ROOT, ts)) ? ts : path;
}

/** The package names a module and everything it reaches through relative imports import, with who imports them. */
function externalImports(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(join(ROOT, file), 'utf8').replace(/^\s*(\/\/|\*).*$/gm, '');
    for (const [, specifier = ''] of text.matchAll(SPECIFIER)) {
      if (specifier.startsWith('.')) {
        const target = relative(ROOT, join(ROOT, dirname(file), specifier));
        const source = [target.replace(/\.js$/, '.ts'), target].find((path) => existsSync(join(ROOT, path)));
        if (!source) throw new Error(`${file}: cannot find ${specifier}`);
        visit(source);
      } else {
        const name = specifier.startsWith('@')
          ? specifier.split('/').slice(0, 2).join('/')
          : (specifier.split('/')[0] as string);
        if (!found.has(name)) found.set(name, file);
      }
    }
  };
  visit(entry);
  return found;
}

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);
const notIn = (imports: Map<string, string>, allowed: readonly string[]) =>
  [...imports]
    .filter(([name]) => !isBuiltin(name) && !allowed.includes(name))
    .map(([name, file]) => `${name} (imported by ${file})`);

const dependencies = Object.keys(pkg.dependencies);
const peers = Object.keys(pkg.peerDependencies);

describe('the package', () => {
  it('exports the scan at its root and the construct at ./cdk, each with its types', () => {
    expect(pkg.exports).toEqual({
      '.': { types: './dist/functions/index.d.ts', default: './dist/functions/index.js' },
      './cdk': { types: './dist/infra/index.d.ts', default: './dist/infra/index.js' },
      './package.json': './package.json',
    });
    expect(pkg.types).toBe('./dist/functions/index.d.ts');
  });

  it('gives `scan` and the CLI nothing but its dependencies', () => {
    const root = pkg.exports['.'] as { default: string };
    // The bin is the CLI bundled by `npm run build` (scripts/build-cli.ts) from functions/cli/bin.ts.
    expect(pkg.bin).toEqual({ 'ecr-role-reconciler': 'dist/cli/ecr-role-reconciler.mjs' });
    const entries = [sourceOf(root.default), 'functions/cli/bin.ts'];
    expect(entries).toContain('functions/index.ts');
    for (const entry of entries) {
      expect(entry, 'the entries are TypeScript the build compiles or bundles').toMatch(/\.ts$/);
      expect(notIn(externalImports(entry), dependencies), entry).toEqual([]);
    }
  });

  it('gives the construct nothing but its dependencies and its peers aws-cdk-lib and constructs (never cdk-nag)', () => {
    const cdk = pkg.exports['./cdk'] as { default: string };
    const imports = externalImports(sourceOf(cdk.default));
    expect(notIn(imports, [...dependencies, ...peers])).toEqual([]);
    expect([...imports.keys()]).toEqual(expect.arrayContaining(['aws-cdk-lib', 'constructs']));
  });

  it('asks CLI users for no CDK: aws-cdk-lib and constructs are optional peers, and devDependencies of the repo', () => {
    expect(peers.sort()).toEqual(['aws-cdk-lib', 'constructs']);
    for (const peer of peers) {
      expect(pkg.peerDependenciesMeta[peer]?.optional).toBe(true);
      expect(pkg.devDependencies[peer]).toBeDefined();
    }
    for (const tool of ['aws-cdk', 'cdk-nag', 'dynalite', 'esbuild', 'tsx', 'typescript', 'vitest']) {
      expect(pkg.dependencies[tool], tool).toBeUndefined();
      expect(pkg.devDependencies[tool], tool).toBeDefined();
    }
  });

  it('packs the compiled code with its types, the Lambda bundles, the samples, README and LICENSE; no source, no test', () => {
    // What `npm pack` would put in the tarball, as built by `npm test` (tsc -b, then the Lambda bundles).
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: ROOT,
        encoding: 'utf8',
      }),
    ) as [{ files: { path: string }[] }];
    const files = packed.files.map(({ path }) => path);
    expect(files).toEqual(
      expect.arrayContaining([
        'LICENSE',
        'README.md',
        'package.json',
        'dist/functions/index.js',
        'dist/functions/index.d.ts',
        'dist/infra/index.js',
        'dist/infra/index.d.ts',
        'dist/lambda/event/index.mjs',
        'dist/lambda/event/index.mjs.map',
        'dist/lambda/recheck/index.mjs',
        'dist/lambda/recheck/index.mjs.map',
        'dist/lambda/sweep/index.mjs',
        'dist/lambda/sweep/index.mjs.map',
        'events/iam-delete-role.json',
        ...Object.values(pkg.bin),
      ]),
    );
    const unexpected = files.filter(
      (path) =>
        !/^dist\/(functions|infra|events)\/.+\.(js|d\.ts)$/.test(path) &&
        !/^dist\/lambda\/(event|recheck|sweep)\/index\.mjs(\.map)?$/.test(path) &&
        !/^dist\/cli\/(chunks\/)?[\w-]+\.mjs(\.map)?$/.test(path) &&
        !/^events\/[\w.-]+\.json$/.test(path) &&
        !['LICENSE', 'README.md', 'package.json', 'events/README.md'].includes(path),
    );
    expect(unexpected).toEqual([]);
    expect(files.filter((path) => /(^|\/)test\/|\.test\.|bundling|infra\/app\./.test(path))).toEqual([]);
  });
});
