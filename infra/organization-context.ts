import { parseRegions } from '../functions/config.js';
import { type OrganizationProps, type StackSetCallAs, validateOrganization } from './organization-props.js';

/** The app's context keys of organization mode, by the prop each one sets: a public contract (README). */
export const ORGANIZATION_CONTEXT_KEYS = {
  organizationId: 'organizationId',
  targetOrganizationalUnitIds: 'targetOus',
  memberRegions: 'memberRegions',
  readRoleName: 'readRoleName',
  readRoleTrustedPrincipalArns: 'readRoleTrustedArns',
  managementAccountListRoleArn: 'managementListRoleArn',
  accountConcurrency: 'accountConcurrency',
  callAs: 'callAs',
} as const satisfies Record<keyof OrganizationProps, string>;

/** The context key naming the management account, which gets plain stacks of the member template. */
export const MANAGEMENT_ACCOUNT_CONTEXT_KEY = 'managementAccount';

/** Organization mode as the app's context asks for it. */
export interface OrganizationAppSettings {
  readonly organization: OrganizationProps;
  /** The management account: the member template as plain stacks there (a StackSet never deploys to it). */
  readonly managementAccount: string | undefined;
}

/**
 * Organization mode from the context (`text` reads a key, `undefined` when unset): on when `organizationId` is given,
 * which then needs `targetOus`; every other key of {@link ORGANIZATION_CONTEXT_KEYS} and `managementAccount` is
 * refused without it. Values are checked as the construct checks its props, errors naming the context key.
 */
export function readOrganizationContext(
  text: (key: string) => string | undefined,
  watchedRegions: readonly string[],
): OrganizationAppSettings | undefined {
  const keys = ORGANIZATION_CONTEXT_KEYS;
  const organizationId = text(keys.organizationId);
  if (organizationId === undefined) {
    const orphan = [...Object.values(keys), MANAGEMENT_ACCOUNT_CONTEXT_KEY].find(
      (key) => text(key) !== undefined,
    );
    if (orphan !== undefined) {
      throw new Error(
        `context ${orphan} is for organization mode: give the organization too, -c ${keys.organizationId}=o-…`,
      );
    }
    return undefined;
  }
  const list = (key: string) =>
    text(key)
      ?.split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const targetOus = list(keys.targetOrganizationalUnitIds);
  if (targetOus === undefined || targetOus.length === 0) {
    throw new Error(
      `context ${keys.targetOrganizationalUnitIds}: give the organizational units the member stacks go to, ` +
        `e.g. -c ${keys.targetOrganizationalUnitIds}=ou-ab12-cdefgh12,ou-ab12-ijklmn34 (or the root, r-…).`,
    );
  }
  const concurrencyText = text(keys.accountConcurrency);
  const accountConcurrency = concurrencyText === undefined ? undefined : Number(concurrencyText);
  if (accountConcurrency !== undefined && !Number.isFinite(accountConcurrency)) {
    throw new Error(`context ${keys.accountConcurrency}=${concurrencyText} is not a number.`);
  }
  const memberRegions = parseRegions(text(keys.memberRegions), `context ${keys.memberRegions}`);
  const organization: OrganizationProps = {
    organizationId,
    targetOrganizationalUnitIds: targetOus,
    ...(memberRegions ? { memberRegions } : {}),
    ...optional('readRoleName', text(keys.readRoleName)),
    ...optional('readRoleTrustedPrincipalArns', list(keys.readRoleTrustedPrincipalArns)),
    ...optional('managementAccountListRoleArn', text(keys.managementAccountListRoleArn)),
    ...optional('accountConcurrency', accountConcurrency),
    ...optional('callAs', text(keys.callAs) as StackSetCallAs | undefined),
  };
  validateOrganization(organization, watchedRegions, (key) => `context ${keys[key]}`);

  const managementAccount = text(MANAGEMENT_ACCOUNT_CONTEXT_KEY);
  if (managementAccount !== undefined && !/^\d{12}$/.test(managementAccount)) {
    throw new Error(
      `context ${MANAGEMENT_ACCOUNT_CONTEXT_KEY}=${managementAccount} is not a 12-digit AWS account id.`,
    );
  }
  return { organization, managementAccount };
}

/** `{ [key]: value }` when there is a value, else nothing. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
