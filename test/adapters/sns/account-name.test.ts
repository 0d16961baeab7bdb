import { describe, expect, it } from 'vitest';
import { renderChatMessage } from '../../../functions/adapters/sns/chat-message.js';
import { chatMessageAttributes } from '../../../functions/adapters/sns/message-attributes.js';
import { chatSubject } from '../../../functions/adapters/sns/subject.js';
import type { TransitionKind } from '../../../functions/core/alert-types.js';
import { notification } from '../../support/notifications.js';
import { ACCOUNT } from '../../support/reads.js';

/*
 * Organization mode names the account in the chat notification, the email subject and the message attributes:
 * `<name> (<id>)` for people, the id alone where programs key on it (thread, id, keywords); with no name known,
 * everything is exactly the single-account message.
 */

const departed = { kind: 'account-departed', state: 'SUSPENDED' } as const;

describe('the SNS message: the account’s name', () => {
  it('shows `<name> (<id>)` to people, and keeps the id where programs key on it', () => {
    // Act
    const message = renderChatMessage(notification({ accountName: 'payments' }));

    // Assess
    expect(message.content.title).toBe(`🔴 ROLE_MISSING opened · payments (${ACCOUNT})`);
    expect(message.content.description).toContain(`*Account:* payments (${ACCOUNT})`);
    expect(message.metadata.summary).toMatch(
      new RegExp(`^ROLE_MISSING opened in payments \\(${ACCOUNT}\\): `),
    );
    expect(message.metadata.threadId).toBe(`${ACCOUNT}:ROLE_MISSING`);
    expect(message.metadata.additionalContext).toMatchObject({ account: ACCOUNT, accountName: 'payments' });
    expect(message.content.keywords).toContain(ACCOUNT);
  });

  it('names the account in the subject and the message attributes', () => {
    const named = notification({ accountName: 'payments' });

    expect(chatSubject(named)).toBe(`[HIGH] ROLE_MISSING opened in payments (${ACCOUNT})`);
    expect(chatMessageAttributes(named).accountName).toEqual({ DataType: 'String', StringValue: 'payments' });
    expect(chatSubject({ ...named, transition: 'resolved' })).toBe(
      `[RESOLVED] ROLE_MISSING in payments (${ACCOUNT})`,
    );
  });

  it.each<TransitionKind>(['opened', 'changed', 'reminder', 'resolved'])(
    'is the single-account message, to the byte, when no name is known (%s)',
    (transition) => {
      const plain = notification({ transition });
      const unnamed = notification({ transition, accountName: null });

      expect(JSON.stringify(renderChatMessage(unnamed))).toBe(JSON.stringify(renderChatMessage(plain)));
      expect(chatSubject(unnamed)).toBe(chatSubject(plain));
      expect(chatMessageAttributes(unnamed)).toEqual(chatMessageAttributes(plain));
      expect(Object.keys(chatMessageAttributes(plain))).not.toContain('accountName');
      expect(Object.keys(renderChatMessage(plain).metadata.additionalContext)).not.toContain('accountName');
    },
  );
});

describe('the SNS message: an account no longer watched', () => {
  it('says the alert closes because the account is suspended, not that it was fixed', () => {
    // Act
    const named = notification({ transition: 'resolved', accountName: 'payments', departure: departed });
    const message = renderChatMessage(named);

    // Assess
    expect(message.content.title).toBe(`⚪ ROLE_MISSING no longer watched · payments (${ACCOUNT})`);
    expect(message.content.description).toMatch(
      new RegExp(
        `^\\*No longer watched:\\* account SUSPENDED \\(seen .+\\): ROLE_MISSING in account payments \\(${ACCOUNT}\\) is closed without being fixed\\.`,
      ),
    );
    expect(message.metadata.summary).toBe(
      `No longer watched: ROLE_MISSING in payments (${ACCOUNT}) (account SUSPENDED)`,
    );
    expect(message.metadata.additionalContext).toMatchObject({
      transition: 'resolved',
      resolution: 'account-departed',
      accountState: 'SUSPENDED',
    });
    expect(message.content.nextSteps).toBeUndefined();
    expect(JSON.stringify(message.content)).not.toMatch(/Resolved|✅/);
    expect(chatSubject(named)).toBe(`[CLOSED] ROLE_MISSING in payments (${ACCOUNT}): account SUSPENDED`);
  });

  it('says the account left the organization when it is no longer listed', () => {
    const gone = notification({
      transition: 'resolved',
      departure: { kind: 'account-departed', state: null },
    });

    expect(renderChatMessage(gone).metadata.additionalContext.accountState).toBe('LEFT_ORGANIZATION');
    expect(chatSubject(gone)).toBe(`[CLOSED] ROLE_MISSING in ${ACCOUNT}: account left the organization`);
  });
});
