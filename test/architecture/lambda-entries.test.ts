import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Each Lambda entry (`functions/handlers/*.ts`) is a short file over the application layer (`functions/app/`), and its
 * bundle carries only what it runs: the re-check function reads SQS messages, so it carries neither the event
 * function's entry nor the EventBridge path (parsing and classification). Checked on the sources, through every
 * relative import, static or dynamic.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`: every specifier in a module's text. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;

/** `import type … from 'x'`: erased when compiled, so nothing of `x` is bundled. */
const TYPE_IMPORT = /\bimport\s+type\s[^;]*;/g;

/** Every module of the package reachable from `entry` through relative imports that are kept in the bundle. */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    const text = readFileSync(join(ROOT, file), 'utf8')
      .replace(/^\s*(\/\/|\*).*$/gm, '')
      .replace(TYPE_IMPORT, '');
    for (const [, specifier = ''] of text.matchAll(SPECIFIER)) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(ROOT, join(ROOT, dirname(file), specifier));
      const source = [target.replace(/\.js$/, '.ts'), target].find((path) => existsSync(join(ROOT, path)));
      if (!source) throw new Error(`${file}: cannot find ${specifier}`);
      if (seen.has(source)) continue;
      seen.add(source);
      queue.push(source);
    }
  }
  return seen;
}

describe('the Lambda entries', () => {
  it('share the application layer: both build their parts with functions/app/lambda-parts.ts', () => {
    expect(reachable('functions/handlers/event.ts')).toContain('functions/app/lambda-parts.ts');
    expect(reachable('functions/handlers/recheck.ts')).toContain('functions/app/lambda-parts.ts');
  });

  it('keep the event function and the EventBridge path out of the re-check function', () => {
    const modules = [...reachable('functions/handlers/recheck.ts')];

    expect(modules).toContain('functions/app/recheck/message.ts');
    expect(
      modules.filter(
        (file) =>
          file === 'functions/handlers/event.ts' ||
          file.startsWith('functions/app/event/') ||
          file === 'functions/core/classify.ts',
      ),
    ).toEqual([]);
  });
});
