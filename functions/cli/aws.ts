import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { AccountReaderClients } from '../adapters/account-reader.js';
import type { NotifierClients } from '../app/reconcile-deps.js';
import type { Clock } from '../clock.js';
import { UsageError } from '../core/errors.js';
import type { Output } from './output.js';

type Env = Readonly<Record<string, string | undefined>>;

/** One AWS call as `--debug` reports it: never its input, output, credentials or signature. */
export interface AwsCall {
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly ms: number;
  /** The HTTP status of the last attempt; `undefined` when no answer came (a timeout, a network error). */
  readonly status: number | undefined;
  readonly attempts: number;
  /** The error's code (its name), when the call failed. */
  readonly error: string | undefined;
}

/** How the CLI builds its SDK clients: the profile to sign with, and who hears of each call. */
export interface SdkSetup {
  /** `--profile`: given to every client, so that the profile wins over access keys in the environment. */
  readonly profile?: string | undefined;
  readonly onCall?: ((call: AwsCall) => void) | undefined;
  readonly clock: Clock;
  /** Every call to this endpoint instead of AWS (the demo's local account), whatever the environment says. */
  readonly endpoint?: SdkEndpoint | undefined;
}

/**
 * An endpoint every client sends to, signing with these keys, in `region` unless told another: given to each client
 * as its configuration, so that neither the environment nor the shared files point it elsewhere.
 */
export interface SdkEndpoint {
  readonly url: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly maxAttempts: number;
}

/**
 * The SDK setup for a command's `--profile` and `--debug`. `--debug` lines go to stderr: text for `scan`, JSON
 * lines (like the other logs) for `handle`.
 */
export function sdkSetup(
  flags: { readonly profile?: string | undefined; readonly debug?: boolean | undefined },
  output: Output,
  clock: Clock,
  format: 'text' | 'json' = 'text',
): SdkSetup {
  const onCall = !flags.debug
    ? undefined
    : format === 'text'
      ? (call: AwsCall) => output.err(`debug: ${describeCall(call)}`)
      : (call: AwsCall) =>
          output.err(
            JSON.stringify({
              level: 'DEBUG',
              message: 'aws call',
              timestamp: clock.now().toISOString(),
              ...call,
            }),
          );
  return { profile: flags.profile, onCall, clock };
}

/** `aws ECR DescribeRegistry eu-west-1 HTTP 400 in 12 ms (AccessDeniedException)` */
function describeCall(call: AwsCall): string {
  const attempts = call.attempts > 1 ? ` after ${call.attempts} attempts` : '';
  const error = call.error ? ` (${call.error})` : '';
  return `aws ${call.service} ${call.operation} ${call.region} HTTP ${call.status ?? '-'} in ${call.ms} ms${attempts}${error}`;
}

/** The SDK logs nothing of ours; with `--profile` it would warn that keys are also in the environment. */
const SILENT_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/**
 * What every client is given: the Region, with `--profile` the profile (credentials and Region from it), and with an
 * endpoint the endpoint, its keys and its Region.
 */
export function clientConfig(region: string | undefined, setup: SdkSetup) {
  const { endpoint } = setup;
  return {
    ...(region === undefined ? {} : { region }),
    ...(setup.profile === undefined ? {} : { profile: setup.profile, logger: SILENT_LOGGER }),
    ...(endpoint === undefined
      ? {}
      : {
          region: region ?? endpoint.region,
          endpoint: endpoint.url,
          credentials: endpoint.credentials,
          maxAttempts: endpoint.maxAttempts,
        }),
  };
}

interface Instrumentable {
  readonly config: { region: () => Promise<string> };
  readonly middlewareStack: {
    add(
      middleware: (
        next: (args: unknown) => Promise<{ output: unknown }>,
        context: { clientName?: string; commandName?: string },
      ) => (args: unknown) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string; override: boolean },
    ): void;
  };
}

/** Reports each call of `client` to `setup.onCall`, once per command (its retries included). */
export function instrument<C>(client: C, setup: SdkSetup): C {
  const onCall = setup.onCall;
  if (!onCall) return client;
  const target = client as unknown as Instrumentable;
  target.middlewareStack.add(
    (next, context) => async (args) => {
      const started = setup.clock.now().getTime();
      const report = async (metadata: unknown, error: string | undefined) => {
        const { httpStatusCode, attempts } = (metadata ?? {}) as {
          httpStatusCode?: number;
          attempts?: number;
        };
        onCall({
          service: (context.clientName ?? 'AWS').replace(/Client$/, ''),
          operation: (context.commandName ?? 'call').replace(/Command$/, ''),
          region: await target.config.region().catch(() => '-'),
          ms: Math.max(0, setup.clock.now().getTime() - started),
          status: httpStatusCode,
          attempts: attempts ?? 1,
          error,
        });
      };
      try {
        const result = await next(args);
        await report((result.output as { $metadata?: unknown }).$metadata, undefined);
        return result;
      } catch (error) {
        const { name, $metadata } = (error ?? {}) as { name?: string; $metadata?: unknown };
        await report($metadata, name ?? 'Error');
        throw error;
      }
    },
    { step: 'initialize', name: 'ecrRoleReconcilerDebug', override: true },
  );
  return client;
}

