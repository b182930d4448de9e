import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { assertCreditLedger, eventsOf } from './invoice-helpers.ts';

async function rejects(promise: Promise<unknown>, status: number, param?: string): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, status);
    assert.equal(error.type, status === 404 ? 'StripeInvalidRequestError' : error.type);
    if (param !== undefined) assert.equal(error.param, param);
    return true;
  });
}

describeEachStore('credit balance', (server) => {
  it('credits and debits a customer with adjustments of both signs', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'credit@example.com' });
    assert.equal(customer.balance, 0);
    assert.equal(customer.currency, null);

    const credit = await stripe.customers.createBalanceTransaction(customer.id, {
      amount: -500,
      currency: 'usd',
      description: 'goodwill',
      metadata: { ticket: '42' },
    });
    assert.match(credit.id, /^cbtxn_/);
    assert.equal(credit.object, 'customer_balance_transaction');
    assert.equal(credit.type, 'adjustment');
    assert.equal(credit.amount, -500);
    assert.equal(credit.ending_balance, -500);
    assert.equal(credit.invoice, null);
    assert.equal(credit.credit_note, null);
    assert.deepEqual(credit.metadata, { ticket: '42' });

    const debit = await stripe.customers.createBalanceTransaction(customer.id, { amount: 200, currency: 'usd' });
    assert.equal(debit.ending_balance, -300);
    assert.equal(debit.description, null);

    const after = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    assert.equal(after.balance, -300);
    assert.equal(after.currency, 'usd', 'the first transaction sets the customer currency');
    assert.equal('invoice_credit_balance' in after, false, 'invoice_credit_balance only when expanded');
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), { usd: -300 });

    const mine = (await eventsOf(server(), 'customer.updated')).filter((e) => (e.data.object as Stripe.Customer).id === customer.id);
    assert.equal(mine.length, 2, 'each balance change emits customer.updated');
    assert.equal((mine[0].data.previous_attributes as { balance: number }).balance, -500);
    assert.equal((mine[0].data.object as Stripe.Customer).balance, -300);
  });

  it('keeps one balance per currency and shows them in invoice_credit_balance', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -1000, currency: 'eur' });
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -700, currency: 'gbp' });
    await stripe.customers.createBalanceTransaction(customer.id, { amount: 300, currency: 'eur' });
    const expanded = (await stripe.customers.retrieve(customer.id, { expand: ['invoice_credit_balance'] })) as Stripe.Customer;
    // Deliberate choice (spec README decision 4): same sign as `balance`, negative = credit.
    assert.equal(expanded.currency, 'eur');
    assert.equal(expanded.balance, -700);
    assert.deepEqual(expanded.invoice_credit_balance, { eur: -700, gbp: -700 });
    const listed = await stripe.customers.list({ limit: 1, expand: ['data.invoice_credit_balance'] });
    assert.deepEqual(listed.data[0].invoice_credit_balance, { eur: -700, gbp: -700 });
    await assertCreditLedger(stripe, customer.id);
  });

  it('books `initial` on create and `adjustment` for the difference on update', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ balance: -2500 });
    assert.equal(customer.balance, -2500);
    assert.equal(customer.currency, 'usd', 'the account currency when the customer has none');
    let entries = await stripe.customers.listBalanceTransactions(customer.id);
    assert.deepEqual(entries.data.map((e) => [e.type, e.amount, e.ending_balance]), [['initial', -2500, -2500]]);

    const updated = await stripe.customers.update(customer.id, { balance: 400 });
    assert.equal(updated.balance, 400);
    entries = await stripe.customers.listBalanceTransactions(customer.id);
    assert.deepEqual(entries.data.map((e) => [e.type, e.amount, e.ending_balance]), [['adjustment', 2900, 400], ['initial', -2500, -2500]]);

    const same = await stripe.customers.update(customer.id, { balance: 400, name: 'x' });
    assert.equal(same.balance, 400);
    assert.equal((await stripe.customers.listBalanceTransactions(customer.id)).data.length, 2, 'no transaction when nothing changes');
    await assertCreditLedger(stripe, customer.id);

    const zero = await stripe.customers.create({ balance: 0 });
    assert.equal((await stripe.customers.listBalanceTransactions(zero.id)).data.length, 0);

    // The transaction a new balance books is bounded like any balance transaction's amount; nothing is written when it is not.
    await rejects(stripe.customers.update(customer.id, { balance: 400 + 100_000_000 }), 400, 'balance');
    await rejects(stripe.customers.create({ balance: -100_000_000 }), 400, 'balance');
    assert.equal((await stripe.customers.retrieve(customer.id) as Stripe.Customer).balance, 400);
    const large = await stripe.customers.update(customer.id, { balance: 400 + 99_999_999 });
    assert.equal(large.balance, 100_000_399);
    await assertCreditLedger(stripe, customer.id);
  });

  it('retrieves, updates only description and metadata, and lists with filters and pages', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((await stripe.customers.createBalanceTransaction(customer.id, { amount: -i, currency: 'usd' })).id);
    const one = await stripe.customers.retrieveBalanceTransaction(customer.id, ids[2], { expand: ['customer'] });
    assert.equal((one.customer as Stripe.Customer).id, customer.id);
    assert.equal(one.ending_balance, -6);

    const updated = await stripe.customers.updateBalanceTransaction(customer.id, ids[2], { description: 'note', metadata: { a: '1' } });
    assert.equal(updated.description, 'note');
    assert.deepEqual(updated.metadata, { a: '1' });
    assert.equal(updated.amount, -3);
    await rejects(stripe.customers.updateBalanceTransaction(customer.id, ids[2], { amount: 5 } as never), 400, 'amount');

    const page1 = await stripe.customers.listBalanceTransactions(customer.id, { limit: 2 });
    assert.deepEqual(page1.data.map((e) => e.id), [ids[4], ids[3]]);
    assert.equal(page1.has_more, true);
    assert.equal(page1.url, `/v1/customers/${customer.id}/balance_transactions`);
    const page2 = await stripe.customers.listBalanceTransactions(customer.id, { limit: 2, starting_after: ids[3] });
    assert.deepEqual(page2.data.map((e) => e.id), [ids[2], ids[1]]);
    // A cursor from another customer's credit ledger is not a cursor of this list.
    const other = await stripe.customers.create();
    const foreign = await stripe.customers.createBalanceTransaction(other.id, { amount: 7, currency: 'usd' });
    for (const cursor of ['starting_after', 'ending_before'] as const) {
      await rejects(stripe.customers.listBalanceTransactions(customer.id, { [cursor]: foreign.id }), 404, cursor);
    }
    const all: string[] = [];
    for await (const entry of stripe.customers.listBalanceTransactions(customer.id, { limit: 2 })) all.push(entry.id);
    assert.deepEqual(all, [...ids].reverse());
    const none = await stripe.customers.listBalanceTransactions(customer.id, { created: { lt: 1 } });
    assert.equal(none.data.length, 0);
    const byInvoice = await stripe.customers.listBalanceTransactions(customer.id, { invoice: 'in_nothing' });
    assert.equal(byInvoice.data.length, 0);
  });

  it('refuses bad input with a Stripe error and changes nothing', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const other = await stripe.customers.create();
    const entry = await stripe.customers.createBalanceTransaction(other.id, { amount: -10, currency: 'usd' });
    await rejects(stripe.customers.createBalanceTransaction(customer.id, { amount: 0, currency: 'usd' }), 400, 'amount');
    await rejects(stripe.customers.createBalanceTransaction(customer.id, { amount: -5, currency: 'xyz' }), 400, 'currency');
    await rejects(stripe.customers.createBalanceTransaction(customer.id, { currency: 'usd' } as never), 400, 'amount');
    await rejects(stripe.customers.createBalanceTransaction(customer.id, { amount: 100_000_000, currency: 'usd' }), 400, 'amount');
    await rejects(stripe.customers.createBalanceTransaction(customer.id, { amount: -5, currency: 'usd', description: 'x'.repeat(351) }), 400, 'description');
    await rejects(stripe.customers.createBalanceTransaction('cus_missing', { amount: -5, currency: 'usd' }), 404, 'customer');
    await rejects(stripe.customers.retrieveBalanceTransaction(customer.id, entry.id), 404, 'transaction');
    await rejects(stripe.customers.retrieveBalanceTransaction(customer.id, 'cbtxn_missing'), 404);
    assert.equal((await stripe.customers.listBalanceTransactions(customer.id)).data.length, 0);
    assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, 0);
  });

  it('refuses a debit balance for a customer with a cash balance', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 1000, currency: 'usd' });
    await rejects(stripe.customers.createBalanceTransaction(customer.id, { amount: 100, currency: 'usd' }), 400, 'amount');
    await rejects(stripe.customers.update(customer.id, { balance: 100 }), 400, 'balance');
    const credit = await stripe.customers.createBalanceTransaction(customer.id, { amount: -100, currency: 'usd' });
    assert.equal(credit.ending_balance, -100);
    const back = await stripe.customers.createBalanceTransaction(customer.id, { amount: 100, currency: 'usd' });
    assert.equal(back.ending_balance, 0, 'a debit that leaves no positive balance is fine');
    await assertCreditLedger(stripe, customer.id);
  });
});
