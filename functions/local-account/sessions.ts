import { randomBytes, randomInt } from 'node:crypto';

/** Temporary credentials STS issued for a role, and whom they act as. */
export interface Session {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  /** The account the role belongs to: requests signed with this key are served from its state. */
  readonly account: string;
  readonly roleName: string;
  readonly rolePath: string;
  readonly roleId: string;
  readonly sessionName: string;
  /** When the credentials stop working, in ms since the epoch (the local account's clock). */
  readonly expiresAt: number;
}

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * The sessions issued by `AssumeRole`, found by their access key id in one map lookup, whatever their number (a
 * benchmark assumes a role in each of a thousand accounts, again as credentials near expiry).
 */
export class Sessions {
  private readonly byKey = new Map<string, Session>();
  /** Keys of sessions whose account is no longer served: still STS's, so never taken for the caller's. */
  private readonly revoked = new Set<string>();

  issue(fields: Omit<Session, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>): Session {
    const session: Session = {
      ...fields,
      accessKeyId: uniqueKey(this.byKey),
      secretAccessKey: randomBytes(30).toString('base64'),
      // STS session tokens are long, opaque and of no fixed size; this one is only ever compared by the SDK.
      sessionToken: `IQoJb3JpZ2luX2VjE${randomBytes(180).toString('base64')}`,
    };
    this.byKey.set(session.accessKeyId, session);
    return session;
  }

  find(accessKeyId: string): Session | undefined {
    return this.byKey.get(accessKeyId);
  }

  /** Whether `accessKeyId` was issued for an account no longer served: a key no service recognizes. */
  isRevoked(accessKeyId: string): boolean {
    return this.revoked.has(accessKeyId);
  }

  /** Revokes every session of `account` (the account is gone): their keys are recognized nowhere from now on. */
  revokeAccount(account: string): void {
    for (const [key, session] of this.byKey) {
      if (session.account !== account) continue;
      this.byKey.delete(key);
      this.revoked.add(key);
    }
  }
}

/** An access key id shaped as STS's temporary ones are: `ASIA` and 16 upper-case letters and digits. */
function uniqueKey(taken: ReadonlyMap<string, unknown>): string {
  for (;;) {
    let key = 'ASIA';
    for (let i = 0; i < 16; i++) key += KEY_ALPHABET[randomInt(KEY_ALPHABET.length)];
    if (!taken.has(key)) return key;
  }
}

/** The ARN a role session acts as, e.g. in `GetCallerIdentity` and in STS's refusals. */
export function sessionArn(session: Session): string {
  return `arn:aws:sts::${session.account}:assumed-role/${session.roleName}/${session.sessionName}`;
}
