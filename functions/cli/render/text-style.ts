import type { Severity } from '../../core/types.js';

/** How text is decorated: plain for files and pipes, ANSI for a terminal that wants colour. */
export interface TextStyle {
  bold(text: string): string;
  dim(text: string): string;
  severity(severity: Severity, text: string): string;
}

export const PLAIN_STYLE: TextStyle = {
  bold: (text) => text,
  dim: (text) => text,
  severity: (_severity, text) => text,
};

const SGR = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const SEVERITY_SGR: Readonly<Record<Severity, (text: string) => string>> = {
  high: SGR('1;31'),
  medium: SGR('1;33'),
  low: SGR('1;36'),
  warning: SGR('1;35'),
};

/** ANSI SGR: bold, dim, and a colour per severity. Only for a terminal, and never under `NO_COLOR`. */
export const ANSI_STYLE: TextStyle = {
  bold: SGR('1'),
  dim: SGR('2'),
  severity: (severity, text) => SEVERITY_SGR[severity](text),
};
