import type * as z from 'zod/mini';
import { EVENT_LIMITS } from '../../core/event-bounds.js';
import { ECR_EVENT_SOURCE, IAM_EVENT_SOURCE, REPLICATION_EVENT_NAME } from '../../core/watched-events.js';

const L = EVENT_LIMITS;
/** IAM names (role names, service principals): `[\w+=,.@-]+`. */
const IAM_NAME = /^[\w+=,.@-]+$/;

type CallContext = z.core.$RefinementCtx<Record<string, unknown>>;

/**
 * What a successful call must name within AWS's own bounds: the role names and service principal of an IAM call, the
 * deletion task of DeleteServiceLinkedRole, the rules of PutReplicationConfiguration. A failed call is not checked:
 * the service refused what it was given, and it may be anything (it is only quoted, clipped).
 */
export function checkSuccessfulCall(record: Record<string, unknown>, ctx: CallContext): void {
  if (record.errorCode) return;
  const { eventSource, eventName, requestParameters, responseElements } = record;
  if (eventSource === IAM_EVENT_SOURCE) {
    for (const [key, value] of entriesOf(requestParameters)) {
      const name = key.toLowerCase();
      if (name === 'rolename' && !isIamName(value, L.roleName))
        issue(ctx, ['requestParameters', key], `expected an IAM role name: ${iamNameRule(L.roleName)}`);
      if (name === 'awsservicename' && !isIamName(value, L.serviceName))
        issue(ctx, ['requestParameters', key], `expected a service principal: ${iamNameRule(L.serviceName)}`);
    }
    const task = isRecord(responseElements) ? responseElements.deletionTaskId : undefined;
    if (eventName === 'DeleteServiceLinkedRole' && typeof task === 'string' && task.length > L.deletionTaskId)
      issue(
        ctx,
        ['responseElements', 'deletionTaskId'],
        `expected a deletion task id of at most ${L.deletionTaskId} characters`,
      );
  }
  if (eventSource === ECR_EVENT_SOURCE && eventName === REPLICATION_EVENT_NAME) {
    checkRules(ctx, requestParameters, 'requestParameters');
    checkRules(ctx, responseElements, 'responseElements');
  }
}

function checkRules(ctx: CallContext, holder: unknown, at: string): void {
  const configuration = isRecord(holder) ? holder.replicationConfiguration : undefined;
  const rules = isRecord(configuration) ? configuration.rules : undefined;
  if (!Array.isArray(rules)) return;
  const path = [at, 'replicationConfiguration', 'rules'];
  if (rules.length > L.replicationRules)
    issue(ctx, path, `expected at most ${L.replicationRules} replication rules`);
  for (const [index, rule] of rules.slice(0, L.replicationRules).entries()) {
    if (!isRecord(rule)) continue;
    const { destinations, repositoryFilters } = rule;
    if (Array.isArray(destinations) && destinations.length > L.ruleDestinations)
      issue(
        ctx,
        [...path, index, 'destinations'],
        `expected at most ${L.ruleDestinations} destinations a rule`,
      );
    if (Array.isArray(repositoryFilters) && repositoryFilters.length > L.ruleFilters)
      issue(
        ctx,
        [...path, index, 'repositoryFilters'],
        `expected at most ${L.ruleFilters} repository filters a rule`,
      );
  }
}

function issue(ctx: CallContext, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', message, path, input: undefined });
}

/** Names that are not strings are left alone: classification ignores them. */
function isIamName(value: unknown, max: number): boolean {
  return typeof value !== 'string' || (value.length <= max && IAM_NAME.test(value));
}

function iamNameRule(max: number): string {
  return `1 to ${max} characters of A-Z, a-z, 0-9, "_", "+", "=", ",", ".", "@" or "-"`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function entriesOf(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}
