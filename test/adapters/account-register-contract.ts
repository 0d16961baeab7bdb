import { beforeEach, describe, expect, it } from 'vitest';
import type { AccountRegister } from '../../functions/core/ports.js';

/*
 * What every AccountRegister must do (organization mode: account names for alerts, open-alert marks for the
 * sweep), run against each adapter: the DynamoDB table (dynalite) and the local JSON file.
 */

const A = '111111111111';
const B = '222222222222';
const C = '333333333333';

export function describeAccountRegisterContract(
  name: string,
  openRegister: () => Promise<{ register: AccountRegister; reopen: () => AccountRegister }>,
): void {
  describe(`${name}: the AccountRegister contract`, () => {
    let register: AccountRegister;
    let reopen: () => AccountRegister;

    beforeEach(async () => {
      ({ register, reopen } = await openRegister());
    });

    it('knows no account at first', async () => {
      expect(await register.accountEntry(A)).toBeUndefined();
      expect(await register.accountEntries()).toEqual([]);
    });

    it('keeps a name and a mark apart: setting one never undoes the other', async () => {
      // Act
      await register.setAccountName(A, 'prod-eu');
      await register.markOpenAlerts(A);
      await register.setAccountName(A, 'prod-eu-renamed');

      // Assess
      const entry = await reopen().accountEntry(A);
      expect(entry).toMatchObject({ account: A, name: 'prod-eu-renamed' });
      expect(entry?.openAlertsMark).toEqual(expect.any(String));
    });

    it('lists every entry, sorted by account, named or not', async () => {
      // Act
      await register.markOpenAlerts(C);
      await register.setAccountName(A, 'prod-eu');
      await register.markOpenAlerts(B);

      // Assess
      const entries = await reopen().accountEntries();
      expect(entries.map(({ account, name }) => ({ account, name }))).toEqual([
        { account: A, name: 'prod-eu' },
        { account: B, name: null },
        { account: C, name: null },
      ]);
      expect(entries.map((entry) => entry.openAlertsMark === null)).toEqual([true, false, false]);
    });

    it('renews the mark on every marking, and clears it only while it is the one read', async () => {
      // Prepare
      await register.markOpenAlerts(A);
      const first = (await register.accountEntry(A))?.openAlertsMark;
      await register.markOpenAlerts(A);
      const second = (await register.accountEntry(A))?.openAlertsMark;

      // Act
      const staleCleared = await register.clearOpenAlertsMark(A, first ?? '');
      const afterStale = (await register.accountEntry(A))?.openAlertsMark;
      const cleared = await register.clearOpenAlertsMark(A, second ?? '');
      const clearedAgain = await register.clearOpenAlertsMark(A, second ?? '');

      // Assess
      expect(first).toEqual(expect.any(String));
      expect(second).toEqual(expect.any(String));
      expect(second).not.toBe(first);
      expect(staleCleared).toBe(false);
      expect(afterStale).toBe(second);
      expect(cleared).toBe(true);
      expect(clearedAgain).toBe(false);
      expect(await reopen().accountEntry(A)).toEqual({ account: A, name: null, openAlertsMark: null });
    });

    it('keeps the name when the mark is cleared', async () => {
      await register.setAccountName(A, 'legacy');
      await register.markOpenAlerts(A);
      const mark = (await register.accountEntry(A))?.openAlertsMark ?? '';

      await register.clearOpenAlertsMark(A, mark);

      expect(await register.accountEntry(A)).toEqual({ account: A, name: 'legacy', openAlertsMark: null });
    });

    it('lets one of two clearings of the same mark win', async () => {
      await register.markOpenAlerts(A);
      const mark = (await register.accountEntry(A))?.openAlertsMark ?? '';

      const results = await Promise.all([
        register.clearOpenAlertsMark(A, mark),
        reopen().clearOpenAlertsMark(A, mark),
      ]);

      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
