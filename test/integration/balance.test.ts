import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent } from './payments-helpers.ts';
import { assertBooks, merchantBalance, rejectsWith } from './refund-helpers.ts';

describeEachStore('merchant balance and balance transactions', (server) => {
  afterEach(async () => assertBooks(server()));

  it('starts at zero in usd', async () => {
    const { stripe } = server();
    const balance = await stripe.balance.retrieve();
    assert.equal(balance.object, 'balance');
    assert.equal(balance.livemode, false);
    assert.deepEqual(balance.available, [{ amount: 0, currency: 'usd', source_types: { bank_account: 0 } }]);
    assert.deepEqual(balance.pending, [{ amount: 0, currency: 'usd', source_types: { bank_account: 0 } }]);
    assert.deepEqual((await stripe.balanceTransactions.list()).data, []);
  });

  it('holds each currency apart and lists, filters, pages and expands its transactions', async () => {
    const { stripe } = server();
    const cus = await stripe.customers.create({ email: 'bal@example.com' });
    const charges: string[] = [];
    for (const [currency, amount] of [['usd', 1000], ['eur', 2000], ['usd', 300], ['jpy', 7000]] as const) {
      await fund(stripe, cus.id, amount, currency);
      const pi = await intent(stripe, cus.id, amount, { currency });
      charges.push(pi.latest_charge as string);
    }
    const refund = await stripe.refunds.create({ charge: charges[1], amount: 500 });
    const balance = await stripe.balance.retrieve();
    assert.deepEqual(balance.available.map((b) => [b.currency, b.amount]), [['eur', 1500], ['jpy', 7000], ['usd', 1300]]);
    assert.equal(await merchantBalance(stripe, 'eur'), 1500);

    const all = await stripe.balanceTransactions.list({ limit: 100 });
    assert.deepEqual(all.data.map((t) => [t.type, t.currency, t.amount]), [
      ['payment_refund', 'eur', -500],
      ['payment', 'jpy', 7000],
      ['payment', 'usd', 300],
      ['payment', 'eur', 2000],
      ['payment', 'usd', 1000],
    ]);
    assert.equal(all.url, '/v1/balance_transactions');
    assert.deepEqual((await stripe.balanceTransactions.list({ currency: 'usd' })).data.map((t) => t.amount), [300, 1000]);
    assert.deepEqual((await stripe.balanceTransactions.list({ type: 'payment_refund' })).data.map((t) => t.source), [refund.id]);
    assert.deepEqual((await stripe.balanceTransactions.list({ payout: 'po_123' })).data, []);
    const first = await stripe.balanceTransactions.list({ limit: 2 });
    assert.equal(first.has_more, true);
    const second = await stripe.balanceTransactions.list({ limit: 2, starting_after: first.data[1].id });
    assert.deepEqual(second.data.map((t) => t.amount), [300, 2000]);
    const expanded = await stripe.balanceTransactions.retrieve(all.data[1].id, { expand: ['source'] });
    assert.equal((expanded.source as Stripe.Charge).object, 'charge');
    const created = all.data[0].created;
    assert.equal((await stripe.balanceTransactions.list({ created: { gt: created } })).data.length, 0);
    await assert.rejects(stripe.balanceTransactions.retrieve('txn_nope'), rejectsWith(404, { code: 'resource_missing' }));
    await assert.rejects(stripe.balanceTransactions.list({ limit: 101 }), rejectsWith(400, { param: 'limit' }));
  });
});
