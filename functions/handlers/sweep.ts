import type { Context } from 'aws-lambda';
import type { SweepOutcome } from '../app/sweep/sweep.js';
import { sweepParts } from '../app/sweep/sweep-parts.js';

/**
 * The schedule → the organization sweep: one message per ACTIVE account to the account queue (the recheck function
 * reconciles each), one per departed account with open alerts. Throws when the accounts cannot be listed or the
 * messages sent, so that Lambda retries it and the failure is alarmed; it never reads an account itself.
 */
export async function handler(_event: unknown, context?: Context): Promise<SweepOutcome> {
  // The function's entry: the one place it reads its environment, handed to the parts built once per container.
  const { sweep, metrics, logger } = sweepParts(process.env);
  logger.addContext(context ?? ({} as Context));
  try {
    return await sweep();
  } catch (error) {
    logger.error('sweep failed', { error: error as Error });
    throw error;
  } finally {
    metrics.publishStoredMetrics();
  }
}
