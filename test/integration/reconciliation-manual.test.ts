// Manual reconciliation (spec §7): nothing is applied automatically; apply_customer_balance
// applies funds by the spec's rules; funds_available fires whenever money lands.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, checkLedger, eventsSince, fund, intent, lastEventId, ledger, newCustomer } from './payments-helpers.ts';

async function rejects400(promise: Promise<unknown>, param?: string): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, 400);
    assert.equal(error.type, 'StripeInvalidRequestError');
    if (param !== undefined) assert.equal(error.param, param);
    return true;
  });
}

describeEachStore('reconciliation: manual mode and apply_customer_balance', (server) => {
  it('a transfer is not applied in manual mode; funds_available fires with the whole balance', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe, 'manual');
    const pi = await intent(stripe, customer.id, 500);
    const since = await lastEventId(stripe);
    await fund(stripe, customer.id, 500, 'usd', pi.next_action!.display_bank_transfer_instructions!.reference!);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'requires_action');
    assert.equal(await balanceOf(stripe, customer.id), 500);
    assert.deepEqual(await eventsSince(stripe, since, [customer.id, pi.id]), ['customer_cash_balance_transaction.created', 'cash_balance.funds_available']);
    const event = (await stripe.events.list({ type: 'cash_balance.funds_available', limit: 1 })).data[0];
    assert.deepEqual((event.data.object as Stripe.CashBalance).available, { usd: 500 });
    await fund(stripe, customer.id, 300, 'eur');
    const second = (await stripe.events.list({ type: 'cash_balance.funds_available', limit: 1 })).data[0];
    assert.deepEqual((second.data.object as Stripe.CashBalance).available, { eur: 300, usd: 500 }, 'the whole balance, older money included');
    await checkLedger(stripe, customer.id);
  });

  it('apply_customer_balance without amount applies what is there: partial, then complete', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe, 'manual');
    const pi = await intent(stripe, customer.id, 1000);
    await fund(stripe, customer.id, 600);
    let since = await lastEventId(stripe);
    const partial = await stripe.paymentIntents.applyCustomerBalance(pi.id);
    assert.equal(partial.status, 'requires_action');
    assert.equal(partial.next_action!.display_bank_transfer_instructions!.amount_remaining, 400);
    assert.deepEqual(await eventsSince(stripe, since, [customer.id, pi.id]), ['customer_cash_balance_transaction.created', 'payment_intent.partially_funded']);
    await rejects400(stripe.paymentIntents.applyCustomerBalance(pi.id), undefined);
    await fund(stripe, customer.id, 1000);
    since = await lastEventId(stripe);
    const done = await stripe.paymentIntents.applyCustomerBalance(pi.id, { currency: 'usd' });
    assert.equal(done.status, 'succeeded');
    assert.equal(done.amount_received, 1000);
    assert.deepEqual(await eventsSince(stripe, since, [customer.id, pi.id]), ['customer_cash_balance_transaction.created', 'charge.succeeded', 'payment_intent.succeeded']);
    assert.equal(await balanceOf(stripe, customer.id), 600);
    assert.deepEqual((await ledger(stripe, customer.id)).filter((row) => row[0] === 'applied_to_payment'), [['applied_to_payment', -600, pi.id], ['applied_to_payment', -400, pi.id]]);
    await checkLedger(stripe, customer.id);
  });

  it('apply_customer_balance with an amount, and its errors (nothing changes)', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe, 'manual');
    const pi = await intent(stripe, customer.id, 1000);
    await fund(stripe, customer.id, 700);
    const before = await ledger(stripe, customer.id);
    await rejects400(stripe.paymentIntents.applyCustomerBalance(pi.id, { amount: 800 }), 'amount'); // more than available
    await rejects400(stripe.paymentIntents.applyCustomerBalance(pi.id, { amount: 1001 }), 'amount'); // more than remaining
    await rejects400(stripe.paymentIntents.applyCustomerBalance(pi.id, { amount: 0 }), 'amount');
    await rejects400(stripe.paymentIntents.applyCustomerBalance(pi.id, { currency: 'eur' }), 'currency');
    assert.deepEqual(await ledger(stripe, customer.id), before);
    const applied = await stripe.paymentIntents.applyCustomerBalance(pi.id, { amount: 250 });
    assert.equal(applied.next_action!.display_bank_transfer_instructions!.amount_remaining, 750);
    await rejects400(stripe.paymentIntents.applyCustomerBalance(pi.id, { amount: 751 }), 'amount');
    assert.equal(await balanceOf(stripe, customer.id), 450);
    await checkLedger(stripe, customer.id);
  });

  it('apply to an unconfirmed intent: full → succeeded; partial → requires_action; partial without funding_type → 400', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe, 'manual');
    await fund(stripe, customer.id, 500);
    const full = await stripe.paymentIntents.create({ amount: 300, currency: 'usd', customer: customer.id, payment_method_types: ['customer_balance'] } as Stripe.PaymentIntentCreateParams);
    const paid = await stripe.paymentIntents.applyCustomerBalance(full.id);
    assert.equal(paid.status, 'succeeded');
    assert.match(paid.payment_method as string, /^pm_/);
    const noFunding = await intent(stripe, customer.id, 900, { confirm: false, fundingType: false });
    await rejects400(stripe.paymentIntents.applyCustomerBalance(noFunding.id), 'amount');
    assert.equal((await stripe.paymentIntents.retrieve(noFunding.id)).status, 'requires_confirmation');
    const since = await lastEventId(stripe);
    const waiting = await stripe.paymentIntents.applyCustomerBalance((await intent(stripe, customer.id, 900, { confirm: false })).id);
    assert.equal(waiting.status, 'requires_action');
    assert.equal(waiting.next_action!.display_bank_transfer_instructions!.amount_remaining, 700);
    assert.deepEqual((await eventsSince(stripe, since, [waiting.id])).slice(-1), ['payment_intent.requires_action']);
    assert.equal(await balanceOf(stripe, customer.id), 0);
    await checkLedger(stripe, customer.id);
  });

  it('Stripe’s manual sample: apply to open intents oldest first until the balance is 0', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe, 'manual');
    const intents = [await intent(stripe, customer.id, 300), await intent(stripe, customer.id, 500), await intent(stripe, customer.id, 400)];
    await fund(stripe, customer.id, 1000);
    const open = (await stripe.paymentIntents.list({ customer: customer.id, limit: 100 })).data
      .filter((pi) => ['requires_payment_method', 'requires_action'].includes(pi.status) && pi.payment_method_types.includes('customer_balance'))
      .sort((a, b) => a.created - b.created || intents.findIndex((i) => i.id === a.id) - intents.findIndex((i) => i.id === b.id));
    for (const pi of open) {
      if ((await balanceOf(stripe, customer.id)) === 0) break;
      await stripe.paymentIntents.applyCustomerBalance(pi.id);
    }
    const statuses = await Promise.all(intents.map(async (pi) => (await stripe.paymentIntents.retrieve(pi.id)).status));
    assert.deepEqual(statuses, ['succeeded', 'succeeded', 'requires_action']);
    assert.equal((await stripe.paymentIntents.retrieve(intents[2].id)).next_action!.display_bank_transfer_instructions!.amount_remaining, 200);
    await checkLedger(stripe, customer.id);
  });

  it('apply works in automatic mode too; canceling in manual mode gives money back without applying it', async () => {
    const { stripe } = server();
    const auto = await newCustomer(stripe);
    const pi = await intent(stripe, auto.id, 500, { confirm: false });
    await fund(stripe, auto.id, 500);
    assert.equal((await stripe.paymentIntents.applyCustomerBalance(pi.id)).status, 'succeeded');

    const manual = await newCustomer(stripe, 'manual');
    const a = await intent(stripe, manual.id, 1000);
    const b = await intent(stripe, manual.id, 300);
    await fund(stripe, manual.id, 300);
    await stripe.paymentIntents.applyCustomerBalance(a.id);
    const since = await lastEventId(stripe);
    await stripe.paymentIntents.cancel(a.id);
    assert.deepEqual(await eventsSince(stripe, since, [manual.id, a.id, b.id]), ['customer_cash_balance_transaction.created', 'payment_intent.canceled', 'cash_balance.funds_available']);
    assert.equal((await stripe.paymentIntents.retrieve(b.id)).status, 'requires_action', 'manual mode applies nothing');
    assert.equal(await balanceOf(stripe, manual.id), 300);
    await checkLedger(stripe, auto.id, manual.id);
  });
});
