import {
  AccessDeniedException,
  AccountClient,
  AccountServiceException,
  ListRegionsCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-account';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { accountRegionOptIn, readAccountRegionOptIn } from '../../functions/adapters/account-regions.js';
import { AwsCallError } from '../../functions/core/errors.js';

const accountMock = mockClient(AccountClient);
const client = () => new AccountClient({ region: 'us-east-1' });

describe('readAccountRegionOptIn', () => {
  beforeEach(() => {
    accountMock.reset();
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('follows NextToken to the last page, an empty page that carries a token included', async () => {
    // Prepare
    accountMock
      .on(ListRegionsCommand)
      .resolvesOnce({
        Regions: [
          { RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' },
          { RegionName: 'af-south-1', RegionOptStatus: 'ENABLED' },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Regions: [], NextToken: 'page-3' })
      .resolvesOnce({ Regions: [{ RegionName: 'me-south-1', RegionOptStatus: 'DISABLED' }] });

    // Act
    const optIn = await readAccountRegionOptIn(client());

    // Assess
    expect(Object.fromEntries(optIn)).toEqual({
      'us-east-1': 'enabled',
      'af-south-1': 'enabled',
      'me-south-1': 'not-enabled',
    });
    expect(accountMock.commandCalls(ListRegionsCommand).map((call) => call.args[0].input)).toEqual([
      { MaxResults: 50 },
      { MaxResults: 50, NextToken: 'page-2' },
      { MaxResults: 50, NextToken: 'page-3' },
    ]);
  });

  it('calls a Region being enabled or disabled changing, and leaves out a status it does not know', async () => {
    // Prepare
    accountMock.on(ListRegionsCommand).resolves({
      Regions: [
        { RegionName: 'ap-east-1', RegionOptStatus: 'ENABLING' },
        { RegionName: 'eu-south-1', RegionOptStatus: 'DISABLING' },
        { RegionName: 'il-central-1' },
        { RegionName: 'mx-central-1', RegionOptStatus: 'SOMETHING_NEW' as never },
        { RegionOptStatus: 'ENABLED' },
      ],
    });

    // Act
    const optIn = await readAccountRegionOptIn(client());

    // Assess
    expect(Object.fromEntries(optIn)).toEqual({ 'ap-east-1': 'changing', 'eu-south-1': 'changing' });
  });

  it.each([
    [
      'access denied (no account:ListRegions)',
      new AccessDeniedException({ message: 'not authorized to perform: account:ListRegions', $metadata: {} }),
      { code: 'AccessDeniedException', message: 'not authorized to perform: account:ListRegions' },
    ],
    [
      'throttling past the retries',
      new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }),
      { code: 'TooManyRequestsException', message: 'Rate exceeded' },
    ],
    [
      'a bad token (an unmodelled code: the client’s base exception)',
      new AccountServiceException({
        name: 'UnrecognizedClientException',
        $fault: 'client',
        $metadata: { httpStatusCode: 403 },
        message: 'The security token included in the request is invalid.',
      }),
      {
        code: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      },
    ],
    [
      'an endpoint that does not serve the Account API (an emulator)',
      new AccountServiceException({
        name: 'UnknownError',
        $fault: 'client',
        $metadata: { httpStatusCode: 404 },
        message: 'UnknownError',
      }),
      { code: 'UnknownError', message: 'UnknownError' },
    ],
  ])('throws an AwsCallError naming ListRegions on %s', async (_label, error, awsError) => {
    // Prepare
    accountMock.on(ListRegionsCommand).rejects(error);

    // Act
    const reading = readAccountRegionOptIn(client());

    // Assess
    await expect(reading).rejects.toBeInstanceOf(AwsCallError);
    await expect(reading).rejects.toMatchObject({ operation: 'ListRegions', awsError, cause: error });
  });

  it('fails on a page error after a good page: a partial list is never taken for the whole', async () => {
    // Prepare
    accountMock
      .on(ListRegionsCommand)
      .resolvesOnce({
        Regions: [{ RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }],
        NextToken: 'page-2',
      })
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));

    // Act
    const reading = readAccountRegionOptIn(client());

    // Assess
    await expect(reading).rejects.toMatchObject({ awsError: { code: 'TooManyRequestsException' } });
  });

  it('stops on a NextToken it was already given, instead of paging forever', async () => {
    // Prepare
    accountMock.on(ListRegionsCommand).resolves({ Regions: [], NextToken: 'same' });

    // Act
    const reading = readAccountRegionOptIn(client());

    // Assess
    await expect(reading).rejects.toMatchObject({
      operation: 'ListRegions',
      awsError: { code: 'InvalidResponse' },
    });
    expect(accountMock.commandCalls(ListRegionsCommand)).toHaveLength(2);
  });

  it('reports the listing cut short by its timeout as Timeout', async () => {
    // Prepare
    vi.spyOn(AbortSignal, 'timeout').mockReturnValue(AbortSignal.abort());
    accountMock
      .on(ListRegionsCommand)
      .rejects(Object.assign(new Error('Request aborted'), { name: 'AbortError' }));

    // Act
    const reading = readAccountRegionOptIn(client(), 1_500);

    // Assess
    await expect(reading).rejects.toMatchObject({
      awsError: { code: 'Timeout', message: 'ListRegions did not answer within 1500 ms' },
    });
    expect(AbortSignal.timeout).toHaveBeenCalledWith(1_500);
  });
});

describe('accountRegionOptIn', () => {
  beforeEach(() => {
    accountMock.reset();
    accountMock.on(ListRegionsCommand).resolves({
      Regions: [{ RegionName: 'us-east-1', RegionOptStatus: 'ENABLED_BY_DEFAULT' }],
    });
  });

  it.each([
    ['eu-west-1', 'us-east-1'],
    ['cn-northwest-1', 'cn-north-1'],
    ['us-gov-east-1', 'us-gov-west-1'],
  ])(
    'calls the Account API, a global service, for home Region %s in %s',
    async (homeRegion, signingRegion) => {
      // Prepare
      const made: string[] = [];
      const regionOptIn = accountRegionOptIn((region) => {
        made.push(region);
        return new AccountClient({ region });
      });

      // Act
      await regionOptIn(homeRegion, 1_000);

      // Assess
      expect(made).toEqual([signingRegion]);
    },
  );

  it('keeps its client but reads the status afresh on every call: opt-in status changes', async () => {
    // Prepare
    const made: string[] = [];
    const regionOptIn = accountRegionOptIn((region) => {
      made.push(region);
      return new AccountClient({ region });
    });

    // Act
    await regionOptIn('us-east-1', 1_000);
    await regionOptIn('us-east-1', 1_000);

    // Assess
    expect(made).toEqual(['us-east-1']);
    expect(accountMock.commandCalls(ListRegionsCommand)).toHaveLength(2);
  });
});
