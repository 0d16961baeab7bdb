import { describe, expect, it } from 'vitest';
import { chatMessageAttributes } from '../../../functions/adapters/sns/message-attributes.js';
import { notification } from '../../support/notifications.js';
import { ACCOUNT } from '../../support/reads.js';

describe('chatMessageAttributes', () => {
  it('gives severity, code, account and transition as String attributes for filter policies', () => {
    // Act
    const attributes = chatMessageAttributes(notification({ transition: 'changed' }));

    // Assess
    expect(attributes).toEqual({
      severity: { DataType: 'String', StringValue: 'high' },
      code: { DataType: 'String', StringValue: 'ROLE_MISSING' },
      account: { DataType: 'String', StringValue: ACCOUNT },
      transition: { DataType: 'String', StringValue: 'changed' },
    });
  });
});
