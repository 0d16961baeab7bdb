import { ECRServiceException, ServerException, ValidationException } from '@aws-sdk/client-ecr';
import { NoSuchEntityException } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import {
  describeAwsError,
  describeCallError,
  isAbsent,
  isRegionNotEnabled,
} from '../../functions/adapters/aws-error.js';

/** What ECR's deserializer throws for an error it has no class for (e.g. UnrecognizedClientException). */
function unmodeled(name: string, message = `${name} happened`, httpStatusCode = 400) {
  return new ECRServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message });
}

describe('describeAwsError', () => {
  it.each([
    [
      'a modelled IAM exception',
      new NoSuchEntityException({ message: 'no role', $metadata: {} }),
      'NoSuchEntityException',
      'no role',
    ],
    [
      'a modelled ECR exception',
      new ValidationException({ message: 'bad', $metadata: {} }),
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
      'an unmodelled code',
      unmodeled('UnrecognizedClientException', 'invalid token'),
      'UnrecognizedClientException',
      'invalid token',
    ],
    [
      'a generic Error with Code',
      Object.assign(new Error('denied'), { Code: 'AccessDenied' }),
      'AccessDenied',
      'denied',
    ],
    [
      'a generic Error with a qualified __type',
      Object.assign(new Error('bad token'), {
        __type: 'com.amazon.coral.service#UnrecognizedClientException',
      }),
      'UnrecognizedClientException',
      'bad token',
    ],
    [
      'a network error',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      'ECONNREFUSED',
      'connect ECONNREFUSED',
    ],
    ['a plain Error', new Error('odd'), 'Error', 'odd'],
    [
      'a plain object with Message',
      { Code: 'Throttling', Message: 'Rate exceeded' },
      'Throttling',
      'Rate exceeded',
    ],
    ['a string', 'just text', 'UnknownError', 'just text'],
    ['undefined', undefined, 'UnknownError', 'undefined'],
  ])('reads the code and message of %s', (_label, err, code, message) => {
    // Act
    const described = describeAwsError(err);

    // Assess
    expect(described).toEqual({ code, message });
  });

  it('uses the code as the message when there is none', () => {
    // Prepare
    const err = unmodeled('ThrottlingException', '');

    // Act
    const described = describeAwsError(err);

    // Assess
    expect(described).toEqual({ code: 'ThrottlingException', message: 'ThrottlingException' });
  });
});

describe('describeCallError', () => {
  it('reports a call cut short by its own signal as Timeout, with the limit', () => {
    // Prepare
    const controller = new AbortController();
    controller.abort();
    const abortError = Object.assign(new Error('Request aborted'), { name: 'AbortError' });

    // Act
    const described = describeCallError(abortError, controller.signal, 'DescribeRegistry', 250);

    // Assess
    expect(described).toEqual({ code: 'Timeout', message: 'DescribeRegistry did not answer within 250 ms' });
  });

  it('reports the error itself while the signal has not fired', () => {
    // Prepare
    const signal = new AbortController().signal;

    // Act
    const described = describeCallError(unmodeled('AccessDeniedException'), signal, 'DescribeRegistry', 250);

    // Assess
    expect(described.code).toBe('AccessDeniedException');
  });
});

describe('classifiers', () => {
  it.each([
    [unmodeled('UnrecognizedClientException'), true],
    [Object.assign(new Error('x'), { __type: 'UnrecognizedClientException' }), true],
    [unmodeled('AccessDeniedException'), false],
    [new ValidationException({ message: 'x', $metadata: {} }), false],
    [new Error('UnrecognizedClientException'), false],
  ])('isRegionNotEnabled(%o) is %s', (err, expected) => {
    // Act
    const notEnabled = isRegionNotEnabled(err);

    // Assess
    expect(notEnabled).toBe(expected);
  });

  it.each([
    [
      new NoSuchEntityException({ message: 'The role cannot be found.', $metadata: { httpStatusCode: 404 } }),
      true,
    ],
    [unmodeled('AccessDenied', 'no', 403), false],
    [undefined, false],
  ])('isAbsent(%o) is %s', (err, expected) => {
    // Act
    const absent = isAbsent(err);

    // Assess
    expect(absent).toBe(expected);
  });
});
