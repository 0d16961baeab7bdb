import type { CredentialSource } from './scan-organization.js';

/** What the pool needs of an SDK client: its resolved configuration (credentials settable) and middleware stack. */
export interface LendableClient {
  readonly config: { credentials: unknown };
  readonly middlewareStack: {
    add(
      middleware: (next: (args: never) => Promise<unknown>) => (args: never) => Promise<unknown>,
      options: { step: 'initialize'; name: string; override: boolean },
    ): void;
  };
}

/** Lends `use` a client of `region` that signs with `credentials`, for as long as `use` runs. */
export type ClientLender<C> = <T>(
  region: string,
  credentials: CredentialSource,
  use: (client: C) => Promise<T>,
) => Promise<T>;

/** Signs nothing: the credentials of a client that is not lent. */
const NOT_LENT: CredentialSource = async () => {
  throw new Error('this SDK client is not lent to any account: it signs nothing');
};

interface Lent<C> {
  readonly client: C;
  readonly region: string;
  /** Calls sent and not yet settled (their retries included). */
  inFlight: number;
  /** Given back by its borrower: idle again once nothing is in flight. */
  returned: boolean;
}

/**
 * SDK clients of one service, kept per Region and lent to one read at a time, each read signing with its own
 * account's credentials: the client's credentials are set to the borrower's when it is lent, and it is lent again
 * only once its borrower has given it back and none of the calls sent through it is still in flight (a client signs
 * every call, retries included, with the credentials it holds when the call is signed). Between loans a client signs
 * nothing.
 *
 * An organization scan reads each account in every Region with that account's credentials; a client built per
 * account and Region (18 an account) resolves its configuration and builds its middleware for a single call, about a
 * third of the CPU an account costs. Lent clients number at most the reads in flight at once per Region, whatever
 * the number of accounts.
 *
 * @example
 * const ecr = new ClientPool((region, credentials) => new ECRClient({ region, credentials }));
 * const read = await ecr.lend('eu-west-1', assumed.credentials, (client) => readRegistry(client, 'eu-west-1'));
 */
export class ClientPool<C extends LendableClient> {
  private readonly idle = new Map<string, Lent<C>[]>();

  constructor(private readonly make: (region: string, credentials: CredentialSource) => C) {}

  readonly lend: ClientLender<C> = async (region, credentials, use) => {
    const lent = this.idle.get(region)?.pop() ?? this.create(region, credentials);
    lent.returned = false;
    lent.client.config.credentials = credentials;
    try {
      return await use(lent.client);
    } finally {
      lent.returned = true;
      this.release(lent);
    }
  };

  private create(region: string, credentials: CredentialSource): Lent<C> {
    const lent: Lent<C> = { client: this.make(region, credentials), region, inFlight: 0, returned: false };
    lent.client.middlewareStack.add(
      (next) => async (args) => {
        lent.inFlight++;
        try {
          return await next(args);
        } finally {
          lent.inFlight--;
          this.release(lent);
        }
      },
      { step: 'initialize', name: 'ecrRoleReconcilerLoan', override: true },
    );
    return lent;
  }

  /** Makes `lent` idle if it is given back and nothing sent through it is in flight. */
  private release(lent: Lent<C>): void {
    if (!lent.returned || lent.inFlight > 0) return;
    lent.returned = false;
    lent.client.config.credentials = NOT_LENT;
    const idle = this.idle.get(lent.region) ?? [];
    idle.push(lent);
    this.idle.set(lent.region, idle);
  }
}
