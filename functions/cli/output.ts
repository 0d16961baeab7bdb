/** Where a command writes: injected so that tests and the demo can capture it. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is a terminal (progress is shown only there). */
  readonly interactive: boolean;
  /** Whether stdout is a terminal: colour and the terminal's width apply only there. @default false */
  readonly stdoutIsTerminal?: boolean | undefined;
  /** The terminal's width in columns, when stdout is a terminal. */
  readonly columns?: number | undefined;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  interactive: Boolean(process.stderr.isTTY),
  stdoutIsTerminal: Boolean(process.stdout.isTTY),
  get columns() {
    return process.stdout.columns;
  },
};

/**
 * The width text is wrapped to when stdout is not a terminal (a file, a pipe, a CI log), and the renderers' (`render/`)
 * when given none.
 */
export const DEFAULT_WIDTH = 100;

/** The width to wrap text to: the terminal's, else {@link DEFAULT_WIDTH}. */
export function widthOf(output: Output): number {
  const columns = output.stdoutIsTerminal ? output.columns : undefined;
  return columns !== undefined && columns >= 20 ? columns : DEFAULT_WIDTH;
}

/**
 * Whether to colour stdout: only on a terminal, and never when `NO_COLOR` is set to anything but an empty string
 * (https://no-color.org) or `--no-color` is given.
 */
export function colorWanted(
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  noColorFlag: boolean | undefined,
): boolean {
  return Boolean(output.stdoutIsTerminal) && !noColorFlag && !env.NO_COLOR;
}

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
