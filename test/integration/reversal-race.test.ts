import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent } from './payments-helpers.ts';
import { assertBooks } from './refund-helpers.ts';

describeEachStore('race: returns, payments and reversals against one balance', (server) => {
  afterEach(async () => assertBooks(server()));

  it('never overdraws beyond the overdraft correction, and every correction follows its reversal', async () => {
    const { stripe } = server();
    const cus = await stripe.customers.create({ email: 'race@example.com' });
    await fund(stripe, cus.id, 5000);
    const operations: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      const kind = i % 4;
      if (kind === 0) operations.push(fund(stripe, cus.id, 300, 'usd', `reversal_${i}`));
      else if (kind === 1) operations.push(stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 200 }).catch((e: Stripe.errors.StripeError) => e));
      else if (kind === 2) operations.push(intent(stripe, cus.id, 250));
      else operations.push(fund(stripe, cus.id, 100));
    }
    const results = await Promise.all(operations);
    for (const result of results) {
      if (result instanceof Error) assert.equal((result as Stripe.errors.StripeError).statusCode, 400, `only documented refusals: ${result.message}`);
    }
    const rows: Stripe.CustomerCashBalanceTransaction[] = [];
    for await (const row of stripe.customers.listCashBalanceTransactions(cus.id, { limit: 100 })) rows.push(row);
    rows.reverse();
    for (const [index, row] of rows.entries()) {
      if (row.ending_balance < 0) {
        assert.equal(row.type, 'funding_reversed');
        assert.equal(rows[index + 1].type, 'adjusted_for_overdraft');
        assert.equal(rows[index + 1].ending_balance, 0);
        assert.equal(rows[index + 1].adjusted_for_overdraft?.linked_transaction, row.id);
      }
      if (row.type === 'adjusted_for_overdraft') assert.ok(rows[index - 1].ending_balance < 0);
    }
    assert.ok((await balanceOf(stripe, cus.id)) >= 0);
    // Every waiting payment is either funded or still waiting with what it has.
    for await (const pi of stripe.paymentIntents.list({ customer: cus.id, limit: 100 })) assert.ok(['succeeded', 'requires_action'].includes(pi.status));
  });
});
