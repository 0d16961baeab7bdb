/**
 * The partition knowledge lives in the core (`functions/core/partition.ts`): it is pure, and the reconcile and the
 * CDK app use it as well as the adapters. Re-exported here for the modules that still import it from this path.
 *
 * @deprecated import from `functions/core/partition.js`
 */
export { IAM_REGION_BY_PARTITION, iamRegionFor, partitionOfRegion } from '../core/partition.js';