/*
 * The SDK clients are imported when first needed, never with this module: loading them is most of a command's
 * start-up, and a command that stops before reading (`--help`, a bad flag) should load none of them.
 */

/** The account reader's clients (ECR per Region, IAM, STS), with the profile and `--debug`. */
export async function readerClients(setup: SdkSetup): Promise<AccountReaderClients> {
  const [{ ECRClient }, { IAMClient }, { STSClient }] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('@aws-sdk/client-iam'),
    import('@aws-sdk/client-sts'),
  ]);
  return {
    ecr: (region) => instrument(new ECRClient(clientConfig(region, setup)), setup),
    iam: (region) => instrument(new IAMClient(clientConfig(region, setup)), setup),
    sts: (region) => instrument(new STSClient(clientConfig(region, setup)), setup),
  };
}

/** EC2's client (the Region list and opt-in status), with the profile and `--debug`. */
export async function ec2Clients(setup: SdkSetup): Promise<(region: string) => EC2Client> {
  const { EC2Client } = await import('@aws-sdk/client-ec2');
  return (region) => instrument(new EC2Client(clientConfig(region, setup)), setup);
}

/** The alert channels' clients (SNS, Secrets Manager), with the profile and `--debug`. */
export async function notifierClients(setup: SdkSetup): Promise<NotifierClients> {
  const [{ SNSClient }, { SecretsManagerClient }] = await Promise.all([
    import('@aws-sdk/client-sns'),
    import('@aws-sdk/client-secrets-manager'),
  ]);
  return {
    sns: (region) => instrument(new SNSClient(clientConfig(region, setup)), setup),
    secretsManager: (region) => instrument(new SecretsManagerClient(clientConfig(region, setup)), setup),
  };
}

/**
 * The Region to list Regions and ask STS in: `AWS_REGION` (or `AWS_DEFAULT_REGION`), else with `--profile` that
 * profile's `region`; `undefined` leaves it to the SDK's own chain.
 */
export async function homeRegion(env: Env, setup: SdkSetup): Promise<string | undefined> {
  const named = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (named || setup.profile === undefined) return named;
  const { STSClient } = await import('@aws-sdk/client-sts');
  return new STSClient(clientConfig(undefined, setup)).config.region().catch(() => undefined);
}

/**
 * Refuses a profile (`--profile`, else `AWS_PROFILE`) that neither the config nor the credentials file defines,
 * naming it, where it was looked for and the profiles that are there. The SDK would only say that it found no
 * credentials.
 * @see https://docs.aws.amazon.com/sdkref/latest/guide/file-format.html
 */
export async function assertProfileExists(env: Env, flag: string | undefined): Promise<void> {
  const profile = flag ?? env.AWS_PROFILE?.trim();
  if (!profile) return;
  const home = env.HOME ?? env.USERPROFILE ?? homedir();
  const expand = (path: string) => (path.startsWith('~/') ? join(home, path.slice(2)) : path);
  const configFile = expand(env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config'));
  const credentialsFile = expand(env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials'));
  const [config, credentials] = await Promise.all([
    profilesIn(configFile, 'config'),
    profilesIn(credentialsFile, 'credentials'),
  ]);
  if (config?.has(profile) || credentials?.has(profile)) return;

  const where = (file: string, found: ReadonlySet<string> | undefined) =>
    `${file}${found === undefined ? ' (no such file)' : ''}`;
  const known = [...new Set([...(config ?? []), ...(credentials ?? [])])].sort();
  throw new UsageError(
    `the AWS profile "${profile}" (from ${flag === undefined ? 'AWS_PROFILE' : '--profile'}) is not defined: looked ` +
      `for it in ${where(configFile, config)} and ${where(credentialsFile, credentials)} (AWS_CONFIG_FILE and ` +
      `AWS_SHARED_CREDENTIALS_FILE move them). ${known.length > 0 ? `Profiles there: ${known.join(', ')}.` : 'No profile is defined there.'} ` +
      `Name one of those, or create it (\`aws configure --profile ${profile}\`, or \`aws configure sso\`).`,
  );
}

/** The profile names a shared file defines; `undefined` when it cannot be read. */
async function profilesIn(path: string, kind: 'config' | 'credentials'): Promise<Set<string> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const section = /^\s*\[\s*([^\]]+?)\s*\]\s*(?:[#;].*)?$/.exec(line)?.[1];
    if (!section) continue;
    if (kind === 'credentials') names.add(section);
    else if (section === 'default') names.add(section);
    else {
      const name = /^profile\s+(["']?)(\S+)\1$/.exec(section)?.[2];
      if (name) names.add(name);
    }
  }
  return names;
}
