import { readFileSync } from 'node:fs';

/**
 * This package's version, read from the nearest `package.json` above this module that has one: the package root,
 * whether the code runs from the source tree (through tsx) or compiled under `dist/`, in a checkout or installed.
 * Imports nothing else, so that `--version` costs no more than a Node start.
 *
 * @example
 * packageVersion(); // → '0.1.0'
 */
export function packageVersion(): string {
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    const version = versionIn(new URL('package.json', dir));
    if (version !== undefined) return version;
    if (new URL('..', dir).href === dir.href) throw new Error(`no package.json above ${import.meta.url}`);
  }
}

function versionIn(file: URL): string | undefined {
  try {
    const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
