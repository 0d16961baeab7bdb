/**
 * The local account in its own thread, so that its work (parsing, answering) is not charged to the scan being
 * measured: a real AWS endpoint does not share the scanner's event loop either.
 *
 * Either one account (`regions`, replicating from `replicateFrom`), or, with `members`, the caller's account managing
 * an organization of that many member accounts in the default Regions (see {@link setUpMembers}).
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  DEFAULT_ENABLED_REGIONS,
  type LocalAccount,
  startLocalAccount,
} from '../../functions/local-account/index.js';

export interface WorkerRequest {
  readonly id: number;
  readonly op: 'calls' | 'callsByOperation' | 'resetCalls' | 'close';
}

export interface WorkerData {
  readonly latencyMs: number;
  /** One account in these Regions, replicating from `replicateFrom`. */
  readonly regions?: string[] | undefined;
  readonly replicateFrom?: string | undefined;
  /** An organization: the caller's account and this many members, each with the read role. */
  readonly members?: number | undefined;
}

/** The first member account's id; the others follow it. */
const FIRST_MEMBER = 200_000_000_000;

/** How many members in every ten have lost the replication role while still replicating (`ROLE_MISSING`). */
const DRIFTED_IN_TEN = 1;

/**
 * `count` member accounts, each with the read role and one Region replicating to another (the Regions taking turns,
 * so that every Region of some account replicates): the role exists in nine in ten, and is missing in the tenth, so
 * that the report carries findings as a real organization's would.
 */
function setUpMembers(account: LocalAccount, count: number): void {
  account.putReplication('us-east-1', [
    { destinations: [{ region: 'eu-west-1', registryId: account.accountId }] },
  ]);
  const regions = DEFAULT_ENABLED_REGIONS;
  for (let i = 0; i < count; i++) {
    const id = String(FIRST_MEMBER + i);
    const member = account.addAccount({ id, name: `member-${i + 1}` });
    member.createReadRole();
    const from = regions[i % regions.length] as string;
    const to = regions[(i + 1) % regions.length] as string;
    // ECR creates the service-linked role when replication is first configured, as AWS does.
    member.putReplication(from, [{ destinations: [{ region: to, registryId: id }] }]);
    if (i % 10 < DRIFTED_IN_TEN) member.deleteRoleOutOfBand('AWSServiceRoleForECRReplication');
  }
}

const data = workerData as WorkerData;
const account = await startLocalAccount({ regions: data.regions, latencyMs: data.latencyMs });
if (data.members !== undefined) setUpMembers(account, data.members);
else if (data.replicateFrom !== undefined) {
  account.putReplication(data.replicateFrom, [
    { destinations: [{ region: 'eu-west-1', registryId: account.accountId }] },
  ]);
}
parentPort?.postMessage({ ready: true, url: account.url });

parentPort?.on('message', async ({ id, op }: WorkerRequest) => {
  if (op === 'calls') parentPort?.postMessage({ id, value: account.calls.length });
  if (op === 'callsByOperation') {
    const counts: Record<string, number> = {};
    for (const call of account.calls) {
      const key = `${call.service}:${call.operation}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    parentPort?.postMessage({ id, value: counts });
  }
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
