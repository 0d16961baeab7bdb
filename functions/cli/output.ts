/** Where a command writes: injected so that tests and the demo can capture it. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress is shown only there). */
  readonly interactive: boolean;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

/** A one-line progress indicator on a terminal; silent elsewhere so that pipelines get clean output. */
export function progress(
  output: Output,
  label: string,
): { update(done: number, total: number): void; end(): void } {
  if (!output.interactive) return { update: () => {}, end: () => {} };
  return {
    update: (done, total) => process.stderr.write(`\r${label} ${done}/${total}`),
    end: () => process.stderr.write('\r\u001b[2K'),
  };
}
