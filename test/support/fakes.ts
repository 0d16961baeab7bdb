import type { Notification } from '../../functions/core/alert-types.js';
import type { AccountReader, Notifier, RegionOptIn } from '../../functions/core/ports.js';
import type { DeletionTask, RegistryRead, RoleRead } from '../../functions/core/types.js';
import type { ReconcileLog } from '../../functions/reconcile/reconcile.js';
import { ACCOUNT } from './reads.js';

/** An account whose state the test sets; it answers the port as the SDK adapters would. */
export class FakeAccount implements AccountReader {
  registries = new Map<string, RegistryRead>();
  role: RoleRead = { outcome: 'absent' };
  deletion: DeletionTask | undefined;
  reads = 0;
  /** What `regionOptIn` answers: the account's Regions and their opt-in status, or the error it throws. */
  optIn: ReadonlyMap<string, RegionOptIn> | Error = new Map();
  optInReads = 0;

  set(...reads: RegistryRead[]): this {
    this.registries = new Map(reads.map((read) => [read.region, read]));
    return this;
  }
  async identity() {
    return { account: ACCOUNT, partition: 'aws' };
  }
  async listRegions() {
    return [...this.registries.keys()];
  }
  async regionOptIn(): Promise<ReadonlyMap<string, RegionOptIn>> {
    this.optInReads++;
    if (this.optIn instanceof Error) throw this.optIn;
    return this.optIn;
  }
  async readRegistry(region: string): Promise<RegistryRead> {
    this.reads++;
    const read = this.registries.get(region);
    if (!read) throw new Error(`no Region ${region} in the fake account`);
    return read;
  }
  async readRole() {
    return this.role;
  }
  async readDeletionTask(taskId: string): Promise<DeletionTask> {
    return (
      this.deletion ?? {
        taskId,
        status: 'UNKNOWN',
        reason: undefined,
        usage: [],
        error: { code: 'NoSuchEntity', message: 'no task' },
      }
    );
  }
}

/** A channel that records what it was asked to send, and fails when told to. */
export class RecordingNotifier implements Notifier {
  readonly sent: Notification[] = [];
  failWith: Error | undefined;
  constructor(readonly channel: string) {}
  async send(notification: Notification): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(notification);
  }
}

export function silentLog(): ReconcileLog & { lines: { level: string; message: string; extra: unknown }[] } {
  const lines: { level: string; message: string; extra: unknown }[] = [];
  const at = (level: string) => (message: string, extra: Record<string, unknown>) =>
    void lines.push({ level, message, extra });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}
