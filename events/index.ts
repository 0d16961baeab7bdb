import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The sample events of this folder, for the demo and the tests: where they are, and each read afresh.

/**
 * The folder of the samples: `events/` at the package root, the first folder above this module holding a
 * `package.json` — whether this module runs from the checkout (`events/index.ts`), compiled (`dist/events/index.js`)
 * or bundled into the CLI (`dist/cli/…`). The samples ship as they are, beside the README.
 */
export const EVENTS_DIR: string = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'events');

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const texts = new Map<string, string>();

/** Reads a sample from this folder. Each call returns a fresh object, so callers may mutate it. */
export function loadEventSample(file: string): unknown {
  if (!/^[\w.-]+\.json$/.test(file) || file.startsWith('.')) {
    throw new Error(`not a sample file name: ${JSON.stringify(file)}`);
  }
  let text = texts.get(file);
  if (text === undefined) {
    text = readFileSync(join(EVENTS_DIR, file), 'utf8');
    texts.set(file, text);
  }
  return JSON.parse(text);
}
