#!/usr/bin/env node
// The installed command. `--version` answers first, from package.json alone: loading the CLI would cost it more
// than a Node start.
if (process.argv[2] === '--version') {
  const { packageVersion } = await import('./version.js');
  process.stdout.write(`ecr-role-reconciler ${packageVersion()}\n`);
} else {
  const { runAsProcess } = await import('./main.js');
  await runAsProcess();
}
