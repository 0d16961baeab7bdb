import type { Notification } from '../../core/alert-types.js';
import { accountLabel, departureReason, TRANSITION_WORD } from '../notification-text.js';

const SUBJECT_MAX_CHARS = 100;

/**
 * A subject for email subscribers of the topic: printable ASCII only, under 100 characters (SNS rejects anything
 * else). Example: `[HIGH] ROLE_MISSING opened in 123456789012`, or with the account's name
 * `[HIGH] ROLE_MISSING opened in prod-eu (111122223333)`.
 */
export function chatSubject(notification: Notification): string {
  const { finding, transition, departure } = notification;
  const account = accountLabel(notification);
  const subject = departure
    ? `[CLOSED] ${finding.code} in ${account}: ${departureReason(departure)}`
    : transition === 'resolved'
      ? `[RESOLVED] ${finding.code} in ${account}`
      : `[${finding.severity.toUpperCase()}] ${finding.code} ${TRANSITION_WORD[transition]} in ${account}`;
  return subject
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, SUBJECT_MAX_CHARS - 1)
    .trim();
}
