import { randomUUID } from 'node:crypto';
import { type Clock, systemClock } from '../clock.js';
import { managedPolicyArn, REPLICATION_ROLE } from '../core/constants.js';

/** The 17 Regions enabled by default in a commercial account (the one list: `functions/core/regions.ts`). */
export { DEFAULT_ENABLED_REGIONS } from '../core/regions.js';

/** Opt-in Regions this account has not enabled: ECR answers there as AWS does for a disabled Region. */
export const DEFAULT_NOT_OPTED_IN = ['af-south-1', 'ap-east-1', 'me-south-1', 'eu-south-1'] as const;

export type OptInStatus = 'opt-in-not-required' | 'opted-in' | 'not-opted-in';

export interface ReplicationRule {
  readonly destinations: readonly { readonly region: string; readonly registryId: string }[];
  readonly repositoryFilters?: readonly { readonly filter: string; readonly filterType: string }[];
}

export interface Role {
  readonly roleName: string;
  readonly path: string;
  readonly roleId: string;
  readonly createDate: string;
  readonly trustPolicy: string;
  /** How long a session of this role may last, in seconds (IAM's `MaxSessionDuration`, 3600 to 43200). */
  readonly maxSessionDuration: number;
  description: string | undefined;
  readonly serviceLinked: boolean;
  readonly attached: string[];
  readonly inline: Map<string, string>;
  lastUsed: { date: string; region: string } | undefined;
}

export interface DeletionTask {
  readonly id: string;
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly usage: readonly { region: string; resources: string[] }[];
}

/** A refusal, named as AWS names it, with the error's own fields (e.g. `Reason`); the protocol layer renders it. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fields: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/**
 * The account's state and AWS's documented behaviour over it, independent of any wire protocol: per-Region
 * replication, one global set of IAM roles, service-linked role creation and asynchronous deletion.
 */
export class AccountState {
  readonly regions = new Map<string, OptInStatus>();
  readonly replication = new Map<string, ReplicationRule[]>();
  readonly roles = new Map<string, Role>();
  readonly deletionTasks = new Map<string, DeletionTask>();
  readonly topics = new Set<string>();
  readonly queues = new Set<string>();

  constructor(
    readonly accountId: string,
    regions: readonly (string | { name: string; optInStatus?: OptInStatus })[],
    private readonly clock: Clock = systemClock,
  ) {
    for (const region of regions) {
      const { name, optInStatus = 'opt-in-not-required' } =
        typeof region === 'string' ? { name: region } : region;
      this.regions.set(name, optInStatus);
    }
  }

  isEnabled(region: string): boolean {
    const status = this.regions.get(region);
    return status !== undefined && status !== 'not-opted-in';
  }

  replicatingRegions(): string[] {
    return [...this.replication.entries()]
      .filter(
        ([region, rules]) => this.isEnabled(region) && rules.some((rule) => rule.destinations.length > 0),
      )
      .map(([region]) => region)
      .sort();
  }

  /** `PutReplicationConfiguration`: validates as ECR does and, with any rule, creates the service-linked role. */
  putReplication(region: string, rules: readonly ReplicationRule[]): void {
    if (rules.length > 10)
      throw new ApiError('ValidationException', 'A replication configuration can have at most 10 rules.');
    const destinations = new Set(
      rules.flatMap((rule) => rule.destinations.map((d) => `${d.region}/${d.registryId}`)),
    );
    if (destinations.size > 25) {
      throw new ApiError(
        'ValidationException',
        'A replication configuration can have at most 25 unique destinations.',
      );
    }
    for (const rule of rules) {
      for (const destination of rule.destinations) {
        if (destination.region === region && destination.registryId === this.accountId) {
          throw new ApiError(
            'InvalidParameterException',
            'Replication to the source registry and Region is not allowed.',
          );
        }
      }
    }
    this.replication.set(
      region,
      rules.map((rule) => structuredClone(rule) as ReplicationRule),
    );
    if (rules.length > 0 && !this.roles.has(REPLICATION_ROLE.name.toLowerCase()))
      this.createServiceLinkedRole();
  }

