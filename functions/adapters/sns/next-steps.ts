import { cut } from '../../core/text.js';
import { escapeMrkdwn } from '../notification-text.js';

const NEXT_STEP_MAX_CHARS = 2000;
const MAX_NEXT_STEPS = 10;

/**
 * A remediation as the chat notification's `nextSteps`: one step a sentence, at most {@link MAX_NEXT_STEPS} (the
 * last one holds the rest), each escaped and cut to {@link NEXT_STEP_MAX_CHARS}.
 */
export function nextSteps(remediation: string): string[] {
  const steps = remediationSteps(remediation);
  const kept = steps.slice(0, MAX_NEXT_STEPS - 1);
  const rest = steps.slice(MAX_NEXT_STEPS - 1);
  if (rest.length > 0) kept.push(rest.join(' '));
  return kept.map((step) => escapeMrkdwn(cut(step, NEXT_STEP_MAX_CHARS)));
}

/**
 * Splits a remediation into its sentences, never inside a `code span`, so that each shell command stays whole.
 * @example
 * remediationSteps('Remove it. Then run `aws iam delete-role --role-name x.y`.');
 * // → ['Remove it.', 'Then run `aws iam delete-role --role-name x.y`.']
 */
export function remediationSteps(remediation: string): string[] {
  const steps: string[] = [];
  let inCode = false;
  let start = 0;
  for (let i = 0; i < remediation.length; i++) {
    const char = remediation[i];
    if (char === '`') inCode = !inCode;
    else if (
      !inCode &&
      char === '.' &&
      remediation[i + 1] === ' ' &&
      /[A-Z]/.test(remediation[i + 2] ?? '')
    ) {
      steps.push(remediation.slice(start, i + 1));
      start = i + 2;
    }
  }
  steps.push(remediation.slice(start));
  return steps.map((step) => step.trim()).filter((step) => step.length > 0);
}
