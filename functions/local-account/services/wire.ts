import { randomUUID } from 'node:crypto';
import type { ApiError } from '../state.js';
import { xml } from '../xml.js';

/** One answer on the wire. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Where a request goes and what it asks: read off the SigV4 credential scope and the protocol's action field. */
export interface ApiRequest {
  readonly service: string;
  readonly region: string;
  readonly operation: string;
  readonly params: URLSearchParams;
  readonly json: Record<string, unknown>;
}

/** IAM's XML namespace, also the one the other query-protocol errors (SNS) are written in here. */
export const IAM_NS = 'https://iam.amazonaws.com/doc/2010-05-08/';

/** STS's XML namespace: its answers and its errors are written in it. */
export const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** The services that speak AWS JSON (errors in `__type`); the others speak the query protocol (errors in XML). */
export const JSON_ERROR_SERVICES: ReadonlySet<string> = new Set(['ecr', 'sqs', 'organizations']);
/** The services that speak REST-JSON (the operation in the path, the error code in `x-amzn-errortype`). */
export const REST_JSON_SERVICES: ReadonlySet<string> = new Set(['account']);

/** A refusal as `service` writes it on the wire, in its protocol. */
export function errorResponse(service: string, error: ApiError): WireResponse {
  if (JSON_ERROR_SERVICES.has(service)) return jsonError(service, error);
  if (REST_JSON_SERVICES.has(service)) return restJsonError(error);
  return queryError(service, error);
}

/** A successful answer in the AWS query protocol: `<Operation>Response`, its `<Operation>Result` and a request id. */
export function queryResponse(
  namespace: string,
  operation: string,
  result: Record<string, unknown> | undefined,
): WireResponse {
  const resultXml = result ? xml(`${operation}Result`, result as never) : '';
  const body = `<${operation}Response xmlns="${namespace}">${resultXml}<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`;
  return { status: 200, headers: { 'content-type': 'text/xml' }, body };
}

/**
 * An error in AWS JSON (ECR's and Organizations' 1.1, SQS's 1.0): the code in `__type` and `x-amzn-errortype`, with
 * the error's own fields (Organizations spells its message `Message` and adds `Reason` or `Type`).
 */
function jsonError(service: string, error: ApiError): WireResponse {
  const messageKey = service === 'organizations' ? 'Message' : 'message';
  return {
    status: error.status,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': error.code },
    body: JSON.stringify({ __type: error.code, [messageKey]: error.message, ...error.fields }),
  };
}

/** An error in REST-JSON (the Account API): the code in `x-amzn-errortype`, the message in the body. */
function restJsonError(error: ApiError): WireResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': error.code },
    body: JSON.stringify({ message: error.message }),
  };
}

/** Errors in the query protocols: IAM/STS/SNS `ErrorResponse`, EC2 `Response/Errors`. */
function queryError(service: string, error: ApiError): WireResponse {
  const body =
    service === 'ec2'
      ? `<Response><Errors>${xml('Error', { Code: error.code, Message: error.message })}</Errors><RequestID>${randomUUID()}</RequestID></Response>`
      : `<ErrorResponse xmlns="${service === 'sts' ? STS_NS : IAM_NS}">${xml('Error', { Type: error.status >= 500 ? 'Receiver' : 'Sender', Code: error.code, Message: error.message })}<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  return { status: error.status, headers: { 'content-type': 'text/xml' }, body };
}
