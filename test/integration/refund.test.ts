import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent, ledger } from './payments-helpers.ts';
import { assertBooks, merchantBalance, refundToCashBalance, rejectsWith, submitBankDetails, US_FAIL, US_OK } from './refund-helpers.ts';

describeEachStore('refunds of customer_balance payments', (server) => {
  afterEach(async () => assertBooks(server()));

  /** A customer with an email and a succeeded payment of `amount`, paid from the cash balance. */
  async function paid(stripe: Stripe, amount: number, currency = 'usd', email: string | null = 'payer@example.com') {
    const cus = await stripe.customers.create(email ? { email } : {});
    await fund(stripe, cus.id, amount, currency);
    const pi = await intent(stripe, cus.id, amount, { currency });
    assert.equal(pi.status, 'succeeded');
    return { cus, pi, charge: pi.latest_charge as string };
  }

  it('a succeeded payment credits the merchant balance with a payment balance transaction', async () => {
    const { stripe } = server();
    const before = await merchantBalance(stripe);
    const { pi, charge } = await paid(stripe, 2500);
    assert.equal(await merchantBalance(stripe), before + 2500);
    const fetched = await stripe.charges.retrieve(charge);
    assert.match(String(fetched.balance_transaction), /^txn_/);
    const txn = await stripe.balanceTransactions.retrieve(String(fetched.balance_transaction));
    assert.equal(txn.type, 'payment');
    assert.equal(txn.amount, 2500);
    assert.equal(txn.net, 2500);
    assert.equal(txn.fee, 0);
    assert.equal(txn.source, charge);
    assert.equal(txn.reporting_category, 'charge');
    const listed = await stripe.balanceTransactions.list({ source: charge });
    assert.deepEqual(listed.data.map((t) => t.id), [txn.id]);
    assert.ok(pi.id);
  });

  it('partial refunds to the bank: requires_action, charge amount_refunded, never more than paid', async () => {
    const { stripe } = server();
    const { pi, charge } = await paid(stripe, 1000);
    const merchantBefore = await merchantBalance(stripe);
    const first = await stripe.refunds.create({ payment_intent: pi.id, amount: 300, metadata: { order: '1' } });
    assert.equal(first.status, 'requires_action');
    assert.equal(first.charge, charge);
    assert.equal(first.payment_intent, pi.id);
    assert.equal(first.instructions_email, 'payer@example.com');
    assert.equal(first.next_action?.display_details?.email_sent.email_sent_at, first.created);
    assert.deepEqual(first.metadata, { order: '1' });
    let c = await stripe.charges.retrieve(charge);
    assert.equal(c.amount_refunded, 300);
    assert.equal(c.refunded, false);
    assert.equal(await merchantBalance(stripe), merchantBefore - 300);
    const txn = await stripe.balanceTransactions.retrieve(String(first.balance_transaction));
    assert.deepEqual([txn.type, txn.amount, txn.source], ['payment_refund', -300, first.id]);

    await assert.rejects(stripe.refunds.create({ charge, amount: 701 }), rejectsWith(400, { code: 'amount_too_large', param: 'amount' }));
    const rest = await stripe.refunds.create({ charge });
    assert.equal(rest.amount, 700);
    c = await stripe.charges.retrieve(charge);
    assert.equal(c.amount_refunded, 1000);
    assert.equal(c.refunded, true);
    await assert.rejects(stripe.refunds.create({ payment_intent: pi.id, amount: 1 }), rejectsWith(400, { code: 'charge_already_refunded' }));
    assert.equal(await merchantBalance(stripe), merchantBefore - 1000);

    const byIntent = await stripe.refunds.list({ payment_intent: pi.id });
    assert.deepEqual(byIntent.data.map((r) => r.id), [rest.id, first.id]);
    const byCharge = await stripe.refunds.list({ charge, created: { gte: first.created } });
    assert.equal(byCharge.data.length, 2);
    assert.equal((await stripe.refunds.list({ charge: 'py_none' })).data.length, 0);
    const events = (await stripe.events.list({ type: 'charge.refunded', limit: 10 })).data.filter((e) => (e.data.object as Stripe.Charge).id === charge);
    // Refunds are on a charge only when expanded (API versions since 2022-11-15).
    assert.equal('refunds' in (await stripe.charges.retrieve(charge)), false);
    const withRefunds = await stripe.charges.retrieve(charge, { expand: ['refunds'] });
    assert.deepEqual([withRefunds.refunds?.object, withRefunds.refunds?.url, withRefunds.refunds?.data.map((r) => r.id)], ['list', `/v1/charges/${charge}/refunds`, [rest.id, first.id]]);
    // Only what changed: `refunded` only when the last refund made it true.
    assert.deepEqual(events.map((e) => e.data.previous_attributes), [{ amount_refunded: 300, refunded: false }, { amount_refunded: 0 }]);
  });

  it('cancel restores the charge and the merchant balance (payment_failure_refund)', async () => {
    const { stripe } = server();
    const { pi, charge } = await paid(stripe, 800);
    const merchantBefore = await merchantBalance(stripe);
    const refund = await stripe.refunds.create({ payment_intent: pi.id });
    const canceled = await stripe.refunds.cancel(refund.id);
    assert.equal(canceled.status, 'canceled');
    assert.match(String(canceled.failure_balance_transaction), /^txn_/);
    const failure = await stripe.balanceTransactions.retrieve(String(canceled.failure_balance_transaction));
    assert.deepEqual([failure.type, failure.amount], ['payment_failure_refund', 800]);
    const c = await stripe.charges.retrieve(charge);
    assert.deepEqual([c.amount_refunded, c.refunded], [0, false]);
    assert.equal(await merchantBalance(stripe), merchantBefore);
    const updates = await stripe.events.list({ type: 'charge.refund.updated', limit: 5 });
    assert.ok(updates.data.some((e) => (e.data.object as Stripe.Refund).id === refund.id));
  });

  it('bank details: succeeding account settles, failing account bounces; no cancel after details', async () => {
    const { stripe } = server();
    const { pi } = await paid(stripe, 600);
    const a = await stripe.refunds.create({ payment_intent: pi.id, amount: 100 });
    const settled = await submitBankDetails(server(), a.id, US_OK);
    assert.equal(settled.body.status, 'succeeded');
    await assert.rejects(stripe.refunds.cancel(a.id), rejectsWith(400));
    const b = await stripe.refunds.create({ payment_intent: pi.id, amount: 100 });
    const bounced = await submitBankDetails(server(), b.id, US_FAIL);
    assert.equal(bounced.body.status, 'requires_action');
    assert.equal((await stripe.refunds.retrieve(b.id)).status, 'requires_action');
    assert.equal((await stripe.refunds.cancel(b.id)).status, 'canceled');
  });

  it('expiry fails the refund and credits the cash balance (refunded_from_payment), not the merchant', async () => {
    const { stripe } = server();
    const { cus, pi } = await paid(stripe, 500);
    const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: 200 });
    const merchantBefore = await merchantBalance(stripe);
    const expired = await stripe.testHelpers.refunds.expire(refund.id);
    assert.deepEqual([expired.status, expired.failure_reason], ['failed', 'unknown']);
    assert.equal(await merchantBalance(stripe), merchantBefore);
    assert.equal(await balanceOf(stripe, cus.id), 200);
    const rows = await stripe.customers.listCashBalanceTransactions(cus.id, { limit: 1 });
    assert.equal(rows.data[0].type, 'refunded_from_payment');
    assert.equal(rows.data[0].refunded_from_payment?.refund, refund.id);
  });

  it('refund into the cash balance (Cashbook extension): succeeded at once, refunded_from_payment, reusable', async () => {
    const { stripe } = server();
    const { cus, pi, charge } = await paid(stripe, 900);
    const merchantBefore = await merchantBalance(stripe);
    const response = await refundToCashBalance(server(), pi.id, 'amount=400&metadata[why]=goodwill');
    assert.equal(response.status, 200);
    const refund = response.body as Stripe.Refund;
    assert.equal(refund.status, 'succeeded');
    assert.deepEqual(refund.destination_details, { type: 'customer_cash_balance', customer_cash_balance: {} } as unknown);
    assert.equal(await balanceOf(stripe, cus.id), 400);
    assert.equal(await merchantBalance(stripe), merchantBefore - 400);
    const rows = await ledger(stripe, cus.id);
    assert.deepEqual(rows.at(-1), ['refunded_from_payment', 400]);
    const entry = (await stripe.customers.listCashBalanceTransactions(cus.id, { limit: 1, expand: ['data.refunded_from_payment.refund'] })).data[0];
    assert.equal((entry.refunded_from_payment?.refund as Stripe.Refund).id, refund.id);
    assert.equal((await stripe.charges.retrieve(charge)).amount_refunded, 400);
    const over = await refundToCashBalance(server(), pi.id, 'amount=501');
    assert.equal(over.status, 400);
    assert.equal(over.body.error.code, 'amount_too_large');
    const next = await intent(stripe, cus.id, 400);
    assert.equal(next.status, 'succeeded', 'the refunded money pays the next payment');
    const bad = await server().request('POST', `/cashbook/v1/payment_intents/${pi.id}/refund_to_cash_balance`, { form: 'amount=1', headers: { authorization: 'Bearer sk_test_wrong' } });
    assert.equal(bad.status, 401);
  });

  it('refuses bad refund requests with Stripe errors and changes nothing', async () => {
    const { stripe } = server();
    const { pi, charge } = await paid(stripe, 300, 'usd', null);
    await assert.rejects(stripe.refunds.create({ payment_intent: pi.id }), rejectsWith(400, { param: 'instructions_email' }));
    const ok = await stripe.refunds.create({ payment_intent: pi.id, instructions_email: 'given@example.com', amount: 100 });
    assert.equal(ok.instructions_email, 'given@example.com');
    await assert.rejects(stripe.refunds.create({} as Stripe.RefundCreateParams), rejectsWith(400, { code: 'parameter_missing' }));
    await assert.rejects(stripe.refunds.create({ payment_intent: 'pi_nope' }), rejectsWith(404, { code: 'resource_missing' }));
    await assert.rejects(stripe.refunds.create({ charge: 'py_nope' }), rejectsWith(404, { code: 'resource_missing' }));
    await assert.rejects(stripe.refunds.create({ payment_intent: pi.id, currency: 'eur', instructions_email: 'x@example.com' }), rejectsWith(400, { param: 'currency' }));
    await assert.rejects(stripe.refunds.create({ payment_intent: pi.id, reason: 'bored' as 'duplicate', instructions_email: 'x@example.com' }), rejectsWith(400, { param: 'reason' }));
    const waiting = await intent(stripe, (await stripe.customers.create({ email: 'w@example.com' })).id, 100);
    assert.equal(waiting.status, 'requires_action');
    await assert.rejects(stripe.refunds.create({ payment_intent: waiting.id }), rejectsWith(400, { param: 'payment_intent' }));
    assert.equal((await stripe.charges.retrieve(charge)).amount_refunded, 100);
    await assert.rejects(stripe.refunds.retrieve('re_nope'), rejectsWith(404, { code: 'resource_missing' }));
  });

  it("refuses to refund a deleted customer's payment, naming the customer, and changes nothing", async () => {
    const { stripe } = server();
    const { pi, charge } = await paid(stripe, 500, 'usd', null);
    const customer = (await stripe.paymentIntents.retrieve(pi.id)).customer as string;
    await stripe.customers.del(customer);
    const deleted = (error: Stripe.errors.StripeError, param: string) => error.statusCode === 400 && error.param === param && error.message.includes(`(${customer}) was deleted`);
    await assert.rejects(stripe.refunds.create({ payment_intent: pi.id, instructions_email: 'x@example.com' }), (e: Stripe.errors.StripeError) => deleted(e, 'payment_intent'));
    await assert.rejects(stripe.refunds.create({ charge, instructions_email: 'x@example.com' }), (e: Stripe.errors.StripeError) => deleted(e, 'charge'));
    const extension = await refundToCashBalance(server(), pi.id);
    assert.deepEqual([extension.status, extension.body.error?.param], [400, 'payment_intent'], JSON.stringify(extension.body));
    assert.match(extension.body.error.message, new RegExp(`\\(${customer}\\) was deleted`));
    const after = await stripe.charges.retrieve(charge);
    assert.deepEqual([after.amount_refunded, after.refunded, (await stripe.refunds.list({ charge })).data.length], [0, false, 0]);
  });

  it('updates metadata only and expands charge and balance_transaction', async () => {
    const { stripe } = server();
    const { pi } = await paid(stripe, 300);
    const refund = await stripe.refunds.create({ payment_intent: pi.id, metadata: { a: '1' } });
    const updated = await stripe.refunds.update(refund.id, { metadata: { b: '2', a: '' } });
    assert.deepEqual(updated.metadata, { b: '2' });
    await assert.rejects(stripe.refunds.update(refund.id, { amount: 5 } as Stripe.RefundUpdateParams), rejectsWith(400, { code: 'parameter_unknown' }));
    const expanded = await stripe.refunds.retrieve(refund.id, { expand: ['charge', 'balance_transaction', 'payment_intent'] });
    assert.equal((expanded.charge as Stripe.Charge).object, 'charge');
    assert.equal((expanded.balance_transaction as Stripe.BalanceTransaction).object, 'balance_transaction');
    assert.equal((expanded.payment_intent as Stripe.PaymentIntent).id, pi.id);
  });

  it('refunds in several currencies, including JPY', async () => {
    const { stripe } = server();
    for (const [currency, amount] of [['eur', 1234], ['jpy', 5000], ['gbp', 99], ['mxn', 10000]] as const) {
      const { pi } = await paid(stripe, amount, currency);
      const refund = await stripe.refunds.create({ payment_intent: pi.id, amount: amount - 1 });
      assert.equal(refund.currency, currency);
      assert.equal(refund.amount, amount - 1);
      assert.equal(refund.destination_details?.type, { eur: 'eu_bank_transfer', jpy: 'jp_bank_transfer', gbp: 'gb_bank_transfer', mxn: 'mx_bank_transfer' }[currency]);
      assert.equal(await merchantBalance(stripe, currency), 1);
    }
  });
});
