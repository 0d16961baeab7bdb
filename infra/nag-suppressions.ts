import { Buffer } from 'node:buffer';
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * An acknowledged cdk-nag finding: the rule, why it does not apply here, and optionally which of the rule's
 * findings it covers (e.g. `Resource::*`, `Action::kms:GenerateDataKey*`).
 */
export interface NagSuppression {
  /** The rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding is accepted (cdk-nag wants at least 10 characters). */
  readonly reason: string;
  /** The findings of a granular rule this covers; all of them when absent. */
  readonly appliesTo?: readonly (string | { readonly regex: string })[];
}

/** The metadata key cdk-nag reads on each `CfnResource`. */
const NAG_METADATA_KEY = 'cdk_nag';

/** One suppression as cdk-nag stores it in CloudFormation metadata. */
interface CfnNagSuppression {
  readonly reason: string;
  readonly id: string;
  readonly applies_to?: readonly (string | { readonly regex: string })[];
  readonly is_reason_encoded?: true;
}

/**
 * Acknowledges cdk-nag findings on a resource, without depending on cdk-nag: writes exactly the metadata
 * `NagSuppressions.addResourceSuppressions` writes (`cdk_nag: { rules_to_suppress: [{ reason, id, applies_to? }] }`
 * on the construct's `CfnResource`, or on every `CfnResource` under it with `applyToChildren`), so that an app that
 * runs cdk-nag — ours, or a user's — reads the same acknowledgements. Repeated suppressions are written once.
 *
 * @see https://github.com/cdklabs/cdk-nag#suppressing-a-rule
 * @example
 * addNagSuppressions(queue, [{ id: 'AwsSolutions-SQS3', reason: 'This queue is itself a dead-letter queue.' }]);
 */
export function addNagSuppressions(
  construct: IConstruct | readonly IConstruct[],
  suppressions: readonly NagSuppression[],
  applyToChildren = false,
): void {
  const constructs: readonly IConstruct[] = Array.isArray(construct) ? construct : [construct as IConstruct];
  if (constructs.length === 0) throw new Error('addNagSuppressions: no construct given.');
  for (const target of constructs) {
    for (const suppression of suppressions) {
      if (suppression.reason.length < 10) {
        throw new Error(
          `${target.node.id}: the suppression of ${suppression.id} needs a reason of 10 characters or more.`,
        );
      }
    }
    for (const child of applyToChildren ? target.node.findAll() : [target]) {
      const resource = child.node.defaultChild ?? child;
      if (!CfnResource.isCfnResource(resource)) continue;
      const existing =
        (resource.getMetadata(NAG_METADATA_KEY) as { rules_to_suppress?: unknown[] } | undefined)
          ?.rules_to_suppress ?? [];
      const serialized = new Set([
        ...existing.map((rule) => JSON.stringify(rule)),
        ...suppressions.map((suppression) => JSON.stringify(toCfnFormat(suppression))),
      ]);
      resource.addMetadata(NAG_METADATA_KEY, {
        rules_to_suppress: [...serialized].map((rule) => JSON.parse(rule) as unknown),
      });
    }
  }
}

/** As cdk-nag writes it: a reason with a character beyond Latin-1 is stored base64-encoded, and flagged. */
function toCfnFormat({ id, reason, appliesTo }: NagSuppression): CfnNagSuppression {
  const rule = { id, ...(appliesTo ? { applies_to: appliesTo } : {}) };
  return [...reason].some((character) => (character.codePointAt(0) ?? 0) > 255)
    ? { reason: Buffer.from(reason).toString('base64'), ...rule, is_reason_encoded: true }
    : { reason, ...rule };
}
