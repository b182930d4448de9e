// Migration 17: money back ages as lots of its own, and two kinds of entries stop being
// lots. Over a database written before it, a 75-day return that expired and was swept in
// one step, and a funding reversed in the step that booked it (the `reversal_` test
// reference), must no longer hide later money from its own 75-day return.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { systemClock } from '../../src/core/clock.ts';
import { randomIds } from '../../src/core/ids.ts';
import { isLot, lotAmount, lotRemainder, openLots } from '../../src/core/refund.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import { postCashTransactions, type CashBalanceTransaction, type CashMovementRequest } from '../../src/resources/cash-balance/service.ts';
import { clockStatus } from '../../src/store/migrations/0011-clock-status.ts';
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

/** Each lot's remainder as the store answers it, checked against FIFO over the whole history. */
async function remainders(store: Store, customer: string, currency: string): Promise<Record<string, number>> {
  return store.read(async (tx) => {
    const entries = await tx.all<CashBalanceTransaction>('cash_balance_transactions', DEFAULT_ACCOUNT_ID, { customer, currency });
    const fifo = new Map(openLots(entries).map((lot) => [lot.id, lot.remaining]));
    const balance = (await tx.cashBalances(DEFAULT_ACCOUNT_ID, customer))[currency] ?? 0;
    const out: Record<string, number> = {};
    for (const [index, entry] of entries.entries()) {
      if (!isLot(entry)) continue;
      const after = await tx.cashCreditsAfter(DEFAULT_ACCOUNT_ID, customer, currency, entry.id);
      const remaining = lotRemainder(balance, after, lotAmount(entry));
      assert.equal(remaining, fifo.get(entry.id) ?? 0, `${customer} ${currency} lot ${entry.id}`);
      out[`${index}:${entry.type}`] = remaining;
    }
    return out;
  });
}

// Back to migration 16: migration 11's trigger, without the columns 17 added.
const v11 = (engine: 'sqlite' | 'postgres') =>
  clockStatus.steps.filter((step) => step.kind === 'sql' && /TRIGGER|FUNCTION/.test(step[engine]) && step[engine] !== 'SELECT 1').map((step) => (step as { sqlite: string; postgres: string })[engine]);
const COLUMNS = ['covered', '_lot'].map((column) => `ALTER TABLE cash_balance_transactions DROP COLUMN ${column}`);
const UNDO: Record<string, string[]> = {
  sqlite: ['DROP TRIGGER cash_balance_transactions_credited', ...COLUMNS, ...v11('sqlite').filter((sql) => sql.startsWith('CREATE TRIGGER'))],
  postgres: [...COLUMNS, ...v11('postgres').filter((sql) => sql.startsWith('CREATE FUNCTION')).map((sql) => sql.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'))],
};

for (const kind of STORES) {
  describe(`cash lots migration [${kind}]`, () => {
    it('marks swept returns and fundings reversed at once as no lots, so later money keeps its 75-day return', async () => {
      const url = await databaseUrlFor(kind);
      let store = await openStore(url);
      // Written as Cashbook wrote them before migration 17: no `_lot` on any entry.
      await post(store, 'cus_a', 'usd', [{ type: 'funded', netAmount: 100 }]);
      await post(store, 'cus_a', 'usd', [{ type: 'return_initiated', netAmount: -100 }]);
      await post(store, 'cus_a', 'usd', [{ type: 'funded', netAmount: 50 }]); // while the 75-day return is out
      await post(store, 'cus_a', 'usd', [{ type: 'return_canceled', netAmount: 100 }, { type: 'transferred_to_balance', netAmount: -100 }]);
      await post(store, 'cus_a', 'eur', [{ type: 'funded', netAmount: 70 }, { type: 'funding_reversed', netAmount: -70 }]);
      await post(store, 'cus_a', 'eur', [{ type: 'funded', netAmount: 30 }]);
      // An overdraft covered, then settled by the payment's money coming back: nothing is owed.
      await post(store, 'cus_b', 'usd', [{ type: 'funded', netAmount: 517 }]);
      await post(store, 'cus_b', 'usd', [{ type: 'applied_to_payment', netAmount: -517 }]);
      await post(store, 'cus_b', 'usd', [{ type: 'funding_reversed', netAmount: -517 }, { type: 'adjusted_for_overdraft', netAmount: 517 }]);
      await post(store, 'cus_b', 'usd', [{ type: 'unapplied_from_payment', netAmount: 517 }]);
      await store.close();
      await undoMigration(kind, url, 17, UNDO[kind]);
      store = await openStore(url);
      try {
        assert.deepEqual(await remainders(store, 'cus_a', 'usd'), { '0:funded': 0, '2:funded': 50 }, 'the later funding holds its 50');
        assert.deepEqual(await remainders(store, 'cus_a', 'eur'), { '2:funded': 30 }, 'the reversed funding is no lot');
        assert.equal(await store.read((tx) => tx.cashCover(DEFAULT_ACCOUNT_ID, 'cus_b', 'usd')), 0, 'no overdraft cover is counted from before the migration');
        // New entries keep in step with the trigger 17 installed.
        await post(store, 'cus_a', 'usd', [{ type: 'return_initiated', netAmount: -50 }]);
        await post(store, 'cus_a', 'usd', [{ type: 'return_canceled', netAmount: 50, lot: 0 }, { type: 'transferred_to_balance', netAmount: -50 }]);
        await post(store, 'cus_a', 'usd', [{ type: 'funded', netAmount: 20 }]);
        assert.deepEqual(await remainders(store, 'cus_a', 'usd'), { '0:funded': 0, '2:funded': 0, '8:funded': 20 });
      } finally {
        await store.close();
        if (kind === 'postgres') await dropPostgresDatabase(url);
      }
    });
  });
}
