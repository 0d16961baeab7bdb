import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../functions/config.js';
import { ConfigError } from '../../functions/settings.js';

/*
 * The organization mode's environment, as the stack sets it: absent, the functions are what they always were;
 * present, each is validated once and a wrong one is refused naming the variable.
 */

const ROLE_ARN = 'arn:aws:iam::111122223333:role/OrganizationAccountLister';
const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/999999999999/ecr-role-reconciler-accounts';

describe('loadConfig: organization mode', () => {
  it('is off, with nothing more, when none of its variables is set', () => {
    expect(loadConfig({})).toMatchObject({
      memberReadRoleName: undefined,
      accountQueueUrl: undefined,
      organizationListRoleArn: undefined,
    });
  });

  it('reads the read role name, the account queue and the list role', () => {
    const config = loadConfig({
      MEMBER_READ_ROLE_NAME: ' ecr-replication-role-reconciler-read ',
      ACCOUNT_QUEUE_URL: QUEUE_URL,
      ORGANIZATION_LIST_ROLE_ARN: ROLE_ARN,
    });

    expect(config).toMatchObject({
      memberReadRoleName: 'ecr-replication-role-reconciler-read',
      accountQueueUrl: QUEUE_URL,
      organizationListRoleArn: ROLE_ARN,
    });
  });

  it.each([
    'https://sqs.us-gov-west-1.amazonaws.com/999999999999/accounts.fifo',
    'http://127.0.0.1:4566/999999999999/accounts',
  ])('accepts the queue URL %s', (url) => {
    expect(loadConfig({ ACCOUNT_QUEUE_URL: url }).accountQueueUrl).toBe(url);
  });

  it.each(['arn:aws-cn:iam::111122223333:role/lister', 'arn:aws:iam::111122223333:role/path/to/lister'])(
    'accepts the role ARN %s',
    (arn) => {
      expect(loadConfig({ ORGANIZATION_LIST_ROLE_ARN: arn }).organizationListRoleArn).toBe(arn);
    },
  );

  it.each([
    ['MEMBER_READ_ROLE_NAME', 'role with spaces'],
    ['MEMBER_READ_ROLE_NAME', 'r'.repeat(65)],
    ['MEMBER_READ_ROLE_NAME', 'arn:aws:iam::111122223333:role/reader'],
    ['ACCOUNT_QUEUE_URL', 'accounts'],
    ['ACCOUNT_QUEUE_URL', 'ftp://sqs.us-east-1.amazonaws.com/999999999999/accounts'],
    ['ACCOUNT_QUEUE_URL', 'https://sqs.us-east-1.amazonaws.com/accounts'],
    ['ORGANIZATION_LIST_ROLE_ARN', 'OrganizationAccountLister'],
    ['ORGANIZATION_LIST_ROLE_ARN', 'arn:aws:iam::111122223333:user/lister'],
    ['ORGANIZATION_LIST_ROLE_ARN', 'arn:aws:sts::111122223333:assumed-role/lister/session'],
  ])('refuses %s=%s, naming the variable', (variable, value) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).setting).toBe(variable);
    expect((thrown as ConfigError).message).toContain(`${variable} must be`);
  });
});
