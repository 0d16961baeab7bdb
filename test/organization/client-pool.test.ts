import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeRegistryCommand, ECRClient } from '@aws-sdk/client-ecr';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRegistry } from '../../functions/adapters/ecr-registry.js';
import { mapBounded } from '../../functions/core/bounded.js';
import { ClientPool } from '../../functions/organization/client-pool.js';
import type { CredentialSource } from '../../functions/organization/scan-organization.js';

/*
 * The organization scan's lent clients, against a local ECR endpoint that answers each request with the registry of
 * the account whose key signed it: a read signed with another account's credentials would show that account.
 */

let server: Server;
let url: string;
/** The access key of each request received, in order. */
let signedWith: string[];

beforeEach(async () => {
  signedWith = [];
  server = createServer((req, res) => {
    const key = /Credential=([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unsigned';
    signedWith.push(key);
    req.resume().on('end', () => {
      // A short wait, so that the reads of a test overlap.
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ registryId: accountOfKey(key), replicationConfiguration: { rules: [] } }));
      }, 5);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const keyOf = (account: string) => `ASIA${account}`;
const accountOfKey = (key: string) => key.replace(/^ASIA/, '');
const credentialsOf =
  (account: string): CredentialSource =>
  async () => ({ accessKeyId: keyOf(account), secretAccessKey: 'secret', sessionToken: 'token' });

/** A pool of ECR clients on the local endpoint, counting the clients it builds. */
function ecrPool() {
  const made: string[] = [];
  const pool = new ClientPool((region, credentials) => {
    made.push(region);
    return new ECRClient({ region, credentials, endpoint: url, maxAttempts: 1 });
  });
  return { pool, made };
}

const ACCOUNTS = Array.from({ length: 12 }, (_, i) => String(100000000000 + i));
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

describe('ClientPool', () => {
  it('signs every read with the credentials of the account it reads, clients passing from account to account', async () => {
    const { pool, made } = ecrPool();
    const reads = ACCOUNTS.flatMap((account) => REGIONS.map((region) => ({ account, region })));

    // Six reads in flight at a time: clients are given back and lent to the next account while others are out.
    const read = await mapBounded(reads, 6, async ({ account, region }) => ({
      account,
      read: await pool.lend(region, credentialsOf(account), (client) => readRegistry(client, region)),
    }));

    for (const { account, read: one } of read)
      expect(one).toMatchObject({ outcome: 'read', registryId: account });
    expect([...signedWith].sort()).toEqual(reads.map(({ account }) => keyOf(account)).sort());
    // Never more clients in a Region than reads in flight, far fewer than reads.
    for (const region of REGIONS) expect(made.filter((r) => r === region).length).toBeLessThanOrEqual(6);
    expect(made.length).toBeLessThan(reads.length);
  });

  it('lends a client given back again, with the next borrower’s credentials', async () => {
    const { pool, made } = ecrPool();

    for (const account of ACCOUNTS) {
      const read = await pool.lend('eu-west-1', credentialsOf(account), (client) =>
        readRegistry(client, 'eu-west-1'),
      );
      expect(read).toMatchObject({ outcome: 'read', registryId: account });
    }

    expect(made).toEqual(['eu-west-1']);
    expect(signedWith).toEqual(ACCOUNTS.map(keyOf));
  });

  it('lends two reads in flight at once two clients', async () => {
    const { pool, made } = ecrPool();
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });

    const first = pool.lend('eu-west-1', credentialsOf(ACCOUNTS[0] as string), async (client) => {
      await held;
      return readRegistry(client, 'eu-west-1');
    });
    const second = await pool.lend('eu-west-1', credentialsOf(ACCOUNTS[1] as string), (client) =>
      readRegistry(client, 'eu-west-1'),
    );
    release();

    expect(second).toMatchObject({ registryId: ACCOUNTS[1] });
    expect(await first).toMatchObject({ registryId: ACCOUNTS[0] });
    expect(made).toEqual(['eu-west-1', 'eu-west-1']);
  });

  it('keeps a client given back while a call sent through it is still in flight', async () => {
    const { pool, made } = ecrPool();
    let inFlight: Promise<unknown> | undefined;

    // A borrower that gives the client back before its call has settled.
    await pool.lend('eu-west-1', credentialsOf(ACCOUNTS[0] as string), async (client) => {
      inFlight = client.send(new DescribeRegistryCommand({}));
    });
    const next = await pool.lend('eu-west-1', credentialsOf(ACCOUNTS[1] as string), (client) =>
      readRegistry(client, 'eu-west-1'),
    );

    expect(await inFlight).toMatchObject({ registryId: ACCOUNTS[0] });
    expect(next).toMatchObject({ registryId: ACCOUNTS[1] });
    expect(made).toEqual(['eu-west-1', 'eu-west-1']);
  });

  it('signs nothing with a client once it is given back', async () => {
    const { pool } = ecrPool();
    let kept: ECRClient | undefined;

    await pool.lend('eu-west-1', credentialsOf(ACCOUNTS[0] as string), async (client) => {
      kept = client;
      return readRegistry(client, 'eu-west-1');
    });

    await expect(kept?.send(new DescribeRegistryCommand({}))).rejects.toThrow(/not lent/);
    expect(signedWith).toEqual([keyOf(ACCOUNTS[0] as string)]);
  });
});
