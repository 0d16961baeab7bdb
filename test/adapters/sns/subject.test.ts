import { describe, expect, it } from 'vitest';
import { chatSubject } from '../../../functions/adapters/sns/subject.js';
import { notification } from '../../support/notifications.js';

describe('chatSubject', () => {
  it.each([
    ['opened', '[HIGH] ROLE_MISSING opened in 123456789012'],
    ['reminder', '[HIGH] ROLE_MISSING still open in 123456789012'],
    ['resolved', '[RESOLVED] ROLE_MISSING in 123456789012'],
  ] as const)('renders a plain subject for a %s alert', (transition, expected) => {
    expect(chatSubject(notification({ transition }))).toBe(expected);
  });

  it('keeps the subject printable ASCII and under 100 characters', () => {
    // Act
    const subject = chatSubject(notification({ account: `é${'9'.repeat(200)}` }));

    // Assess
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });
});
