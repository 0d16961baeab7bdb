import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalEndpoint {
  readonly url: string;
  /** The requests received so far: headers and body. */
  readonly requests: { headers: IncomingHttpHeaders; body: string }[];
  close(): Promise<void>;
}

export type Answer = { status: number; headers?: Record<string, string>; body: string };

/**
 * An HTTP endpoint on 127.0.0.1 for SDK clients in tests. With an `answer`, it replies with it; without, it never
 * replies, like a black-holed Region, so only the caller's own timeout ends the request.
 */
export async function startLocalEndpoint(answer?: (body: string) => Answer): Promise<LocalEndpoint> {
  const requests: LocalEndpoint['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      requests.push({ headers: req.headers, body });
      if (!answer) return;
      const { status, headers, body: out } = answer(body);
      res.writeHead(status, headers).end(out);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Static credentials for clients that talk to a local endpoint: signing needs some, nothing checks them. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' } as const;
