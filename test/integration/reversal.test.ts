import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent, ledger } from './payments-helpers.ts';
import { assertBooks, merchantBalance } from './refund-helpers.ts';

describeEachStore('funding reversals and overdraft', (server) => {
  afterEach(async () => assertBooks(server()));

  it('a reversal of unused money: funding_reversed only, the helper still returns the funded entry', async () => {
    const { stripe } = server();
    const cus = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    await fund(stripe, cus.id, 250);
    const merchantBefore = await merchantBalance(stripe);
    const funded = await fund(stripe, cus.id, 1000, 'usd', 'reversal_123');
    assert.equal(funded.type, 'funded');
    assert.equal(funded.net_amount, 1000);
    assert.equal(funded.funded?.bank_transfer.reference, 'reversal_123');
    assert.deepEqual(await ledger(stripe, cus.id), [['funded', 250], ['funded', 1000], ['funding_reversed', -1000]]);
    assert.equal(await balanceOf(stripe, cus.id), 250);
    assert.equal(await merchantBalance(stripe), merchantBefore);
    const reversed = (await stripe.customers.listCashBalanceTransactions(cus.id, { limit: 1 })).data[0];
    assert.equal(reversed.ending_balance, 250);
    assert.equal('funded' in reversed, false);
  });

  it('a reversal of money already paid out: adjusted_for_overdraft back to zero, debited from the merchant', async () => {
    const { stripe } = server();
    const cus = await stripe.customers.create();
    const pi = await intent(stripe, cus.id, 1000);
    assert.equal(pi.status, 'requires_action');
    const merchantBefore = await merchantBalance(stripe);
    await fund(stripe, cus.id, 1000, 'usd', 'reversal_paid');
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'succeeded', 'the payment stays succeeded');
    const rows = (await stripe.customers.listCashBalanceTransactions(cus.id, { limit: 10, expand: ['data.adjusted_for_overdraft.balance_transaction', 'data.adjusted_for_overdraft.linked_transaction'] })).data.reverse();
    assert.deepEqual(rows.map((r) => [r.type, r.net_amount, r.ending_balance]), [
      ['funded', 1000, 1000],
      ['applied_to_payment', -1000, 0],
      ['funding_reversed', -1000, -1000],
      ['adjusted_for_overdraft', 1000, 0],
    ]);
    const adjustment = rows[3].adjusted_for_overdraft!;
    assert.equal((adjustment.linked_transaction as Stripe.CustomerCashBalanceTransaction).id, rows[2].id);
    const txn = adjustment.balance_transaction as Stripe.BalanceTransaction;
    assert.deepEqual([txn.type, txn.amount, txn.net, txn.source], ['adjustment', -1000, -1000, rows[3].id]);
    assert.equal(await balanceOf(stripe, cus.id), 0);
    assert.equal(await merchantBalance(stripe), merchantBefore + 1000 - 1000, 'payment credited, overdraft debited');
    const created = await stripe.events.list({ type: 'customer_cash_balance_transaction.created', limit: 4 });
    assert.deepEqual(created.data.map((e) => (e.data.object as Stripe.CustomerCashBalanceTransaction).type), ['adjusted_for_overdraft', 'funding_reversed', 'applied_to_payment', 'funded']);
  });

  it('a partial overdraft: only the shortfall is taken from the merchant (EUR)', async () => {
    const { stripe } = server();
    const cus = await stripe.customers.create();
    await fund(stripe, cus.id, 100, 'eur');
    const pi = await intent(stripe, cus.id, 250, { currency: 'eur' });
    assert.equal(pi.status, 'requires_action', 'partly funded with the 100 available');
    await fund(stripe, cus.id, 200, 'eur', 'reversal_eur');
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'succeeded');
    const rows = await ledger(stripe, cus.id);
    assert.deepEqual(rows.slice(-2), [['funding_reversed', -200], ['adjusted_for_overdraft', 150]]);
    assert.equal(await balanceOf(stripe, cus.id, 'eur'), 0);
    const adjustments = await stripe.balanceTransactions.list({ type: 'adjustment', currency: 'eur' });
    assert.deepEqual(adjustments.data.map((t) => t.amount), [-150]);
  });
});
