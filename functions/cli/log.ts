import type { Clock } from '../clock.js';
import type { ReconcileLog } from '../reconcile/reconcile.js';
import type { Output } from './output.js';

/** Structured log lines on stderr, one JSON object each, so that stdout stays machine-readable. */
export function stderrLog(output: Output, clock: Clock): ReconcileLog {
  const line = (level: string) => (message: string, extra: Record<string, unknown>) =>
    output.err(JSON.stringify({ level, message, timestamp: clock.now().toISOString(), ...extra }));
  return { info: line('INFO'), warn: line('WARN'), error: line('ERROR') };
}
