import { REPLICATION_ROLE } from '../replication-role.js';
import type { Destination } from '../types.js';
import {
  COMPLIANT,
  type FindingRule,
  NOT_APPLICABLE,
  nonCompliant,
  regionList,
  type Sighting,
  sighting,
} from './finding-rule.js';

const ROLE = REPLICATION_ROLE.name;

export type RoleMissingEvidence = Sighting & {
  readonly getRole: 'NoSuchEntity';
  readonly replicating: readonly { readonly region: string; readonly destinations: readonly Destination[] }[];
};

/**
 * At least one Region replicates and no role of that name exists: replication is failing. Not applicable while
 * the role is not wanted (or that is unknown), nor when the role could not be read.
 */
export const roleMissing: FindingRule<'ROLE_MISSING', RoleMissingEvidence> = {
  code: 'ROLE_MISSING',
  severity: 'high',
  check(view) {
    if (view.desiredRole !== 'present' || view.role.state === 'unreadable') return NOT_APPLICABLE;
    if (view.role.state === 'present') return COMPLIANT;
    const replicating = view.regions.filter((region) => region.state === 'replicating');
    const names = replicating.map((region) => region.region);
    return nonCompliant({
      message: `${regionList(names)} ${names.length === 1 ? 'replicates' : 'replicate'} but the role ${ROLE} does not exist: replication is failing.`,
      regions: names,
      evidence: {
        ...sighting(view),
        getRole: 'NoSuchEntity',
        replicating: replicating.map(({ region, destinations }) => ({ region, destinations })),
      },
      remediation:
        'Re-create the role with `aws iam create-service-linked-role --aws-service-name replication.ecr.amazonaws.com`, ' +
        'or put the replication configuration again in one of these Regions (ECR re-creates the role): ' +
        `\`aws ecr put-replication-configuration --region ${names[0]} --replication-configuration file://replication.json\`.`,
    });
  },
  substance: () => ({}),
};