  role(name: string): Role {
    const role = this.roles.get(name.toLowerCase());
    if (!role) throw new ApiError('NoSuchEntity', `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  createServiceLinkedRole(): Role {
    const key = REPLICATION_ROLE.name.toLowerCase();
    if (this.roles.has(key)) {
      throw new ApiError(
        'InvalidInput',
        `Service role name ${REPLICATION_ROLE.name} has been taken in this account, please try a different suffix.`,
      );
    }
    const role = this.newRole({
      roleName: REPLICATION_ROLE.name,
      path: REPLICATION_ROLE.path,
      trustPolicy: trustPolicyFor(REPLICATION_ROLE.servicePrincipal),
      serviceLinked: true,
      attached: [managedPolicyArn()],
    });
    this.roles.set(key, role);
    return role;
  }

  createRole(name: string, path: string, trustPolicy: string, maxSessionDuration = 3600): Role {
    if (path.startsWith('/aws-service-role/')) {
      throw new ApiError('ValidationError', `The path ${path} is reserved for service-linked roles.`);
    }
    if (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > 43200) {
      throw new ApiError(
        'ValidationError',
        `1 validation error detected: Value '${maxSessionDuration}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
      );
    }
    if (this.roles.has(name.toLowerCase()))
      throw new ApiError('EntityAlreadyExists', `Role with name ${name} already exists.`, 409);
    const role = this.newRole({
      roleName: name,
      path,
      trustPolicy,
      serviceLinked: false,
      attached: [],
      maxSessionDuration,
    });
    this.roles.set(name.toLowerCase(), role);
    return role;
  }

  /** Edits IAM refuses on a service-linked role. */
  editable(name: string): Role {
    const role = this.role(name);
    if (role.serviceLinked) {
      throw new ApiError(
        'UnmodifiableEntity',
        `Cannot perform the operation on the protected role '${role.roleName}' - this role is only modifiable by AWS`,
      );
    }
    return role;
  }

  deleteRole(name: string): void {
    const role = this.editable(name);
    if (role.attached.length > 0 || role.inline.size > 0) {
      throw new ApiError('DeleteConflict', 'Cannot delete entity, must detach all policies first.', 409);
    }
    this.roles.delete(name.toLowerCase());
  }

  /**
   * `DeleteServiceLinkedRole` is asynchronous in AWS; here the task resolves at once: it FAILS, keeping the role
   * and naming the Regions that use it, while any Region replicates.
   */
  deleteServiceLinkedRole(name: string): string {
    const role = this.role(name);
    if (!role.serviceLinked)
      throw new ApiError('InvalidInput', `Role ${role.roleName} is not a service-linked role.`);
    const id = `task${role.path}${role.roleName}/${randomUUID()}`;
    const users = this.replicatingRegions();
    if (users.length > 0) {
      const usage = users.map((region) => ({
        region,
        resources: [`arn:aws:ecr:${region}:${this.accountId}:registry`],
      }));
      this.deletionTasks.set(id, { id, status: 'FAILED', usage });
    } else {
      this.roles.delete(name.toLowerCase());
      this.deletionTasks.set(id, { id, status: 'SUCCEEDED', usage: [] });
    }
    return id;
  }

  deletionTask(id: string): DeletionTask {
    const task = this.deletionTasks.get(id);
    if (!task) throw new ApiError('NoSuchEntity', `Deletion task ${id} cannot be found.`, 404);
    return task;
  }

  private newRole(
    fields: Pick<Role, 'roleName' | 'path' | 'trustPolicy' | 'serviceLinked' | 'attached'> &
      Partial<Pick<Role, 'maxSessionDuration'>>,
  ): Role {
    return {
      maxSessionDuration: 3600,
      ...fields,
      roleId: `AROA${randomUUID().replace(/-/g, '').slice(0, 17).toUpperCase()}`,
      createDate: this.clock.now().toISOString(),
      description: undefined,
      inline: new Map(),
      lastUsed: undefined,
    };
  }
}

export function trustPolicyFor(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}
