import { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAccountReader } from '../../functions/adapters/account-reader.js';
import { readRegistry } from '../../functions/adapters/ecr-registry.js';
import { readRole } from '../../functions/adapters/iam-role.js';
import { type LocalEndpoint, startLocalEndpoint, TEST_CREDENTIALS } from './local-endpoint.js';

// These go through the real SDK stack and HTTP handler against an endpoint that never answers: the handler rejects
// with a bare `AbortError` when the call's signal fires, which must still be reported as a timeout. The timeouts are
// short and real; how long a run takes on a shared machine is not asserted.
describe('timeouts through the real SDK stack', () => {
  let endpoint: LocalEndpoint;

  beforeEach(async () => {
    endpoint = await startLocalEndpoint();
  });

  afterEach(async () => {
    await endpoint.close();
  });

  it('reports a Region that does not answer in time as unreadable with code Timeout', async () => {
    // Prepare
    const client = new ECRClient({
      region: 'ap-east-1',
      endpoint: endpoint.url,
      credentials: TEST_CREDENTIALS,
    });

    // Act
    const read = await readRegistry(client, 'ap-east-1', 200);

    // Assess
    expect(read).toEqual({
      region: 'ap-east-1',
      outcome: 'unreadable',
      error: { code: 'Timeout', message: 'DescribeRegistry did not answer within 200 ms' },
    });
    expect(endpoint.requests.length).toBeGreaterThanOrEqual(1);
  });

  it('applies the reader’s regionTimeoutMs to each Region', async () => {
    // Prepare
    const reader = createAccountReader({
      homeRegion: 'us-east-1',
      regionTimeoutMs: 150,
      clients: {
        ecr: (region) => new ECRClient({ region, endpoint: endpoint.url, credentials: TEST_CREDENTIALS }),
      },
    });

    // Act
    const read = await reader.readRegistry('eu-south-2');

    // Assess
    expect(read).toMatchObject({ outcome: 'unreadable', error: { code: 'Timeout' } });
    expect(read.outcome === 'unreadable' && read.error.message).toContain('150 ms');
  });

  it('reports a role read that does not answer in time as unreadable, not absent', async () => {
    // Prepare
    const client = new IAMClient({
      region: 'us-east-1',
      endpoint: endpoint.url,
      credentials: TEST_CREDENTIALS,
    });

    // Act
    const read = await readRole(client, 200);

    // Assess
    expect(read).toEqual({
      outcome: 'unreadable',
      error: { code: 'Timeout', message: 'GetRole did not answer within 200 ms' },
    });
  });
});
