/**
 * The local account in its own thread, so that its work (parsing, answering) is not charged to the scan being
 * measured: a real AWS endpoint does not share the scanner's event loop either.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startLocalAccount } from '../../functions/local-account/index.js';

export interface WorkerRequest {
  readonly id: number;
  readonly op: 'calls' | 'resetCalls' | 'close';
}

const { regions, latencyMs, replicateFrom } = workerData as {
  regions: string[];
  latencyMs: number;
  replicateFrom: string;
};
const account = await startLocalAccount({ regions, latencyMs });
account.putReplication(replicateFrom, [
  { destinations: [{ region: 'eu-west-1', registryId: account.accountId }] },
]);
parentPort?.postMessage({ ready: true, url: account.url });

parentPort?.on('message', async ({ id, op }: WorkerRequest) => {
  if (op === 'calls') parentPort?.postMessage({ id, value: account.calls.length });
  if (op === 'resetCalls') {
    account.resetCalls();
    parentPort?.postMessage({ id, value: 0 });
  }
  if (op === 'close') {
    await account.close();
    parentPort?.postMessage({ id, value: undefined });
    parentPort?.close();
  }
});
