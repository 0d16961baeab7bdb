/** Starts the bench's local account in a worker thread (see local-account-worker.ts) and talks to it. */
import { Worker } from 'node:worker_threads';
import type { WorkerData, WorkerRequest } from './local-account-worker.js';

export interface AccountThread {
  readonly url: string;
  /** Sends the thread one request and waits for its answer. */
  ask<T = number>(op: WorkerRequest['op']): Promise<T>;
}

/** Starts the local account in a worker thread, set up as `data` says; resolves once it serves. */
export async function startAccountThread(data: WorkerData): Promise<AccountThread> {
  // The worker loads the TypeScript module through tsx, as this process does.
  const script = new URL('./local-account-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ tsImport }) => tsImport(${JSON.stringify(script)}, ${JSON.stringify(script)}));`,
    { eval: true, workerData: data },
  );
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { url: string }) => resolve(message.url));
  });
  let next = 0;
  const ask = <T>(op: WorkerRequest['op']) =>
    new Promise<T>((resolve) => {
      const id = ++next;
      const onMessage = (message: { id: number; value: T }) => {
        if (message.id !== id) return;
        worker.off('message', onMessage);
        resolve(message.value);
      };
      worker.on('message', onMessage);
      worker.postMessage({ id, op } satisfies WorkerRequest);
    });
  return { url, ask };
}
