import type { Trigger } from '../../functions/core/classify.js';

/** One sample event of `events/` and what the reconciler is expected to make of it. */
interface EventSample {
  /** File name in `events/`. */
  readonly file: string;
  /** The case the sample stands for. */
  readonly description: string;
  /** `classify` says the event should make the reconciler look again. */
  readonly relevant: boolean;
  /** The trigger kind, for relevant samples. */
  readonly kind?: Trigger['kind'];
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
