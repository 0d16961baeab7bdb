// `npm run build`, after `tsc`: the CLI bundle, `dist/cli/` (see buildCliBundle), what the package's `bin` runs.
import { buildCliBundle } from '../infra/bundling.js';

await buildCliBundle();
console.log('CLI bundle: dist/cli/ecr-role-reconciler.mjs');
