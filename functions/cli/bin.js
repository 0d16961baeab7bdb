#!/usr/bin/env node
// Runs the TypeScript CLI in place through tsx, so `npx ecr-role-reconciler` works from a checkout after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
