import { describe, expect, it } from 'vitest';
import { remediationSteps } from '../../../functions/adapters/sns/next-steps.js';

describe('remediationSteps', () => {
  it('splits sentences but never inside a code span', () => {
    expect(
      remediationSteps('Replication is removed. If none is planned, run `aws x. Then y` now. Then check.'),
    ).toEqual(['Replication is removed.', 'If none is planned, run `aws x. Then y` now.', 'Then check.']);
  });
});
