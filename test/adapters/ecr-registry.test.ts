import {
  DescribeRegistryCommand,
  ECRClient,
  ECRServiceException,
  ServerException,
  ValidationException,
} from '@aws-sdk/client-ecr';
import { CredentialsProviderError } from '@smithy/core/config';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readRegistry } from '../../functions/adapters/ecr-registry.js';

const ACCOUNT = '123456789012';
const ecrMock = mockClient(ECRClient);

/**
 * What the ECR client throws for a code it has no class for (UnrecognizedClientException,
 * AccessDeniedException, ThrottlingException): its base exception, named after the code. aws-error.test.ts
 * checks this against the real client.
 */
function unmodeled(name: string, message: string, httpStatusCode = 400) {
  return new ECRServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message });
}

describe('readRegistry', () => {
  beforeEach(() => {
    ecrMock.reset();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('passes the replication configuration through as read', async () => {
    // Prepare
    const replicationConfiguration = {
      rules: [
        {
          destinations: [{ region: 'eu-west-1', registryId: ACCOUNT }],
          repositoryFilters: [{ filter: 'prod-', filterType: 'PREFIX_MATCH' as const }],
        },
      ],
    };
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT, replicationConfiguration });

    // Act
    const read = await readRegistry(new ECRClient({ region: 'us-east-1' }), 'us-east-1');

    // Assess
    expect(read).toEqual({
      region: 'us-east-1',
      outcome: 'read',
      registryId: ACCOUNT,
      replicationConfiguration,
    });
    expect(ecrMock.commandCalls(DescribeRegistryCommand)).toHaveLength(1);
  });

  it('reads a registry without replication configuration as read, with nothing to pass on', async () => {
    // Prepare
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT });

    // Act
    const read = await readRegistry(new ECRClient({ region: 'eu-west-3' }), 'eu-west-3');

    // Assess
    expect(read).toEqual({
      region: 'eu-west-3',
      outcome: 'read',
      registryId: ACCOUNT,
      replicationConfiguration: undefined,
    });
  });

  it('reports UnrecognizedClientException as unreadable with its code: ECR gives it for a bad token too', async () => {
    // Prepare
    // ECR answers a Region the account has not enabled and a bad or expired token alike: the adapter cannot tell
    // them apart, so it concludes nothing (observeAccount asks the account's opt-in status).
    ecrMock
      .on(DescribeRegistryCommand)
      .rejects(
        unmodeled('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      );

    // Act
    const read = await readRegistry(new ECRClient({ region: 'me-south-1' }), 'me-south-1');

    // Assess
    expect(read).toEqual({
      region: 'me-south-1',
      outcome: 'unreadable',
      error: {
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      },
    });
  });

  it.each([
    [
      'access denied (an unmodelled ECR code)',
      unmodeled('AccessDeniedException', 'not authorized to perform ecr:DescribeRegistry'),
      { code: 'AccessDeniedException', message: 'not authorized to perform ecr:DescribeRegistry' },
    ],
    [
      'throttling past the retries (an unmodelled ECR code)',
      unmodeled('ThrottlingException', 'Rate exceeded'),
      { code: 'ThrottlingException', message: 'Rate exceeded' },
    ],
    [
      'a server error',
      new ServerException({ message: 'Internal failure', $metadata: { httpStatusCode: 500 } }),
      { code: 'ServerException', message: 'Internal failure' },
    ],
    [
      'a validation error',
      new ValidationException({ message: 'bad request', $metadata: { httpStatusCode: 400 } }),
      { code: 'ValidationException', message: 'bad request' },
    ],
    [
      'a refused connection (Node’s socket error, passed on by the HTTP handler)',
      Object.assign(new Error('connect ECONNREFUSED 1.2.3.4:443'), {
        errno: -111,
        code: 'ECONNREFUSED',
        syscall: 'connect',
        address: '1.2.3.4',
        port: 443,
        $metadata: { attempts: 1, totalRetryDelay: 0 },
      }),
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 1.2.3.4:443' },
    ],
    [
      'no credentials',
      new CredentialsProviderError('Could not load credentials from any providers', false),
      { code: 'CredentialsProviderError', message: 'Could not load credentials from any providers' },
    ],
  ])('reports %s as unreadable, with the error', async (_label, err, error) => {
    // Prepare
    ecrMock.on(DescribeRegistryCommand).rejects(err);

    // Act
    const read = await readRegistry(new ECRClient({ region: 'eu-north-1' }), 'eu-north-1');

    // Assess
    expect(read).toEqual({ region: 'eu-north-1', outcome: 'unreadable', error });
  });

  it('gives each Region 10 seconds unless told otherwise', async () => {
    // Prepare
    ecrMock.on(DescribeRegistryCommand).resolves({ registryId: ACCOUNT });
    const timeout = vi.spyOn(AbortSignal, 'timeout');

    // Act
    await readRegistry(new ECRClient({ region: 'us-east-1' }), 'us-east-1');

    // Assess
    expect(timeout).toHaveBeenCalledWith(10_000);
  });
});
