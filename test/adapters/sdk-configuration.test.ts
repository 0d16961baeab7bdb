import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccountReader } from '../../functions/adapters/account-reader.js';
import { ec2Regions } from '../../functions/adapters/regions.js';
import { type LocalEndpoint, startLocalEndpoint, TEST_CREDENTIALS } from './local-endpoint.js';

const ACCOUNT = '123456789012';

/** Environment credentials only, and no profile, Region or endpoint from the machine running the tests. */
function isolateSdkEnvironment(configDir: string) {
  vi.stubEnv('AWS_ACCESS_KEY_ID', TEST_CREDENTIALS.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', TEST_CREDENTIALS.secretAccessKey);
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_REGION', undefined);
  vi.stubEnv('AWS_ENDPOINT_URL', undefined);
  vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', undefined);
  vi.stubEnv('AWS_CONFIG_FILE', join(configDir, 'config'));
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', join(configDir, 'credentials'));
}

// The default clients are built with a Region only, so the SDK's own configuration reaches them: endpoint URLs,
// credentials and the profile's Region. These run the real clients against a local endpoint.
describe('the default clients honour the SDK configuration', () => {
  let endpoint: LocalEndpoint;
  let configDir: string;

  beforeEach(async () => {
    endpoint = await startLocalEndpoint(() => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ registryId: ACCOUNT, replicationConfiguration: { rules: [] } }),
    }));
    configDir = await mkdtemp(join(tmpdir(), 'adapters-sdk-config-'));
    isolateSdkEnvironment(configDir);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await endpoint.close();
    await rm(configDir, { recursive: true, force: true });
  });

  it('reaches ECR through AWS_ENDPOINT_URL_ECR, signed with the environment credentials', async () => {
    // Prepare
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', endpoint.url);
    const reader = createAccountReader({ homeRegion: 'eu-west-1' });

    // Act
    const read = await reader.readRegistry('eu-central-1');

    // Assess
    expect(read).toEqual({
      region: 'eu-central-1',
      outcome: 'read',
      registryId: ACCOUNT,
      replicationConfiguration: { rules: [] },
    });
    expect(endpoint.requests).toHaveLength(1);
    expect(endpoint.requests[0]?.headers['x-amz-target']).toBe(
      'AmazonEC2ContainerRegistry_V20150921.DescribeRegistry',
    );
    expect(endpoint.requests[0]?.headers.authorization).toContain(
      `Credential=${TEST_CREDENTIALS.accessKeyId}/`,
    );
    expect(endpoint.requests[0]?.headers.authorization).toContain('/eu-central-1/ecr/aws4_request');
  });

  it('reaches every service through AWS_ENDPOINT_URL, with the profile’s credentials and Region', async () => {
    // Prepare
    await writeFile(join(configDir, 'config'), '[profile local]\nregion = ap-northeast-3\n');
    await writeFile(
      join(configDir, 'credentials'),
      `[local]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n`,
    );
    vi.stubEnv('AWS_ACCESS_KEY_ID', undefined);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', undefined);
    vi.stubEnv('AWS_PROFILE', 'local');
    vi.stubEnv('AWS_ENDPOINT_URL', endpoint.url);
    const reader = createAccountReader({ ...ec2Regions() });

    // Act
    const read = await reader.readRegistry('us-west-2');
    // The endpoint answers in ECR's protocol only, so EC2 cannot parse it: what matters is where it went.
    await reader.listRegions().catch(() => undefined);

    // Assess
    expect(read.outcome).toBe('read');
    const scopes = endpoint.requests.map(
      (request) => /Credential=([^,]+)/.exec(request.headers.authorization ?? '')?.[1],
    );
    expect(scopes[0]).toMatch(/^AKIDPROFILE\/\d{8}\/us-west-2\/ecr\/aws4_request$/);
    expect(scopes.slice(1)).not.toHaveLength(0);
    for (const scope of scopes.slice(1))
      expect(scope).toMatch(/^AKIDPROFILE\/\d{8}\/ap-northeast-3\/ec2\/aws4_request$/);
  });
});

// The adapters' error handling, through the default clients and the SDK's own deserializers: the errors the
// other adapter tests build by hand are the ones these produce.
describe('the default clients’ errors, as the adapters read them', () => {
  let endpoint: LocalEndpoint | undefined;
  let configDir: string;

  beforeEach(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'adapters-sdk-errors-'));
    isolateSdkEnvironment(configDir);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    await endpoint?.close();
    endpoint = undefined;
    await rm(configDir, { recursive: true, force: true });
  });

  it('reads a Region whose ECR answers UnrecognizedClientException as unreadable, with the code', async () => {
    // Prepare
    endpoint = await startLocalEndpoint(() => ({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({
        __type: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      }),
    }));
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', endpoint.url);
    const reader = createAccountReader({ homeRegion: 'us-east-1' });

    // Act
    const read = await reader.readRegistry('me-south-1');

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

  it('reads a Region whose ECR denies access as unreadable, with the code and message', async () => {
    // Prepare
    endpoint = await startLocalEndpoint(() => ({
      status: 400,
      headers: { 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({
        __type: 'AccessDeniedException',
        message: 'User is not authorized to perform: ecr:DescribeRegistry',
      }),
    }));
    vi.stubEnv('AWS_ENDPOINT_URL_ECR', endpoint.url);
    const reader = createAccountReader({ homeRegion: 'us-east-1' });

    // Act
    const read = await reader.readRegistry('eu-west-3');

    // Assess
    expect(read).toEqual({
      region: 'eu-west-3',
      outcome: 'unreadable',
      error: {
        code: 'AccessDeniedException',
        message: 'User is not authorized to perform: ecr:DescribeRegistry',
      },
    });
  });

  it('reads the role as absent when IAM answers NoSuchEntity', async () => {
    // Prepare
    endpoint = await startLocalEndpoint(() => ({
      status: 404,
      headers: { 'content-type': 'text/xml' },
      body:
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
        '<Code>NoSuchEntity</Code><Message>The role with name AWSServiceRoleForECRReplication cannot be found.' +
        '</Message></Error><RequestId>r-1</RequestId></ErrorResponse>',
    }));
    vi.stubEnv('AWS_ENDPOINT_URL_IAM', endpoint.url);
    const reader = createAccountReader({ homeRegion: 'us-east-1' });

    // Act
    const read = await reader.readRole();

    // Assess
    expect(read).toEqual({ outcome: 'absent' });
    expect(endpoint.requests.map((request) => /Action=(\w+)/.exec(request.body)?.[1]).sort()).toEqual([
      'GetRole',
      'ListAttachedRolePolicies',
      'ListRolePolicies',
    ]);
  });
});
