import {
  AccessDeniedException,
  AccountClient,
  AccountServiceException,
  ListRegionsCommand,
} from '@aws-sdk/client-account';
import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  DescribeRegistryCommand,
  ECRClient,
  ECRServiceException,
  ServerException,
  ValidationException,
} from '@aws-sdk/client-ecr';
import { GetRoleCommand, IAMClient, IAMServiceException, NoSuchEntityException } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { CredentialsProviderError } from '@smithy/core/config';
import { afterEach, describe, expect, it } from 'vitest';
import {
  callWithin,
  describeAwsError,
  describeCallError,
  isAbsent,
} from '../../functions/adapters/aws-error.js';
import { type Answer, type LocalEndpoint, startLocalEndpoint, TEST_CREDENTIALS } from './local-endpoint.js';

type ServiceExceptionClass =
  | typeof AccountServiceException
  | typeof ECRServiceException
  | typeof IAMServiceException
  | typeof STSServiceException
  | typeof EC2ServiceException;

/**
 * What a client's deserializer throws for an error code it has no class for (ECR's
 * UnrecognizedClientException and AccessDeniedException, IAM's AccessDenied, STS's ExpiredToken, every EC2
 * error): the service's base exception, named after the code. The last describe block checks these against what the real clients throw.
 */
function unmodeled(
  Base: ServiceExceptionClass,
  name: string,
  message = `${name} happened`,
  httpStatusCode = 400,
) {
  return new Base({ name, $fault: 'client', $metadata: { httpStatusCode }, message });
}

/** A refused connection as Node reports it; the SDK's HTTP handler passes it on, adding `$metadata`. */
function connectionRefused() {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '127.0.0.1',
    port: 443,
    $metadata: { attempts: 1, totalRetryDelay: 0 },
  });
}

/** What `@smithy/node-http-handler` rejects with when the call's abort signal fires. */
function abortError() {
  return Object.assign(new Error('Request aborted'), { name: 'AbortError' });
}

describe('describeAwsError', () => {
  it.each([
    [
      'a modelled IAM exception',
      new NoSuchEntityException({ message: 'no role', $metadata: { httpStatusCode: 404 } }),
      'NoSuchEntityException',
      'no role',
    ],
    [
      'a modelled ECR exception',
      new ValidationException({ message: 'bad', $metadata: { httpStatusCode: 400 } }),
      'ValidationException',
      'bad',
    ],
    [
      'an ECR 5xx',
      new ServerException({ message: 'boom', $metadata: { httpStatusCode: 500 } }),
      'ServerException',
      'boom',
    ],
    [
      'an unmodelled ECR code (the client’s base exception)',
      unmodeled(ECRServiceException, 'UnrecognizedClientException', 'invalid token'),
      'UnrecognizedClientException',
      'invalid token',
    ],
    [
      'an unmodelled EC2 code (EC2 models none)',
      unmodeled(EC2ServiceException, 'UnauthorizedOperation', 'not authorized', 403),
      'UnauthorizedOperation',
      'not authorized',
    ],
    [
      'a network error from the HTTP handler (its code is the only name)',
      connectionRefused(),
      'ECONNREFUSED',
      'connect ECONNREFUSED 127.0.0.1:443',
    ],
    [
      'a credentials-provider error',
      new CredentialsProviderError('Could not load credentials from any providers', false),
      'CredentialsProviderError',
      'Could not load credentials from any providers',
    ],
    ['an abort from the HTTP handler', abortError(), 'AbortError', 'Request aborted'],
    [
      'a hand-made Error carrying the code in Code, as older query/XML serializers did',
      Object.assign(new Error('denied'), { Code: 'AccessDenied' }),
      'AccessDenied',
      'denied',
    ],
    [
      'a hand-made Error carrying a qualified __type, as older JSON serializers did',
      Object.assign(new Error('bad token'), {
        __type: 'com.amazon.coral.service#UnrecognizedClientException',
      }),
      'UnrecognizedClientException',
      'bad token',
    ],
    ['a plain Error with no code at all (named after its class)', new Error('odd'), 'Error', 'odd'],
    [
      'a plain object with Code and Message, not an Error',
      { Code: 'Throttling', Message: 'Rate exceeded' },
      'Throttling',
      'Rate exceeded',
    ],
    ['a thrown string', 'just text', 'UnknownError', 'just text'],
    ['a thrown undefined', undefined, 'UnknownError', 'undefined'],
  ])('reads the code and message of %s', (_label, err, code, message) => {
    // Act
    const described = describeAwsError(err);

    // Assess
    expect(described).toEqual({ code, message });
  });

  it('uses the code as the message when there is none', () => {
    // Prepare
    const err = unmodeled(IAMServiceException, 'Throttling', '');

    // Act
    const described = describeAwsError(err);

    // Assess
    expect(described).toEqual({ code: 'Throttling', message: 'Throttling' });
  });
});

