import { describe, expect, it } from 'vitest';
import {
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackMessage,
} from '../../../functions/adapters/slack/message.js';
import type { TransitionKind } from '../../../functions/core/alert-types.js';
import { notification } from '../../support/notifications.js';
import { ACCOUNT } from '../../support/reads.js';

/*
 * Organization mode names the account in Slack: `<name> (<id>)` wherever the id alone is shown for a single
 * account; with no name known, the message is exactly the single-account one. An account that left the watch has
 * its alerts closed, saying so, never as fixed.
 */

const header = (message: SlackMessage) => {
  const [first] = message.blocks;
  return first?.type === 'header' ? first.text.text : undefined;
};
const fields = (message: SlackMessage) =>
  message.blocks.flatMap((block) => (block.type === 'section' && 'fields' in block ? block.fields : []));
const sections = (message: SlackMessage) =>
  message.blocks.flatMap((block) => (block.type === 'section' && 'text' in block ? [block.text.text] : []));

describe('renderSlackMessage: the account’s name', () => {
  it('shows `<name> (<id>)` in the header, the Account field and the fallback text', () => {
    // Act
    const message = renderSlackMessage(notification({ accountName: 'payments' }));

    // Assess
    expect(header(message)).toBe(`🔴 ROLE_MISSING opened · payments (${ACCOUNT})`);
    expect(fields(message)[0]?.text).toBe(`*Account*\npayments (${ACCOUNT})`);
    expect(message.text).toMatch(new RegExp(`^🔴 ROLE_MISSING opened in payments \\(${ACCOUNT}\\): `));
  });

  it('names the account in a resolution too', () => {
    const message = renderSlackMessage(notification({ transition: 'resolved', accountName: 'payments' }));

    expect(header(message)).toBe(`✅ Resolved: ROLE_MISSING in payments (${ACCOUNT})`);
    expect(message.text).toBe(`✅ Resolved: ROLE_MISSING in payments (${ACCOUNT})`);
  });

  it.each<TransitionKind>(['opened', 'changed', 'reminder', 'resolved'])(
    'gives the single-account message, to the byte, when no name is known (%s)',
    (transition) => {
      const plain = renderSlackMessage(notification({ transition }));

      expect(renderSlackMessage(notification({ transition, accountName: null }))).toEqual(plain);
      expect(JSON.stringify(plain)).not.toContain(`(${ACCOUNT})`);
    },
  );

  it('escapes a name that Slack would read as markup', () => {
    const message = renderSlackMessage(notification({ accountName: 'a<b>&c' }));

    expect(fields(message)[0]?.text).toBe(`*Account*\na&lt;b&gt;&amp;c (${ACCOUNT})`);
    expect(message.text).toContain(`a&lt;b&gt;&amp;c (${ACCOUNT})`);
  });
});

describe('renderSlackMessage: an account no longer watched', () => {
  it('says the account is suspended and the alert closed without being fixed, never “resolved”', () => {
    // Act
    const message = renderSlackMessage(
      notification({
        transition: 'resolved',
        accountName: 'payments',
        departure: { kind: 'account-departed', state: 'SUSPENDED' },
      }),
    );

    // Assess
    expect(header(message)).toBe(`⚪ No longer watched: ROLE_MISSING in payments (${ACCOUNT})`);
    expect(sections(message)[0]).toMatch(
      /^\*No longer watched:\* account SUSPENDED \(seen .+\), so this alert is closed without being fixed\. ROLE_MISSING was open: /,
    );
    expect(message.text).toBe(
      `⚪ No longer watched: ROLE_MISSING in payments (${ACCOUNT}): account SUSPENDED`,
    );
    expect(JSON.stringify(message)).not.toMatch(/Resolved|✅/);
    expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
  });

  it('says the account left the organization when it is no longer listed', () => {
    const message = renderSlackMessage(
      notification({ transition: 'resolved', departure: { kind: 'account-departed', state: null } }),
    );

    expect(message.text).toBe(
      `⚪ No longer watched: ROLE_MISSING in ${ACCOUNT}: account left the organization`,
    );
  });
});
