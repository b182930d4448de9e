// Automatic reconciliation (spec payments-and-reconciliation.md §6) through the official SDK:
// reference match, exact-sum groups and their tie-breaks, oldest first, partial funding,
// overpayment, currencies, JPY's differences, and money released by cancel/amount changes.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, checkLedger, eventsSince, fund, intent, lastEventId, newCustomer } from './payments-helpers.ts';

async function state(stripe: Stripe, ...intents: Stripe.PaymentIntent[]): Promise<[string, number | null][]> {
  const out: [string, number | null][] = [];
  for (const pi of intents) {
    const now = await stripe.paymentIntents.retrieve(pi.id);
    out.push([now.status, now.next_action?.display_bank_transfer_instructions?.amount_remaining ?? null]);
  }
  return out;
}

describeEachStore('reconciliation: automatic mode', (server) => {
  it('a transfer quoting an intent’s reference funds that intent, not the oldest (case and spaces ignored)', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const older = await intent(stripe, customer.id, 1000);
    const newer = await intent(stripe, customer.id, 1000);
    const reference = newer.next_action!.display_bank_transfer_instructions!.reference!;
    await fund(stripe, customer.id, 1000, 'usd', `  ${reference.toLowerCase()} `);
    assert.deepEqual(await state(stripe, older, newer), [['requires_action', 1000], ['succeeded', null]]);
    await checkLedger(stripe, customer.id);
  });

  it('a reference match takes the money even when the amount fits another intent exactly; overpayment stays', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const exact = await intent(stripe, customer.id, 700);
    const named = await intent(stripe, customer.id, 500);
    const since = await lastEventId(stripe);
    await fund(stripe, customer.id, 700, 'usd', named.next_action!.display_bank_transfer_instructions!.reference!);
    assert.deepEqual(await state(stripe, exact, named), [['requires_action', 700], ['succeeded', null]]);
    assert.equal(await balanceOf(stripe, customer.id), 200);
    assert.deepEqual(await eventsSince(stripe, since, [customer.id, named.id]), [
      'customer_cash_balance_transaction.created',
      'customer_cash_balance_transaction.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'cash_balance.funds_available',
    ]);
    await checkLedger(stripe, customer.id);
  });

  it('an unknown reference falls through to the exact-sum rule: fewer objects win', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const a = await intent(stripe, customer.id, 300);
    const b = await intent(stripe, customer.id, 400);
    const c = await intent(stripe, customer.id, 700);
    await fund(stripe, customer.id, 700, 'usd', 'NOT-A-REFERENCE');
    // Oldest-first would have paid a and b; the single exact match c is preferred.
    assert.deepEqual(await state(stripe, a, b, c), [['requires_action', 300], ['requires_action', 400], ['succeeded', null]]);
    await checkLedger(stripe, customer.id);
  });

  it('exact sum: among equal groups the oldest intent wins; a group of 2..5 is found', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const small = await intent(stripe, customer.id, 100);
    const first = await intent(stripe, customer.id, 500);
    const second = await intent(stripe, customer.id, 500);
    await fund(stripe, customer.id, 500);
    assert.deepEqual(await state(stripe, small, first, second), [['requires_action', 100], ['succeeded', null], ['requires_action', 500]]);
    // Group of three: 100 + 500 + 250 = 850 (no single or pair sums to it).
    const third = await intent(stripe, customer.id, 250);
    await fund(stripe, customer.id, 850);
    assert.deepEqual(await state(stripe, small, second, third), [['succeeded', null], ['succeeded', null], ['succeeded', null]]);
    assert.equal(await balanceOf(stripe, customer.id), 0);
    await checkLedger(stripe, customer.id);
  });

  it('no exact group: oldest first, the last one partially funded; a later transfer completes it', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const a = await intent(stripe, customer.id, 300);
    const b = await intent(stripe, customer.id, 500);
    const c = await intent(stripe, customer.id, 400);
    const since = await lastEventId(stripe);
    await fund(stripe, customer.id, 600);
    assert.deepEqual(await state(stripe, a, b, c), [['succeeded', null], ['requires_action', 200], ['requires_action', 400]]);
    assert.deepEqual(await eventsSince(stripe, since, [customer.id, a.id, b.id, c.id]), [
      'customer_cash_balance_transaction.created',
      'customer_cash_balance_transaction.created',
      'charge.succeeded',
      'payment_intent.succeeded',
      'customer_cash_balance_transaction.created',
      'payment_intent.partially_funded',
    ]);
    await fund(stripe, customer.id, 1000);
    assert.deepEqual(await state(stripe, a, b, c), [['succeeded', null], ['succeeded', null], ['succeeded', null]]);
    assert.equal(await balanceOf(stripe, customer.id), 400, 'the excess stays in the balance');
    await checkLedger(stripe, customer.id);
  });

  it('only the funded currency is used; each currency reconciles on its own', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const usd = await intent(stripe, customer.id, 500, { currency: 'usd' });
    const eur = await intent(stripe, customer.id, 500, { currency: 'eur' });
    const gbp = await intent(stripe, customer.id, 500, { currency: 'gbp' });
    const mxn = await intent(stripe, customer.id, 1500, { currency: 'mxn' }); // above MXN's 10.00 minimum
    assert.equal(eur.next_action!.display_bank_transfer_instructions!.financial_addresses![0].type, 'iban');
    assert.equal(gbp.next_action!.display_bank_transfer_instructions!.financial_addresses![0].type, 'sort_code');
    assert.equal(mxn.next_action!.display_bank_transfer_instructions!.financial_addresses![0].type, 'spei');
    await fund(stripe, customer.id, 500, 'eur');
    assert.deepEqual(await state(stripe, usd, eur, gbp, mxn), [['requires_action', 500], ['succeeded', null], ['requires_action', 500], ['requires_action', 1500]]);
    await fund(stripe, customer.id, 200, 'mxn', mxn.next_action!.display_bank_transfer_instructions!.reference!);
    await fund(stripe, customer.id, 900, 'gbp');
    assert.deepEqual(await state(stripe, usd, gbp, mxn), [['requires_action', 500], ['succeeded', null], ['requires_action', 1300]]);
    const balance = await stripe.customers.retrieveCashBalance(customer.id);
    assert.deepEqual(balance.available, { eur: 0, gbp: 400, mxn: 0, usd: 0 });
    await checkLedger(stripe, customer.id);
  });

  it('JPY: no reference in the instructions, references ignored, intents served in confirmation order', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const createdFirst = await intent(stripe, customer.id, 1000, { currency: 'jpy', confirm: false });
    const confirmedFirst = await intent(stripe, customer.id, 1000, { currency: 'jpy' });
    assert.equal(confirmedFirst.next_action!.display_bank_transfer_instructions!.reference, null);
    assert.equal(confirmedFirst.next_action!.display_bank_transfer_instructions!.financial_addresses![0].type, 'zengin');
    await sleep(1100); // confirmation times one second apart
    await stripe.paymentIntents.confirm(createdFirst.id);
    await fund(stripe, customer.id, 400, 'jpy', 'ANYTHING');
    assert.deepEqual(await state(stripe, createdFirst, confirmedFirst), [['requires_action', 1000], ['requires_action', 600]]);
    // The same setup in USD serves the oldest created.
    const usdCreatedFirst = await intent(stripe, customer.id, 1000, { confirm: false });
    const usdConfirmedFirst = await intent(stripe, customer.id, 1000);
    await sleep(1100);
    await stripe.paymentIntents.confirm(usdCreatedFirst.id);
    await fund(stripe, customer.id, 400, 'usd');
    assert.deepEqual(await state(stripe, usdCreatedFirst, usdConfirmedFirst), [['requires_action', 600], ['requires_action', 1000]]);
    await checkLedger(stripe, customer.id);
  });

  it('JPY exact sum still applies', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const a = await intent(stripe, customer.id, 3000, { currency: 'jpy' });
    const b = await intent(stripe, customer.id, 5000, { currency: 'jpy' });
    await fund(stripe, customer.id, 5000, 'jpy');
    assert.deepEqual(await state(stripe, a, b), [['requires_action', 3000], ['succeeded', null]]);
    await checkLedger(stripe, customer.id);
  });

  it('canceling a partially funded intent gives the money back and reconciles it to others', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const a = await intent(stripe, customer.id, 1000);
    await fund(stripe, customer.id, 400);
    const b = await intent(stripe, customer.id, 400);
    assert.equal(b.status, 'requires_action');
    const since = await lastEventId(stripe);
    await stripe.paymentIntents.cancel(a.id);
    assert.deepEqual(await state(stripe, a, b), [['canceled', null], ['succeeded', null]]);
    assert.deepEqual(await eventsSince(stripe, since, [customer.id, a.id, b.id]), [
      'customer_cash_balance_transaction.created',
      'payment_intent.canceled',
      'customer_cash_balance_transaction.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    assert.equal(await balanceOf(stripe, customer.id), 0);
    await checkLedger(stripe, customer.id);
  });

  it('lowering an intent below what was applied releases it; reconciliation funds the next one', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const a = await intent(stripe, customer.id, 1000);
    await fund(stripe, customer.id, 600);
    const b = await intent(stripe, customer.id, 200);
    const lowered = await stripe.paymentIntents.update(a.id, { amount: 500 });
    assert.equal(lowered.status, 'requires_confirmation');
    // 600 released: b (200) is the only candidate; 400 stays.
    assert.deepEqual(await state(stripe, a, b), [['requires_confirmation', null], ['succeeded', null]]);
    assert.equal(await balanceOf(stripe, customer.id), 400);
    const again = await stripe.paymentIntents.confirm(a.id);
    assert.equal(again.status, 'requires_action');
    assert.equal(again.next_action!.display_bank_transfer_instructions!.amount_remaining, 100);
    assert.equal(again.next_action!.display_bank_transfer_instructions!.reference, a.next_action!.display_bank_transfer_instructions!.reference, 'the reference is kept for life');
    await checkLedger(stripe, customer.id);
  });

  it('customers are reconciled separately', async () => {
    const { stripe } = server();
    const one = await newCustomer(stripe);
    const two = await newCustomer(stripe);
    const pi = await intent(stripe, one.id, 500);
    await fund(stripe, two.id, 500);
    assert.deepEqual(await state(stripe, pi), [['requires_action', 500]]);
    assert.equal(await balanceOf(stripe, two.id), 500);
    await checkLedger(stripe, one.id, two.id);
  });
});
