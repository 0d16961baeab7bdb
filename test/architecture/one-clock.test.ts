import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The one module allowed to read the system clock: everything else is given a `Clock`. */
const CLOCK_MODULE = 'functions/clock.ts';
/** Reading the system clock: `Date.now()`, `new Date()` with no argument, `performance.now()`. */
const SYSTEM_CLOCK_READ = /\bDate\.now\s*\(|\bnew\s+Date\s*\(\s*\)|\bperformance\.now\s*\(/;

async function sources(folder: string): Promise<string[]> {
  const entries = await readdir(join(ROOT, folder), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** Each line of `text` that reads the system clock, outside comments. */
function clockReads(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, ''))
    .filter((line) => SYSTEM_CLOCK_READ.test(line))
    .map((line) => line.trim());
}

describe('one clock', () => {
  it('finds a system clock read wherever it is written', () => {
    expect(
      clockReads('const t = Date.now();\nconst d = new Date();\nconst p = performance.now();'),
    ).toHaveLength(3);
    expect(
      clockReads('const d = new Date(iso);\n// Date.now() in a comment\n * new Date() in TSDoc'),
    ).toEqual([]);
  });

  it(`lets no module but ${CLOCK_MODULE} read the system clock`, async () => {
    const files = [...(await sources('functions')), ...(await sources('infra'))];
    const offenders: string[] = [];
    for (const file of files) {
      if (file === CLOCK_MODULE) continue;
      for (const line of clockReads(await readFile(join(ROOT, file), 'utf8')))
        offenders.push(`${file}: ${line}`);
    }

    expect(files).toContain(CLOCK_MODULE);
    expect(offenders).toEqual([]);
  });
});
