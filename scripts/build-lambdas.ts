// `npm run build`, after `tsc`: the Lambda bundles, `dist/lambda/<name>/` (see buildLambdaBundles).
import { buildLambdaBundles } from '../infra/bundling.js';

const bundles = await buildLambdaBundles();
console.log(
  `Lambda bundles: ${bundles.map(({ name, bytes }) => `dist/lambda/${name} ${Math.round(bytes / 1024)} KB`).join(', ')}`,
);
