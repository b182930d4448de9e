// Migration 11 gives each cash entry the running total of money in for its customer and
// currency (kept by a trigger), so FIFO ageing of a funding needs no replay of the history.
// Over a database written before it, the backfill must agree with a replay (openLots), and
// entries written after it must keep agreeing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { isLot, lotRemainder, openLots } from '../../src/core/refund.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { postCashTransactions, type CashBalanceTransaction, type CashMovementRequest } from '../../src/resources/cash-balance/service.ts';
import { openStore } from '../../src/store/open.ts';
import type { Store } from '../../src/store/types.ts';
import { systemContext } from '../../src/wire/context.ts';
import { dropPostgresDatabase } from '../postgres/database.ts';
import { databaseUrlFor, STORES } from '../support/server.ts';
import { undoMigration } from '../support/undo-migration.ts';

const ctx = systemContext(DEFAULT_ACCOUNT_ID, false, systemClock, randomIds);

async function post(store: Store, customer: string, currency: string, moves: CashMovementRequest[]): Promise<void> {
  await store.write((tx) => postCashTransactions(tx, ctx, customer, currency, moves));
}

/** Every lot's remainder as the store answers it, beside FIFO over the whole history. */
async function compare(store: Store, customer: string, currency: string): Promise<void> {
  await store.read(async (tx) => {
    const entries = await tx.all<CashBalanceTransaction>('cash_balance_transactions', DEFAULT_ACCOUNT_ID, { customer, currency });
    const fifo = new Map(openLots(entries).map((lot) => [lot.id, lot.remaining]));
    const balance = (await tx.cashBalances(DEFAULT_ACCOUNT_ID, customer))[currency] ?? 0;
    for (const entry of entries.filter(isLot)) {
      const after = await tx.cashCreditsAfter(DEFAULT_ACCOUNT_ID, customer, currency, entry.id);
      assert.equal(lotRemainder(balance, after, entry.net_amount), fifo.get(entry.id) ?? 0, `${customer} ${currency} lot ${entry.id}`);
    }
  });
}

const UNDO_COLUMNS = [
  'DROP INDEX cash_balance_transactions_customer_currency_seq',
  'ALTER TABLE cash_balance_transactions DROP COLUMN credited',
  'ALTER TABLE cash_balance_transactions DROP COLUMN net_amount',
  'DROP INDEX test_clocks_status',
  'ALTER TABLE test_clocks DROP COLUMN status',
  'ALTER TABLE test_clocks DROP COLUMN frozen_time',
];
const UNDO: Record<string, string[]> = {
  sqlite: ['DROP TRIGGER cash_balance_transactions_credited', ...UNDO_COLUMNS],
  postgres: ['DROP TRIGGER cash_balance_transactions_credited ON cash_balance_transactions', 'DROP FUNCTION cashbook_cash_credited()', ...UNDO_COLUMNS],
};

for (const kind of STORES) {
  describe(`cash entry running totals migration [${kind}]`, () => {
    it('backfills an older database as FIFO ageing would, and keeps new entries in step', async () => {
      const url = await databaseUrlFor(kind);
      let store = await openStore(url);
      // Two customers, two currencies, spending and a reversal beyond the balance with its correction.
      await post(store, 'cus_a', 'usd', [{ type: 'funded', netAmount: 100 }]);
      await post(store, 'cus_b', 'usd', [{ type: 'funded', netAmount: 999 }]);
      await post(store, 'cus_a', 'eur', [{ type: 'funded', netAmount: 40 }]);
      await post(store, 'cus_a', 'usd', [{ type: 'funded', netAmount: 50 }]);
      await post(store, 'cus_a', 'usd', [{ type: 'applied_to_payment', netAmount: -120 }]);
      await post(store, 'cus_a', 'usd', [{ type: 'unapplied_from_payment', netAmount: 10 }]);
      await post(store, 'cus_a', 'usd', [{ type: 'funding_reversed', netAmount: -70 }, { type: 'adjusted_for_overdraft', netAmount: 30 }]);
      await post(store, 'cus_a', 'usd', [{ type: 'funded', netAmount: 25 }]);
      await compare(store, 'cus_a', 'usd');
      await store.close();

      await undoMigration(kind, url, 11, UNDO[kind]);
      store = await openStore(url);
      try {
        await compare(store, 'cus_a', 'usd');
        await compare(store, 'cus_a', 'eur');
        await compare(store, 'cus_b', 'usd');
        await post(store, 'cus_a', 'usd', [{ type: 'funded', netAmount: 60 }]);
        await post(store, 'cus_a', 'usd', [{ type: 'applied_to_payment', netAmount: -30 }]);
        await post(store, 'cus_a', 'eur', [{ type: 'funded', netAmount: 5 }]);
        await compare(store, 'cus_a', 'usd');
        await compare(store, 'cus_a', 'eur');
      } finally {
        await store.close();
        if (kind === 'postgres') await dropPostgresDatabase(url);
      }
    });
  });
}
