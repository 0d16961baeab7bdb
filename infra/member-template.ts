import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { globalEventsRegion } from './event-patterns.js';
import { MemberStack } from './member-stack.js';

/**
 * CloudFormation takes a StackSet's template inline up to 51,200 bytes (`TemplateBody`); beyond, it must be in S3.
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStackSet.html
 */
export const TEMPLATE_BODY_MAX_BYTES = 51_200;

/**
 * The Regions a member account gets a stack in: the Regions whose ECR changes it forwards, and the global-events
 * Region of the hub's partition (IAM and Region opt-in events, the read role), once each.
 *
 * @example
 * memberStackRegions(['eu-west-1'], 'us-east-1'); // → ['eu-west-1', 'us-east-1']
 */
export function memberStackRegions(ecrRegions: readonly string[], hubRegion: string): string[] {
  return [...new Set([...ecrRegions, globalEventsRegion(hubRegion)])];
}

/**
 * The member template ({@link MemberStack}, without parameter defaults) as compact JSON, for a StackSet's
 * `TemplateBody`. It is synthesized in an app of its own, in a temporary folder removed afterwards, so that it never
 * joins the deploying app's assembly; path and version metadata are left out so that the body is the same whoever
 * synthesizes it (`cdk synth` or a test).
 *
 * @throws when the body exceeds {@link TEMPLATE_BODY_MAX_BYTES}
 */
export function memberTemplateBody(hubRegion: string, ecrRegions: readonly string[]): string {
  const outdir = mkdtempSync(join(tmpdir(), 'ecr-reconciler-member-'));
  try {
    const app = new App({
      outdir,
      analyticsReporting: false,
      treeMetadata: false,
      // After the context the CDK CLI passes (CDK_CONTEXT_JSON), which turns path metadata on.
      postCliContext: { 'aws:cdk:enable-path-metadata': false, 'aws:cdk:enable-asset-metadata': false },
    });
    const stack = new MemberStack(app, 'Member', {
      hubRegion,
      ecrRegions,
      description:
        'ECR replication role reconciler: member account (forwards events to the hub, read-only role)',
    });
    const body = JSON.stringify(app.synth().getStackArtifact(stack.artifactId).template);
    const bytes = Buffer.byteLength(body);
    if (bytes > TEMPLATE_BODY_MAX_BYTES) {
      throw new Error(
        `The member template is ${bytes} bytes, over the StackSet TemplateBody's ${TEMPLATE_BODY_MAX_BYTES}.`,
      );
    }
    return body;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
