// Migration 7 sums the merchant postings a database already holds into its running totals.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { MERCHANT, OUTSIDE, transfer } from '../../src/core/double-entry.ts';
import { randomIds } from '../../src/core/ids.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { merchantTotals, writeJournal } from '../../src/resources/balance/journal.ts';
import { openStore } from '../../src/store/open.ts';
import { systemContext } from '../../src/wire/context.ts';
import { dropPostgresDatabase } from '../postgres/database.ts';
import { databaseUrlFor, STORES } from '../support/server.ts';
import { undoMigration } from '../support/undo-migration.ts';

for (const kind of STORES) {
  describe(`merchant balance migration [${kind}]`, () => {
    it('carries the merchant postings of an older database into the running totals', async () => {
      const url = await databaseUrlFor(kind);
      const ctx = systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds);
      let store = await openStore(url);
      await store.write(async (tx) => {
        for (const [currency, amount] of [['usd', 1200], ['eur', 700], ['usd', 34]] as const) await writeJournal(tx, ctx, transfer(OUTSIDE, MERCHANT, currency, amount));
        await writeJournal(tx, ctx, transfer(MERCHANT, OUTSIDE, 'usd', 200));
      });
      assert.deepEqual(await store.read((tx) => merchantTotals(tx, DEFAULT_ACCOUNT_ID)), { usd: 1034, eur: 700 });
      await store.close();

      await undoMigration(kind, url, 7, ['DROP TABLE ledger_balances']);
      store = await openStore(url);
      try {
        assert.deepEqual(await store.read((tx) => merchantTotals(tx, DEFAULT_ACCOUNT_ID)), { usd: 1034, eur: 700 }, 'the migration summed the existing postings');
        await store.write((tx) => writeJournal(tx, ctx, transfer(OUTSIDE, MERCHANT, 'eur', 1)));
        assert.deepEqual(await store.read((tx) => merchantTotals(tx, DEFAULT_ACCOUNT_ID)), { usd: 1034, eur: 701 }, 'and later postings add to them');
      } finally {
        await store.close();
        if (kind === 'postgres') await dropPostgresDatabase(url);
      }
    });
  });
}