describe('describeCallError', () => {
  it('reports a call cut short by its own signal as Timeout, with the limit', () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();

    // Act
    const described = describeCallError(abortError(), controller.signal, 'DescribeRegistry', 250);

    // Assess
    expect(described).toEqual({ code: 'Timeout', message: 'DescribeRegistry did not answer within 250 ms' });
  });

  it('reports the error itself while the signal has not fired', () => {
    // Prepare
    const signal = new AbortController().signal;
    const denied = unmodeled(ECRServiceException, 'AccessDeniedException', 'not authorized', 400);

    // Act
    const described = describeCallError(denied, signal, 'DescribeRegistry', 250);

    // Assess
    expect(described).toEqual({ code: 'AccessDeniedException', message: 'not authorized' });
  });
});

describe('callWithin', () => {
  /** A call that answers only when its signal fires: what the SDK does with a request that never gets an answer. */
  const untilAborted = (abortSignal: AbortSignal) =>
    new Promise<never>((_resolve, reject) => {
      abortSignal.addEventListener('abort', () => reject(abortError()), { once: true });
    });

  it('gives the output of a call that answers in time', async () => {
    // Act
    const outcome = await callWithin('DescribeRegistry', 1_000, async () => ({ registryId: '123456789012' }));

    // Assess
    expect(outcome).toEqual({ ok: true, output: { registryId: '123456789012' } });
  });

  it('describes a failed call, keeping what was thrown as its cause', async () => {
    // Prepare
    const denied = unmodeled(ECRServiceException, 'AccessDeniedException', 'not authorized');

    // Act
    const outcome = await callWithin('DescribeRegistry', 1_000, async () => {
      throw denied;
    });

    // Assess
    expect(outcome).toEqual({
      ok: false,
      error: { code: 'AccessDeniedException', message: 'not authorized' },
      cause: denied,
    });
  });

  it('reports a call still running at its deadline as Timeout, naming the operation and the limit', async () => {
    // Act
    const outcome = await callWithin('ListRegions', 20, untilAborted);

    // Assess
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: 'Timeout', message: 'ListRegions did not answer within 20 ms' },
      cause: { name: 'AbortError' },
    });
  });

  it('gives every request of the call the same signal: one deadline covers all the pages', async () => {
    // Prepare
    const signals: AbortSignal[] = [];

    // Act
    const outcome = await callWithin('ListRolePolicies', 30, async (abortSignal) => {
      signals.push(abortSignal);
      await new Promise((resolve) => setTimeout(resolve, 1));
      signals.push(abortSignal);
      return untilAborted(abortSignal);
    });

    // Assess
    expect(outcome).toMatchObject({ ok: false, error: { code: 'Timeout' } });
    expect(signals).toHaveLength(2);
    expect(signals[0]).toBe(signals[1]);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('gives each call its own deadline', async () => {
    // Prepare
    const signals: AbortSignal[] = [];
    const call = async (abortSignal: AbortSignal) => void signals.push(abortSignal);

    // Act
    await callWithin('GetRole', 1_000, call);
    await callWithin('GetRole', 1_000, call);

    // Assess
    expect(signals[0]).not.toBe(signals[1]);
  });
});

