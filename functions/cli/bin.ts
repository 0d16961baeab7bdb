#!/usr/bin/env node
// The installed command. `--version` answers first, from package.json alone: loading the CLI would cost it more
// than a Node start.
if (process.argv[2] === '--version') {
  const { packageVersion } = await import('./version.js');
  process.stdout.write(`ecr-role-reconciler ${packageVersion()}\n`);
} else {
  const [{ main }, { runAsProcess }] = await Promise.all([import('./main.js'), import('./run-process.js')]);
  await runAsProcess(main);
}
