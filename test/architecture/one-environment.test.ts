import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The entry points, the only modules allowed to read the process's environment: each reads it once and passes it
 * down (to `main`, to `loadConfig` through the Lambda's parts), so that everything else is given its environment.
 */
const ENTRY_MODULES = [
  'functions/cli/run-process.ts',
  'functions/handlers/event.ts',
  'functions/handlers/recheck.ts',
  'functions/handlers/sweep.ts',
];
/** `process.env`, `process['env']`, `const { env } = process`. */
const ENVIRONMENT_READ =
  /\bprocess\s*(?:\.\s*env\b|\[\s*['"`]env['"`]\s*\])|\{[^}]*\benv\b[^}]*\}\s*=\s*process\b/;

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, folder), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Each line of `text` that reads the process's environment, outside comments. */
function environmentReads(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, ''))
    .filter((line) => ENVIRONMENT_READ.test(line))
    .map((line) => line.trim());
}

describe('one environment', () => {
  it('finds an environment read wherever it is written', () => {
    expect(
      environmentReads("const a = process.env.X;\nconst b = process['env'];\nconst { env } = process;"),
    ).toHaveLength(3);
    expect(
      environmentReads('loadConfig(env);\n// process.env in a comment\n * process.env in TSDoc'),
    ).toEqual([]);
  });

  it(`lets no module of functions/ but the entry points read process.env`, async () => {
    const files = await sources('functions');
    const offenders: string[] = [];
    for (const file of files) {
      if (ENTRY_MODULES.includes(file)) continue;
      for (const line of environmentReads(await readFile(join(ROOT, file), 'utf8')))
        offenders.push(`${file}: ${line}`);
    }

    expect(files).toEqual(expect.arrayContaining(ENTRY_MODULES));
    expect(offenders).toEqual([]);
  });
});
