import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TriggerKind } from '../functions/core/classify.js';

/** One sample event in this folder and what the reconciler is expected to make of it. */
export interface EventSample {
  /** File name in this folder. */
  readonly file: string;
  /** The case the sample stands for. */
  readonly description: string;
  /** `classify` says the event should make the reconciler look again. */
  readonly relevant: boolean;
  /** The trigger kind, for relevant samples. */
  readonly kind?: TriggerKind;
  /** `parseTrigger` rejects it (`ok: false`). */
  readonly malformed?: true;
  /** A failed call on the replication role: not relevant, but `classify` reports the attempt. */
  readonly attempt?: true;
}

/** The single list of expectations for the samples, reused by the schema, classification, rule and handler tests. */
export const EVENT_SAMPLES: readonly EventSample[] = [
  // ECR replication configuration (any Region)
  {
    file: 'ecr-put-replication-configuration.json',
    description: 'replication configured in us-east-1, rules to eu-west-1',
    relevant: true,
    kind: 'replication-change',
  },
  {
    file: 'ecr-put-replication-configuration-far-region.json',
    description: 'replication configured in a far Region (ap-southeast-2) by a pipeline',
    relevant: true,
    kind: 'replication-change',
  },
  {
    file: 'ecr-put-replication-configuration-cleared.json',
    description: 'replication cleared (rules: []) by CloudFormation in eu-west-1',
    relevant: true,
    kind: 'replication-change',
  },
  {
    file: 'ecr-put-replication-configuration-failed.json',
    description: 'PutReplicationConfiguration denied (AccessDenied): nothing changed',
    relevant: false,
  },
  { file: 'ecr-create-repository.json', description: 'another ECR call', relevant: false },

  // IAM calls on the replication role
  {
    file: 'iam-create-service-linked-role.json',
    description: 'ECR creates the role (aWSServiceName, invokedBy ecr.amazonaws.com)',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-create-service-linked-role-awsservicename.json',
    description: 'the role created by Terraform, key spelled awsServiceName',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-delete-service-linked-role.json',
    description: 'role deletion submitted, with its deletionTaskId',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-delete-role-failed.json',
    description: 'DeleteRole on the service-linked role refused (UnmodifiableEntityException)',
    relevant: false,
    attempt: true,
  },
  {
    file: 'iam-create-role-lookalike.json',
    description: 'a plain role squatting the name at path /',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-update-role-description.json',
    description: 'role description edited',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-attach-role-policy.json',
    description: 'AdministratorAccess attached to a role of that name',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-detach-role-policy-failed.json',
    description: 'detaching the managed policy refused (UnmodifiableEntityException)',
    relevant: false,
    attempt: true,
  },
  {
    file: 'iam-put-role-policy.json',
    description: 'inline policy added',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-delete-role-policy.json',
    description: 'inline policy removed',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-update-assume-role-policy.json',
    description: 'trust policy replaced',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-update-role.json',
    description: 'UpdateRole (description)',
    relevant: true,
    kind: 'role-change',
  },
  {
    file: 'iam-delete-role.json',
    description: 'a role of that name deleted',
    relevant: true,
    kind: 'role-change',
  },
  { file: 'iam-tag-role.json', description: 'tags on the role: not a watched change', relevant: false },

  // IAM calls on other roles
  {
    file: 'iam-create-service-linked-role-pull-through-cache.json',
    description: 'look-alike: AWSServiceRoleForECRPullThroughCache created',
    relevant: false,
  },
  {
    file: 'iam-delete-service-linked-role-template.json',
    description: 'look-alike: AWSServiceRoleForECRTemplate deletion',
    relevant: false,
  },
  { file: 'iam-create-role-other.json', description: 'an unrelated role created', relevant: false },
  {
    file: 'iam-create-role-prefix-lookalike.json',
    description: 'a role whose name only starts with AWSServiceRoleForECRReplication',
    relevant: false,
  },

  // Schedule and account
  {
    file: 'scheduled-event.json',
    description: 'the periodic full reconcile',
    relevant: true,
    kind: 'schedule',
  },
  {
    file: 'account-region-opt-in.json',
    description: 'ap-southeast-4 enabled for the account',
    relevant: true,
    kind: 'region-opt-in',
  },

  // Not events the reconciler can read
  {
    file: 'malformed-not-an-object.json',
    description: 'a JSON array (a batch) instead of one event',
    relevant: false,
    malformed: true,
  },
  {
    file: 'malformed-missing-detail.json',
    description: 'an envelope without detail',
    relevant: false,
    malformed: true,
  },
  {
    file: 'malformed-cloudtrail-missing-event-name.json',
    description: 'a CloudTrail record without eventName',
    relevant: false,
    malformed: true,
  },
];

/**
 * The folder of the samples: `events/` at the package root, the first folder above this module holding a
 * `package.json` — whether this module runs from the checkout (`events/index.ts`), compiled (`dist/events/index.js`)
 * or bundled into the CLI (`dist/cli/…`). The samples ship as they are, beside the README.
 */
export const EVENTS_DIR: string = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'events');

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

const texts = new Map<string, string>();

/** Reads a sample from this folder. Each call returns a fresh object, so callers may mutate it. */
export function loadEventSample(file: string): unknown {
  if (!/^[\w.-]+\.json$/.test(file) || file.startsWith('.')) {
    throw new Error(`not a sample file name: ${JSON.stringify(file)}`);
  }
  let text = texts.get(file);
  if (text === undefined) {
    text = readFileSync(join(EVENTS_DIR, file), 'utf8');
    texts.set(file, text);
  }
  return JSON.parse(text);
}

/** The sample's expectations, by file name. */
export function eventSample(file: string): EventSample {
  const sample = EVENT_SAMPLES.find((candidate) => candidate.file === file);
  if (!sample) throw new Error(`no such sample: ${file}`);
  return sample;
}
