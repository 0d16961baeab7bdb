import { describe, expect, it } from 'vitest';
import {
  hasOnlyManagedPolicy,
  isServiceLinked,
  regionReport,
  replicationDestinations,
  trustedPrincipals,
} from '../../functions/core/normalize.js';
import { genuineRole } from '../support/reads.js';

describe('replicationDestinations', () => {
  it.each([
    ['missing', undefined],
    ['null', null],
    ['no rules key', {}],
    ['empty rules', { rules: [] }],
    ['a rule with empty destinations', { rules: [{ destinations: [] }] }],
    [
      'a rule with no destinations key',
      { rules: [{ repositoryFilters: [{ filter: 'app', filterType: 'PREFIX_MATCH' }] }] },
    ],
    ['rules that are not a list', { rules: 'all' }],
    ['a destination without a region', { rules: [{ destinations: [{ registryId: '123456789012' }] }] }],
  ])('treats %s as not replicating', (_name, configuration) => {
    expect(replicationDestinations(configuration)).toEqual([]);
  });

  it('collects destinations across rules, deduplicated and sorted', () => {
    const configuration = {
      rules: [
        {
          destinations: [
            { region: 'us-west-2', registryId: '111111111111' },
            { region: 'eu-west-1', registryId: '111111111111' },
          ],
        },
        {
          destinations: [{ region: 'eu-west-1', registryId: '111111111111' }],
          repositoryFilters: [{ filter: 'a', filterType: 'PREFIX_MATCH' }],
        },
        { destinations: [] },
      ],
    };

    expect(replicationDestinations(configuration)).toEqual([
      { region: 'eu-west-1', registryId: '111111111111' },
      { region: 'us-west-2', registryId: '111111111111' },
    ]);
  });

  it('classifies each read outcome', () => {
    expect(
      regionReport({
        region: 'x-1',
        outcome: 'read',
        registryId: '1',
        replicationConfiguration: { rules: [{ destinations: [] }] },
      }).state,
    ).toBe('not-replicating');
    expect(
      regionReport({
        region: 'x-1',
        outcome: 'not-enabled',
        error: { code: 'UnrecognizedClientException', message: '' },
      }).state,
    ).toBe('not-enabled');
    expect(
      regionReport({ region: 'x-1', outcome: 'unreadable', error: { code: 'Timeout', message: '' } }),
    ).toEqual({
      region: 'x-1',
      state: 'unreadable',
      destinations: [],
      error: { code: 'Timeout', message: '' },
    });
  });
});

describe('trustedPrincipals', () => {
  const document = (principal: unknown, extra: object = {}) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole', ...extra }],
    });

  it('decodes the URL-encoded document IAM returns', () => {
    expect(
      trustedPrincipals(encodeURIComponent(document({ Service: 'replication.ecr.amazonaws.com' }))),
    ).toEqual(['replication.ecr.amazonaws.com']);
  });

  it('accepts a plain JSON document, a single statement object and principal lists', () => {
    const single = JSON.stringify({
      Statement: {
        Effect: 'Allow',
        Principal: { Service: ['b.amazonaws.com', 'a.amazonaws.com'] },
        Action: ['sts:AssumeRole'],
      },
    });
    expect(trustedPrincipals(single)).toEqual(['a.amazonaws.com', 'b.amazonaws.com']);
  });

  it('ignores Deny statements and statements for other actions', () => {
    expect(trustedPrincipals(document({ Service: 'x.amazonaws.com' }, { Effect: 'Deny' }))).toEqual([]);
    expect(trustedPrincipals(document({ Service: 'x.amazonaws.com' }, { Action: 'sts:TagSession' }))).toEqual(
      [],
    );
  });

  it('returns undefined for an unparseable document', () => {
    expect(trustedPrincipals('%7Bnot json')).toBeUndefined();
    expect(trustedPrincipals(undefined)).toBeUndefined();
  });
});

describe('isServiceLinked', () => {
  it('accepts the genuine role', () => {
    expect(isServiceLinked(genuineRole())).toBe(true);
  });

  it.each([
    ['a customer path', { path: '/' }],
    ['another service-role path', { path: '/aws-service-role/ecr.amazonaws.com/' }],
    [
      'other casing of the name (IAM names are case-insensitive)',
      { roleName: 'AWSServiceRoleForEcrReplication' },
    ],
    ['the pull-through cache role', { roleName: 'AWSServiceRoleForECRPullThroughCache' }],
    ['the template role', { roleName: 'AWSServiceRoleForECRTemplate' }],
    [
      'a trust in ecr.amazonaws.com',
      {
        assumeRolePolicyDocument: encodeURIComponent(
          JSON.stringify({
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'ecr.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          }),
        ),
      },
    ],
    [
      'an extra trusted principal',
      {
        assumeRolePolicyDocument: encodeURIComponent(
          JSON.stringify({
            Statement: [
              {
                Effect: 'Allow',
                Principal: {
                  Service: 'replication.ecr.amazonaws.com',
                  AWS: 'arn:aws:iam::123456789012:root',
                },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        ),
      },
    ],
    ['an unparseable trust policy', { assumeRolePolicyDocument: 'garbage' }],
  ])('rejects %s', (_name, overrides) => {
    expect(isServiceLinked(genuineRole(overrides))).toBe(false);
  });
});

describe('hasOnlyManagedPolicy', () => {
  it('accepts the managed policy in any partition', () => {
    expect(hasOnlyManagedPolicy(genuineRole())).toBe(true);
    expect(
      hasOnlyManagedPolicy(
        genuineRole({
          attachedPolicyArns: ['arn:aws-cn:iam::aws:policy/aws-service-role/ECRReplicationServiceRolePolicy'],
        }),
      ),
    ).toBe(true);
  });

  it('rejects a customer policy of the same name', () => {
    expect(
      hasOnlyManagedPolicy(
        genuineRole({
          attachedPolicyArns: ['arn:aws:iam::123456789012:policy/ECRReplicationServiceRolePolicy'],
        }),
      ),
    ).toBe(false);
  });

  it('is undefined when the policies could not be read', () => {
    expect(hasOnlyManagedPolicy(genuineRole({ attachedPolicyArns: undefined }))).toBeUndefined();
  });
});
