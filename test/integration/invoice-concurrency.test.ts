// Concurrent requests against one credit balance and one invoice numbering: the balance stays
// the sum of its transactions and no invoice number is handed out twice.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { assertCreditLedger, assertInvoiceAmounts } from './invoice-helpers.ts';

describeEachStore('credit balance and invoices under concurrency', (server) => {
  it('keeps the balance equal to the sum of 40 concurrent adjustments', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const amounts = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 250 : -(i + 1) * 10));
    await Promise.all(amounts.map((amount) => stripe.customers.createBalanceTransaction(customer.id, { amount, currency: 'usd' })));
    const balances = await assertCreditLedger(stripe, customer.id);
    assert.equal(balances.usd, amounts.reduce((a, b) => a + b, 0));
  });

  it('finalizes 12 invoices of customers sharing a prefix at once, with unique numbers and credit applied once', async () => {
    const { stripe } = server();
    const customers = [
      await stripe.customers.create({ invoice_prefix: 'SHARED', balance: -1500 }),
      await stripe.customers.create({ invoice_prefix: 'SHARED', balance: -1500 }),
    ];
    const drafts: Stripe.Invoice[] = [];
    for (let i = 0; i < 12; i++) {
      const customer = customers[i % 2];
      const draft = await stripe.invoices.create({ customer: customer.id });
      await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 1000 });
      drafts.push(draft);
    }
    const finalized = await Promise.all(drafts.map((draft) => stripe.invoices.finalizeInvoice(draft.id)));
    const numbers = finalized.map((invoice) => invoice.number);
    assert.equal(new Set(numbers).size, 12, `numbers repeat: ${numbers.join(', ')}`);
    for (const invoice of finalized) assertInvoiceAmounts(invoice);
    for (const customer of customers) {
      const mine = finalized.filter((invoice) => invoice.customer === customer.id);
      const applied = mine.reduce((sum, invoice) => sum + (invoice.total - invoice.amount_due), 0);
      assert.equal(applied, 1500, 'the credit is consumed exactly once across the invoices');
      assert.deepEqual(await assertCreditLedger(stripe, customer.id), { usd: 0 });
    }
  });
});
