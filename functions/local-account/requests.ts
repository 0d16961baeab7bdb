import type { IncomingMessage } from 'node:http';
import { type ApiRequest, REST_JSON_SERVICES } from './services/wire.js';

const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921.';

/** A request signed with SigV4, with the access key id it was signed with. */
interface SignedRequest extends ApiRequest {
  readonly accessKeyId: string;
}

/**
 * Reads a request as its service's protocol puts it: the service, Region and key from the SigV4 credential scope
 * (`Credential=<key>/<date>/<region>/<service>/aws4_request`); the operation from the path (REST-JSON), the
 * `X-Amz-Target` header (AWS JSON) or the `Action` field (query). `undefined` when the request is not signed.
 */
export function parseRequest(req: IncomingMessage, body: string): SignedRequest | undefined {
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(
    req.headers.authorization ?? '',
  );
  if (!scope) return undefined;
  const [, accessKeyId = '', region = '', service = ''] = scope;
  const target = String(req.headers['x-amz-target'] ?? '');
  if (REST_JSON_SERVICES.has(service)) {
    // REST-JSON: `POST /listRegions` → `ListRegions`.
    const path = new URL(req.url ?? '/', 'http://local').pathname.replace(/^\/+/, '');
    return {
      service,
      region,
      accessKeyId,
      operation: path.charAt(0).toUpperCase() + path.slice(1),
      params: new URLSearchParams(),
      json: asObject(safeJson(body)),
    };
  }
  if (target) {
    return {
      service,
      region,
      accessKeyId,
      operation: target.replace(ECR_TARGET_PREFIX, '').replace(/^.*\./, ''),
      params: new URLSearchParams(),
      json: asObject(safeJson(body)),
    };
  }
  const params = new URLSearchParams(body);
  return { service, region, accessKeyId, operation: params.get('Action') ?? '', params, json: {} };
}

/**
 * The account an `AssumeRole` call reaches into (its `RoleArn`'s), so that faults, latencies and the record of calls
 * can name it as they name the account a member's credentials read; `undefined` for any other call.
 */
export function assumedAccount(request: ApiRequest): string | undefined {
  if (request.service !== 'sts' || request.operation !== 'AssumeRole') return undefined;
  return /^arn:[\w-]+:iam::(\d{12}):/.exec(request.params.get('RoleArn') ?? '')?.[1];
}

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The text as JSON, or the text itself when it is not JSON. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
