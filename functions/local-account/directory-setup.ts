import type { Clock } from '../clock.js';
import {
  AccountDirectory,
  type AccountRecord,
  DEFAULT_LISTING,
  type ListAccountsOptions,
  type OrganizationFacts,
  organizationIdFor,
} from './accounts.js';
import { AccountState, DEFAULT_ENABLED_REGIONS, DEFAULT_NOT_OPTED_IN } from './state.js';
import type { LocalAccountOptions, RegionsOption } from './types.js';

/** The caller's account id when none is given. */
export const DEFAULT_CALLER_ACCOUNT = '123456789012';

/** The Regions every account has unless told otherwise: the 17 enabled by default, and 4 opt-in ones not enabled. */
const DEFAULT_REGIONS: RegionsOption = [
  ...DEFAULT_ENABLED_REGIONS,
  ...DEFAULT_NOT_OPTED_IN.map((name) => ({ name, optInStatus: 'not-opted-in' as const })),
];

/** The accounts the local account starts with: the caller's, in its organization unless told otherwise. */
export interface StartingAccounts {
  readonly directory: AccountDirectory;
  readonly caller: AccountRecord;
  /** The Regions a member account gets when it is added without its own. */
  readonly regions: RegionsOption;
}

/**
 * Builds the directory of accounts from the options: the caller's account, and, when the organization is managed
 * by another account, that account too (named `management`, so that the caller can be a member that may or may
 * not list the organization).
 */
export function startingAccounts(options: LocalAccountOptions, clock: Clock): StartingAccounts {
  const regions = options.regions ?? DEFAULT_REGIONS;
  const callerId = options.account ?? DEFAULT_CALLER_ACCOUNT;
  const wanted = options.organization;
  const management = (wanted !== false && wanted?.managementAccount) || callerId;
  const organization: OrganizationFacts | undefined =
    wanted === false
      ? undefined
      : {
          id: organizationIdFor(management),
          managementAccount: management,
          delegatedAdministrators: new Set(wanted?.delegatedAdministrators ?? []),
          listing: listingWith(DEFAULT_LISTING, wanted?.listAccounts ?? {}),
        };
  const directory = new AccountDirectory(organization, clock);
  const caller = directory.add(new AccountState(callerId, regions, clock), {
    name: management === callerId ? 'management' : 'local',
  });
  if (management !== callerId)
    directory.add(new AccountState(management, regions, clock), { name: 'management' });
  return { directory, caller, regions };
}

/** `current` with `changes` applied, refused when it would page forever. */
export function listingWith(
  current: Required<ListAccountsOptions>,
  changes: ListAccountsOptions,
): Required<ListAccountsOptions> {
  const next = { ...current, ...changes };
  const every = next.emptyPageEvery;
  if (!Number.isInteger(every) || every < 0 || every === 1) {
    throw new Error(`emptyPageEvery is 0 (never) or a whole number from 2, not ${every}`);
  }
  return next;
}