// There is deliberately no "is this Region not enabled?" classifier: ECR's UnrecognizedClientException is also
// its answer to a bad or expired token, so only the account's opt-in status can say (see observeAccount).
describe('classifiers', () => {
  it.each([
    [
      'IAM’s NoSuchEntityException',
      new NoSuchEntityException({ message: 'The role cannot be found.', $metadata: { httpStatusCode: 404 } }),
      true,
    ],
    ['IAM’s AccessDenied', unmodeled(IAMServiceException, 'AccessDenied', 'no', 403), false],
    ['IAM’s Throttling', unmodeled(IAMServiceException, 'Throttling', 'Rate exceeded', 400), false],
    ['a network error', connectionRefused(), false],
    ['nothing', undefined, false],
    [
      'the AwsError describing a NoSuchEntityException',
      describeAwsError(new NoSuchEntityException({ message: 'gone', $metadata: {} })),
      true,
    ],
    [
      'the AwsError of a call cut short by its deadline',
      { code: 'Timeout', message: 'GetRole did not answer within 10 ms' },
      false,
    ],
  ])('isAbsent: %s → %s', (_label, err, expected) => {
    // Act
    const absent = isAbsent(err);

    // Assess
    expect(absent).toBe(expected);
  });
});

// The errors above are built by hand. These ask the real clients, over HTTP, for the same answers, so that
// the hand-built errors (here and in the other adapter tests) stay what the SDK actually throws.
describe('errors as the real SDK clients throw them', () => {
  let endpoint: LocalEndpoint | undefined;

  afterEach(async () => {
    await endpoint?.close();
    endpoint = undefined;
  });

  async function thrownFor(answer: Answer, call: (url: string) => Promise<unknown>): Promise<unknown> {
    endpoint = await startLocalEndpoint(() => answer);
    return call(endpoint.url).then(
      () => expect.unreachable('the call should have failed'),
      (error: unknown) => error,
    );
  }

  const json = (status: number, body: Record<string, string>): Answer => ({
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify(body),
  });
  const xml = (status: number, code: string, message: string): Answer => ({
    status,
    headers: { 'content-type': 'text/xml' },
    body:
      '<ErrorResponse><Error><Type>Sender</Type>' +
      `<Code>${code}</Code><Message>${message}</Message></Error><RequestId>r-1</RequestId></ErrorResponse>`,
  });
  /** REST-JSON (the Account API): the code in `x-amzn-errortype`, the message in the body. */
  const restJson = (status: number, code: string, message: string): Answer => ({
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
    body: JSON.stringify({ message }),
  });
  const options = (url: string) => ({
    region: 'us-east-1',
    endpoint: url,
    credentials: TEST_CREDENTIALS,
    maxAttempts: 1,
  });

  it.each([
    [
      'ECR UnrecognizedClientException',
      json(400, {
        __type: 'UnrecognizedClientException',
        message: 'The security token included in the request is invalid.',
      }),
      (url: string) => new ECRClient(options(url)).send(new DescribeRegistryCommand({})),
      unmodeled(
        ECRServiceException,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      ),
    ],
    [
      'ECR AccessDeniedException',
      json(400, {
        __type: 'AccessDeniedException',
        message: 'not authorized to perform: ecr:DescribeRegistry',
      }),
      (url: string) => new ECRClient(options(url)).send(new DescribeRegistryCommand({})),
      unmodeled(
        ECRServiceException,
        'AccessDeniedException',
        'not authorized to perform: ecr:DescribeRegistry',
      ),
    ],
    [
      'IAM AccessDenied',
      xml(403, 'AccessDenied', 'not authorized to perform: iam:GetRole'),
      (url: string) => new IAMClient(options(url)).send(new GetRoleCommand({ RoleName: 'x' })),
      unmodeled(IAMServiceException, 'AccessDenied', 'not authorized to perform: iam:GetRole', 403),
    ],
    [
      'STS ExpiredToken',
      xml(400, 'ExpiredToken', 'The security token included in the request is expired'),
      (url: string) => new STSClient(options(url)).send(new GetCallerIdentityCommand({})),
      unmodeled(STSServiceException, 'ExpiredToken', 'The security token included in the request is expired'),
    ],
    [
      'EC2 UnauthorizedOperation',
      {
        status: 403,
        headers: { 'content-type': 'text/xml' },
        body:
          '<Response><Errors><Error><Code>UnauthorizedOperation</Code>' +
          '<Message>You are not authorized to perform this operation.</Message></Error></Errors>' +
          '<RequestID>r-1</RequestID></Response>',
      },
      (url: string) => new EC2Client(options(url)).send(new DescribeRegionsCommand({})),
      unmodeled(
        EC2ServiceException,
        'UnauthorizedOperation',
        'You are not authorized to perform this operation.',
        403,
      ),
    ],
    [
      'Account API UnrecognizedClientException',
      restJson(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'),
      (url: string) => new AccountClient(options(url)).send(new ListRegionsCommand({})),
      unmodeled(
        AccountServiceException,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
        403,
      ),
    ],
  ])(
    '%s comes back as the client’s base exception, as the tests build it',
    async (_label, answer, call, built) => {
      // Act
      const thrown = await thrownFor(answer, call);

      // Assess
      expect(Object.getPrototypeOf(thrown)).toBe(Object.getPrototypeOf(built));
      expect(thrown).toMatchObject({
        name: built.name,
        message: built.message,
        $fault: built.$fault,
        $metadata: { httpStatusCode: built.$metadata.httpStatusCode },
      });
      expect(describeAwsError(thrown)).toEqual(describeAwsError(built));
    },
  );

  it('IAM NoSuchEntity comes back as the modelled NoSuchEntityException', async () => {
    // Act
    const thrown = await thrownFor(xml(404, 'NoSuchEntity', 'The role with name x cannot be found.'), (url) =>
      new IAMClient(options(url)).send(new GetRoleCommand({ RoleName: 'x' })),
    );

    // Assess
    expect(thrown).toBeInstanceOf(NoSuchEntityException);
    expect(isAbsent(thrown)).toBe(true);
    expect(describeAwsError(thrown)).toEqual({
      code: 'NoSuchEntityException',
      message: 'The role with name x cannot be found.',
    });
  });

  it('Account API AccessDeniedException comes back as the modelled AccessDeniedException', async () => {
    // Act
    const thrown = await thrownFor(restJson(403, 'AccessDeniedException', 'not authorized'), (url) =>
      new AccountClient(options(url)).send(new ListRegionsCommand({})),
    );

    // Assess
    expect(thrown).toBeInstanceOf(AccessDeniedException);
    expect(describeAwsError(thrown)).toEqual({ code: 'AccessDeniedException', message: 'not authorized' });
  });

  it('an answer that is not the service’s (an emulator’s HTML 404 page) is named UnparseableResponse', async () => {
    // Act
    const thrown = await thrownFor(
      {
        status: 404,
        headers: { 'content-type': 'text/html' },
        body: '<!doctype html><title>404 Not Found</title>',
      },
      (url) => new AccountClient(options(url)).send(new ListRegionsCommand({})),
    );

    // Assess
    expect(thrown).toBeInstanceOf(SyntaxError);
    expect(describeAwsError(thrown)).toEqual({
      code: 'UnparseableResponse',
      message: expect.stringContaining('HTTP 404'),
    });
  });

  it('a refused connection comes back as Node’s error, with its code', async () => {
    // Prepare
    const nothingListens = 'http://127.0.0.1:1';

    // Act
    const thrown = await new ECRClient(options(nothingListens)).send(new DescribeRegistryCommand({})).then(
      () => expect.unreachable('the call should have failed'),
      (error: unknown) => error,
    );

    // Assess
    expect(thrown).toMatchObject({ name: 'Error', code: 'ECONNREFUSED', syscall: 'connect' });
    expect(describeAwsError(thrown)).toEqual({
      code: 'ECONNREFUSED',
      message: 'connect ECONNREFUSED 127.0.0.1:1',
    });
  });
});
