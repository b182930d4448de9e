// The customer_balance PaymentIntent state table (spec payments-and-reconciliation.md §3–§4),
// row by row, through the official SDK, with the ledger invariants after each.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, checkLedger, eventsSince, fund, intent, lastEventId, ledger, newCustomer, rejectsUnexpectedState } from './payments-helpers.ts';

describeEachStore('payment intents: state table', (server) => {
  it('create without a payment method → requires_payment_method, every field present', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const since = await lastEventId(stripe);
    const pi = await stripe.paymentIntents.create({ amount: 1099, currency: 'usd', customer: customer.id, payment_method_types: ['customer_balance'], metadata: { order: '42' }, description: 'Order 42' } as Stripe.PaymentIntentCreateParams);
    assert.match(pi.id, /^pi_/);
    assert.equal(pi.status, 'requires_payment_method');
    assert.equal(pi.amount_received, 0);
    assert.equal(pi.payment_method, null);
    assert.equal(pi.next_action, null);
    assert.equal(pi.latest_charge, null);
    assert.deepEqual(pi.metadata, { order: '42' });
    assert.equal(pi.description, 'Order 42');
    assert.match(pi.client_secret!, new RegExp(`^${pi.id}_secret_`));
    for (const field of ['canceled_at', 'cancellation_reason', 'last_payment_error', 'application', 'on_behalf_of', 'processing', 'review', 'shipping', 'transfer_data']) {
      assert.ok(field in pi && (pi as unknown as Record<string, unknown>)[field] === null, `${field} is null`);
    }
    assert.deepEqual(pi.payment_method_options, { customer_balance: { funding_type: null } });
    assert.deepEqual(await eventsSince(stripe, since, [pi.id]), ['payment_intent.created']);
    const { lastResponse: _a, ...created } = pi;
    const { lastResponse: _b, ...fetched } = await stripe.paymentIntents.retrieve(pi.id);
    assert.deepEqual(fetched, created);
  });

  it('an address type its transfer type never has is refused, as for funding instructions (EUR has IBANs only)', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const params = (types: string[]) => ({
      amount: 1000, currency: 'eur', customer: customer.id, payment_method_types: ['customer_balance'], payment_method_data: { type: 'customer_balance' },
      payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' }, requested_address_types: types } } },
    }) as Stripe.PaymentIntentCreateParams;
    await assert.rejects(stripe.paymentIntents.create(params(['swift'])), (error: Stripe.errors.StripeError) => {
      assert.deepEqual([error.statusCode, error.param], [400, 'payment_method_options[customer_balance][bank_transfer][requested_address_types]']);
      return true;
    });
    const ok = await stripe.paymentIntents.create(params(['iban']));
    assert.deepEqual(ok.payment_method_options?.customer_balance?.bank_transfer?.requested_address_types, ['iban']);
  });

  it("an EUR intent without a requested country gets an IBAN of the customer's address country when Cashbook issues IBANs there, else of the merchant's, else IE", async () => {
    const s = server();
    const { stripe } = s;
    const ibanFor = async (country: string | undefined) => {
      const customer = await stripe.customers.create(country ? { address: { country } } : {});
      const pi = await stripe.paymentIntents.create({
        amount: 1000, currency: 'eur', customer: customer.id, confirm: true, payment_method_types: ['customer_balance'], payment_method_data: { type: 'customer_balance' },
        payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer' } } },
      } as Stripe.PaymentIntentCreateParams);
      return pi.next_action?.display_bank_transfer_instructions?.financial_addresses?.[0]?.iban?.iban.slice(0, 2);
    };
    const merchant = ((await s.request('GET', '/cashbook/v1/account')).body as { country?: string; settings?: { country?: string } });
    const country = merchant.country ?? merchant.settings?.country ?? '';
    const fallback = ['BE', 'DE', 'ES', 'FR', 'IE', 'NL'].includes(country) ? country : 'IE';
    assert.equal(await ibanFor('NL'), 'NL');
    assert.equal(await ibanFor('fr'), 'FR');
    assert.equal(await ibanFor('IT'), fallback, 'no Italian IBANs: the fallback');
    assert.equal(await ibanFor(undefined), fallback);
  });

  it('create with payment_method_data, confirm=false → requires_confirmation with a customer_balance PaymentMethod', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const pi = await intent(stripe, customer.id, 500, { confirm: false });
    assert.equal(pi.status, 'requires_confirmation');
    const pm = await stripe.paymentMethods.retrieve(pi.payment_method as string);
    assert.equal(pm.type, 'customer_balance');
    assert.deepEqual(pm.customer_balance, {});
    assert.match(pm.id, /^pm_/);
    assert.deepEqual(pi.payment_method_options?.customer_balance, {
      funding_type: 'bank_transfer',
      bank_transfer: { requested_address_types: ['aba', 'swift'], type: 'us_bank_transfer' },
    });
  });

  it('confirm with a balance that covers it → succeeded at once, applied_to_payment, charge', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    await fund(stripe, customer.id, 2000);
    const pending = await intent(stripe, customer.id, 1500, { confirm: false });
    const since = await lastEventId(stripe);
    const pi = await stripe.paymentIntents.confirm(pending.id);
    assert.equal(pi.status, 'succeeded');
    assert.equal(pi.amount_received, 1500);
    assert.equal(pi.next_action, null);
    assert.match(pi.latest_charge as string, /^py_/);
    assert.equal(await balanceOf(stripe, customer.id), 500);
    assert.deepEqual((await ledger(stripe, customer.id)).slice(-1), [['applied_to_payment', -1500, pi.id]]);
    assert.deepEqual(await eventsSince(stripe, since, [pi.id, customer.id]), ['customer_cash_balance_transaction.created', 'charge.succeeded', 'payment_intent.succeeded']);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    assert.equal(charge.amount, 1500);
    assert.equal(charge.status, 'succeeded');
    assert.equal(charge.payment_intent, pi.id);
    assert.equal(charge.customer, customer.id);
    assert.deepEqual(charge.payment_method_details, { customer_balance: {}, type: 'customer_balance' });
    assert.deepEqual((await stripe.charges.list({ payment_intent: pi.id })).data.map((c) => c.id), [charge.id]);
    assert.deepEqual((await stripe.charges.list({ customer: customer.id })).data.map((c) => c.id), [charge.id]);
    // The event's snapshot is the charge as written in that transaction: with its balance transaction.
    assert.match(charge.balance_transaction as string, /^txn_/);
    const [succeeded] = (await stripe.events.list({ type: 'charge.succeeded', limit: 10 })).data.filter((e) => (e.data.object as Stripe.Charge).id === charge.id);
    const { lastResponse: _r, ...retrieved } = charge;
    assert.deepEqual(succeeded.data.object, retrieved);
    const expanded = await stripe.paymentIntents.retrieve(pi.id, { expand: ['latest_charge', 'payment_method'] });
    assert.equal((expanded.latest_charge as Stripe.Charge).id, charge.id);
    assert.equal((expanded.payment_method as Stripe.PaymentMethod).type, 'customer_balance');
    await checkLedger(stripe, customer.id);
  });

  it('create with confirm=true and an exact balance → succeeded in one call; manual mode too', async () => {
    const { stripe } = server();
    for (const mode of ['automatic', 'manual'] as const) {
      const customer = await newCustomer(stripe, mode);
      await fund(stripe, customer.id, 800, 'eur');
      const pi = await intent(stripe, customer.id, 800, { currency: 'eur' });
      assert.equal(pi.status, 'succeeded', mode);
      assert.equal(await balanceOf(stripe, customer.id, 'eur'), 0);
      await checkLedger(stripe, customer.id);
    }
  });

  it('confirm short with funding_type → requires_action with instructions; automatic mode applies the balance', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    await fund(stripe, customer.id, 300);
    const since = await lastEventId(stripe);
    const pi = await intent(stripe, customer.id, 1000);
    assert.equal(pi.status, 'requires_action');
    assert.equal(pi.amount_received, 0, 'partial funding is not received');
    const instructions = pi.next_action!.display_bank_transfer_instructions!;
    assert.equal(pi.next_action!.type, 'display_bank_transfer_instructions');
    assert.equal(instructions.amount_remaining, 700);
    assert.equal(instructions.currency, 'usd');
    assert.equal(instructions.type, 'us_bank_transfer');
    assert.match(instructions.reference!, /^[A-Z0-9]{12}$/);
    assert.deepEqual(instructions.financial_addresses!.map((a) => a.type), ['aba', 'swift']);
    assert.match(instructions.hosted_instructions_url!, /^http:\/\/127\.0\.0\.1:\d+\/bank_transfers\/instructions\/test_[0-9A-Za-z]{32}$/);
    const vban = await stripe.customers.createFundingInstructions(customer.id, { currency: 'usd', funding_type: 'bank_transfer', bank_transfer: { type: 'us_bank_transfer' } });
    assert.deepEqual(instructions.financial_addresses, vban.bank_transfer.financial_addresses, 'the same virtual account as the funding instructions');
    assert.equal(await balanceOf(stripe, customer.id), 0);
    assert.deepEqual((await ledger(stripe, customer.id)).slice(-1), [['applied_to_payment', -300, pi.id]]);
    assert.deepEqual(await eventsSince(stripe, since, [pi.id, customer.id]), ['payment_intent.created', 'customer_cash_balance_transaction.created', 'payment_intent.requires_action']);
    await checkLedger(stripe, customer.id);
  });

  it('confirm short in manual mode → requires_action, nothing applied', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe, 'manual');
    await fund(stripe, customer.id, 300);
    const pi = await intent(stripe, customer.id, 1000);
    assert.equal(pi.status, 'requires_action');
    assert.equal(pi.next_action!.display_bank_transfer_instructions!.amount_remaining, 1000);
    assert.equal(await balanceOf(stripe, customer.id), 300);
    await checkLedger(stripe, customer.id);
  });

  it('confirm short without funding_type → requires_payment_method, payment_failed, nothing applied', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    await fund(stripe, customer.id, 300);
    const before = await ledger(stripe, customer.id);
    const since = await lastEventId(stripe);
    const pi = await intent(stripe, customer.id, 1000, { fundingType: false });
    assert.equal(pi.status, 'requires_payment_method');
    assert.equal(pi.payment_method, null);
    assert.equal(pi.last_payment_error?.code, 'payment_intent_payment_attempt_failed');
    assert.equal(pi.last_payment_error?.type, 'invalid_request_error');
    assert.equal(pi.last_payment_error?.payment_method?.type, 'customer_balance');
    assert.deepEqual(await ledger(stripe, customer.id), before);
    assert.deepEqual(await eventsSince(stripe, since, [pi.id]), ['payment_intent.created', 'payment_intent.payment_failed']);
    // Retry once the money is there: succeeds and clears the error.
    await fund(stripe, customer.id, 700);
    const retried = await stripe.paymentIntents.confirm(pi.id, { payment_method_data: { type: 'customer_balance' } });
    assert.equal(retried.status, 'succeeded');
    assert.equal(retried.last_payment_error, null);
    await checkLedger(stripe, customer.id);
  });

  it('requires_action + a transfer for the rest → succeeded; for part → partially_funded', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const pi = await intent(stripe, customer.id, 1000);
    const reference = pi.next_action!.display_bank_transfer_instructions!.reference!;
    let since = await lastEventId(stripe);
    await fund(stripe, customer.id, 400, 'usd', reference);
    let now = await stripe.paymentIntents.retrieve(pi.id);
    assert.equal(now.status, 'requires_action');
    assert.equal(now.next_action!.display_bank_transfer_instructions!.amount_remaining, 600);
    assert.equal(now.next_action!.display_bank_transfer_instructions!.reference, reference, 'the reference stays');
    assert.deepEqual(await eventsSince(stripe, since, [pi.id, customer.id]), ['customer_cash_balance_transaction.created', 'customer_cash_balance_transaction.created', 'payment_intent.partially_funded']);
    since = await lastEventId(stripe);
    await fund(stripe, customer.id, 600, 'usd', reference);
    now = await stripe.paymentIntents.retrieve(pi.id);
    assert.equal(now.status, 'succeeded');
    assert.equal(now.amount_received, 1000);
    assert.deepEqual(await eventsSince(stripe, since, [pi.id, customer.id]), ['customer_cash_balance_transaction.created', 'customer_cash_balance_transaction.created', 'charge.succeeded', 'payment_intent.succeeded']);
    assert.deepEqual(await ledger(stripe, customer.id), [['funded', 400], ['applied_to_payment', -400, pi.id], ['funded', 600], ['applied_to_payment', -600, pi.id]]);
    await checkLedger(stripe, customer.id);
  });

  it('changing the amount of a partially funded intent → requires_confirmation, money back, confirm again', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const pi = await intent(stripe, customer.id, 1000);
    await fund(stripe, customer.id, 400);
    const since = await lastEventId(stripe);
    const lowered = await stripe.paymentIntents.update(pi.id, { amount: 400 });
    assert.equal(lowered.status, 'requires_confirmation');
    assert.equal(lowered.next_action, null);
    assert.equal(lowered.amount, 400);
    assert.equal(await balanceOf(stripe, customer.id), 400);
    assert.deepEqual((await ledger(stripe, customer.id)).slice(-1), [['unapplied_from_payment', 400, pi.id]]);
    assert.deepEqual(await eventsSince(stripe, since, [pi.id, customer.id]), ['customer_cash_balance_transaction.created', 'cash_balance.funds_available']);
    const done = await stripe.paymentIntents.confirm(pi.id);
    assert.equal(done.status, 'succeeded');
    assert.equal(done.amount_received, 400);
    assert.equal(await balanceOf(stripe, customer.id), 0);
    await checkLedger(stripe, customer.id);
  });

  it('raising the amount before confirmation just changes it; metadata merges', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const pi = await intent(stripe, customer.id, 100, { confirm: false });
    const updated = await stripe.paymentIntents.update(pi.id, { amount: 250, metadata: { a: '1' }, description: 'more' });
    assert.equal(updated.amount, 250);
    assert.equal(updated.status, 'requires_confirmation');
    assert.deepEqual(updated.metadata, { a: '1' });
    assert.equal((await stripe.paymentIntents.update(pi.id, { metadata: { b: '2' } })).metadata.b, '2');
  });

  it('cancel from requires_payment_method, requires_confirmation and requires_action (money back)', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const a = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', customer: customer.id, payment_method_types: ['customer_balance'] } as Stripe.PaymentIntentCreateParams);
    const b = await intent(stripe, customer.id, 100, { confirm: false });
    await fund(stripe, customer.id, 50);
    const c = await intent(stripe, customer.id, 100);
    assert.equal(c.next_action!.display_bank_transfer_instructions!.amount_remaining, 50);
    for (const [pi, reason] of [[a, 'abandoned'], [b, 'duplicate'], [c, 'requested_by_customer']] as const) {
      const since = await lastEventId(stripe);
      const canceled = await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: reason });
      assert.equal(canceled.status, 'canceled');
      assert.equal(canceled.cancellation_reason, reason);
      assert.equal(typeof canceled.canceled_at, 'number');
      assert.equal(canceled.next_action, null);
      const events = await eventsSince(stripe, since, [pi.id, customer.id]);
      if (pi === c) assert.deepEqual(events, ['customer_cash_balance_transaction.created', 'payment_intent.canceled', 'cash_balance.funds_available']);
      else assert.deepEqual(events, ['payment_intent.canceled']);
    }
    assert.equal(await balanceOf(stripe, customer.id), 50);
    assert.deepEqual((await ledger(stripe, customer.id)).slice(-1), [['unapplied_from_payment', 50, c.id]]);
    await checkLedger(stripe, customer.id);
  });

  it('every illegal transition is a 400 payment_intent_unexpected_state with the intent, and changes nothing', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    await fund(stripe, customer.id, 1000);
    const succeeded = await intent(stripe, customer.id, 600);
    const canceled = await stripe.paymentIntents.cancel((await intent(stripe, customer.id, 100, { confirm: false })).id);
    const waiting = await intent(stripe, customer.id, 5000);
    const before = await ledger(stripe, customer.id);
    const since = await lastEventId(stripe);
    await rejectsUnexpectedState(stripe.paymentIntents.cancel(succeeded.id), 'succeeded', /^You cannot cancel this PaymentIntent because it has a status of succeeded\. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action\.$/);
    await rejectsUnexpectedState(stripe.paymentIntents.cancel(canceled.id), 'canceled');
    await rejectsUnexpectedState(stripe.paymentIntents.confirm(succeeded.id), 'succeeded', /confirm/);
    await rejectsUnexpectedState(stripe.paymentIntents.confirm(canceled.id), 'canceled');
    await rejectsUnexpectedState(stripe.paymentIntents.confirm(waiting.id), 'requires_action');
    await rejectsUnexpectedState(stripe.paymentIntents.applyCustomerBalance(succeeded.id), 'succeeded');
    await rejectsUnexpectedState(stripe.paymentIntents.applyCustomerBalance(canceled.id), 'canceled');
    await rejectsUnexpectedState(stripe.paymentIntents.update(canceled.id, { metadata: { a: 'b' } }), 'canceled');
    await rejectsUnexpectedState(stripe.paymentIntents.update(succeeded.id, { amount: 700 }), 'succeeded');
    assert.deepEqual(await ledger(stripe, customer.id), before);
    assert.deepEqual(await eventsSince(stripe, since, [customer.id, succeeded.id, canceled.id, waiting.id]), []);
    assert.equal((await stripe.paymentIntents.retrieve(succeeded.id)).amount, 600);
    // A succeeded intent still takes metadata.
    assert.equal((await stripe.paymentIntents.update(succeeded.id, { metadata: { note: 'x' } })).metadata.note, 'x');
    await checkLedger(stripe, customer.id);
  });
});
