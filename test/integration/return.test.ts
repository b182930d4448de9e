import assert from 'node:assert/strict';
import { afterEach, it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent, ledger } from './payments-helpers.ts';
import { assertBooks, IBAN_FAIL, IBAN_OK, rejectsWith, submitBankDetails, US_FAIL, US_OK } from './refund-helpers.ts';

describeEachStore('returns of the cash balance (refund origin=customer_balance)', (server) => {
  afterEach(async () => assertBooks(server()));

  async function customer(stripe: Stripe, email: string | null = 'jenny.rosen@example.com') {
    return stripe.customers.create({ ...(email ? { email } : {}), cash_balance: { settings: { reconciliation_mode: 'manual' } } });
  }

  it('returns part of the balance: return_initiated in the same step, requires_action with the email', async () => {
    const { stripe } = server();
    const cus = await customer(stripe);
    await fund(stripe, cus.id, 5000);
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 1099, instructions_email: 'other@example.com' });
    assert.match(refund.id, /^re_/);
    assert.equal(refund.status, 'requires_action');
    assert.equal(refund.amount, 1099);
    assert.equal(refund.charge, null);
    assert.equal(refund.payment_intent, null);
    assert.equal(refund.instructions_email, 'other@example.com');
    assert.equal(refund.next_action?.type, 'display_details');
    assert.equal(refund.next_action?.display_details?.email_sent.email_sent_to, 'other@example.com');
    assert.equal(refund.next_action?.display_details?.expires_at, refund.created + 45 * 86_400);
    assert.deepEqual(refund.destination_details, { type: 'us_bank_transfer', us_bank_transfer: { reference: null, reference_status: 'pending' } } as unknown);
    assert.equal(await balanceOf(stripe, cus.id), 5000 - 1099);
    assert.deepEqual(await ledger(stripe, cus.id), [['funded', 5000], ['return_initiated', -1099]]);
    const fetched = await stripe.refunds.retrieve(refund.id);
    assert.equal(fetched.status, 'requires_action');
    const events = (await stripe.events.list({ limit: 2 })).data.reverse();
    assert.deepEqual(events.map((e) => e.type), ['customer_cash_balance_transaction.created', 'refund.created']);
    assert.equal((events[0].data.object as Stripe.CustomerCashBalanceTransaction).type, 'return_initiated');
  });

  it('an instructions_email that is no address is refused with email_invalid and moves no money', async () => {
    const { stripe } = server();
    const cus = await customer(stripe);
    await fund(stripe, cus.id, 800);
    for (const bad of ['not-an-email', 'a@b.co\u0000', 'two words@b.co', 'a@b']) {
      await assert.rejects(
        stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 400, instructions_email: bad }),
        rejectsWith(400, { code: 'email_invalid', param: 'instructions_email' }),
        JSON.stringify(bad),
      );
    }
    assert.deepEqual(await ledger(stripe, cus.id), [['funded', 800]]);
  });

  it('returns the whole balance when amount is left out; the customer email is the default', async () => {
    const { stripe } = server();
    const cus = await customer(stripe);
    await fund(stripe, cus.id, 700, 'eur');
    await fund(stripe, cus.id, 300, 'usd');
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'eur' });
    assert.equal(refund.amount, 700);
    assert.equal(refund.currency, 'eur');
    assert.equal(refund.instructions_email, 'jenny.rosen@example.com');
    assert.equal(refund.destination_details?.type, 'eu_bank_transfer');
    assert.equal(await balanceOf(stripe, cus.id, 'eur'), 0);
    assert.equal(await balanceOf(stripe, cus.id, 'usd'), 300);
  });

  it('refuses more than is available, a missing customer, currency or email, and changes nothing', async () => {
    const { stripe } = server();
    const cus = await customer(stripe);
    await fund(stripe, cus.id, 1000);
    await assert.rejects(stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 1001 }), rejectsWith(400, { code: 'amount_too_large', param: 'amount' }));
    await assert.rejects(stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'gbp' }), rejectsWith(400, { param: 'amount' }));
    await assert.rejects(stripe.refunds.create({ origin: 'customer_balance', currency: 'usd' } as Stripe.RefundCreateParams), rejectsWith(400, { code: 'parameter_missing', param: 'customer' }));
    await assert.rejects(stripe.refunds.create({ origin: 'customer_balance', customer: cus.id } as Stripe.RefundCreateParams), rejectsWith(400, { code: 'parameter_missing', param: 'currency' }));
    await assert.rejects(stripe.refunds.create({ origin: 'customer_balance', customer: 'cus_nope', currency: 'usd' }), rejectsWith(404, { code: 'resource_missing' }));
    await assert.rejects(stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 0 }), rejectsWith(400, { param: 'amount' }));
    const noEmail = await customer(stripe, null);
    await fund(stripe, noEmail.id, 100);
    await assert.rejects(stripe.refunds.create({ origin: 'customer_balance', customer: noEmail.id, currency: 'usd' }), rejectsWith(400, { param: 'instructions_email' }));
    assert.equal(await balanceOf(stripe, cus.id), 1000);
    assert.equal(await balanceOf(stripe, noEmail.id), 100);
    assert.equal((await stripe.refunds.list({ limit: 100 })).data.filter((r) => r.amount === 1001).length, 0);
  });

  it('cancel before bank details gives return_canceled and the money back; cannot cancel twice', async () => {
    const { stripe } = server();
    const cus = await customer(stripe);
    await fund(stripe, cus.id, 2000);
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 1500 });
    const canceled = await stripe.refunds.cancel(refund.id);
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.next_action, undefined);
    assert.equal(await balanceOf(stripe, cus.id), 2000);
    assert.deepEqual(await ledger(stripe, cus.id), [['funded', 2000], ['return_initiated', -1500], ['return_canceled', 1500]]);
    await assert.rejects(stripe.refunds.cancel(refund.id), rejectsWith(400));
    assert.equal(await balanceOf(stripe, cus.id), 2000);
  });

  it('bank details with a succeeding account: pending then succeeded; cannot be canceled after', async () => {
    const { stripe } = server();
    const cus = await customer(stripe);
    await fund(stripe, cus.id, 900);
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 900 });
    const since = (await stripe.events.list({ limit: 1 })).data[0].id;
    const submitted = await submitBankDetails(server(), refund.id, US_OK);
    assert.equal(submitted.status, 200);
    assert.equal(submitted.body.status, 'succeeded');
    assert.equal(submitted.body.destination_details.us_bank_transfer.reference_status, 'available');
    const events = (await stripe.events.list({ ending_before: since, type: 'refund.updated' })).data.reverse();
    assert.deepEqual(events.map((e) => (e.data.object as Stripe.Refund).status), ['pending', 'succeeded']);
    assert.deepEqual(events.map((e) => (e.data.previous_attributes as { status?: string }).status), ['requires_action', 'pending']);
    await assert.rejects(stripe.refunds.cancel(refund.id), rejectsWith(400));
    assert.equal(await balanceOf(stripe, cus.id), 0);
    assert.deepEqual(await ledger(stripe, cus.id), [['funded', 900], ['return_initiated', -900]]);
  });

  it('bank details with a failing account: the bank bounces it back to requires_action', async () => {
    const { stripe } = server();
    const cus = await customer(stripe);
    await fund(stripe, cus.id, 400, 'eur');
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'eur' });
    const bounced = await submitBankDetails(server(), refund.id, IBAN_FAIL);
    assert.equal(bounced.body.status, 'requires_action');
    assert.equal(bounced.body.next_action.type, 'display_details');
    const again = await submitBankDetails(server(), refund.id, IBAN_OK);
    assert.equal(again.body.status, 'succeeded');
    const refused = await submitBankDetails(server(), refund.id, US_FAIL);
    assert.equal(refused.status, 400);
    const unknownAccount = await submitBankDetails(server(), refund.id, { iban: 'DE00000000000000000000' });
    assert.equal(unknownAccount.status, 400);
    assert.equal(unknownAccount.body.error.type, 'invalid_request_error');
  });

  it('expire (test helper) fails the return and gives the money back with return_canceled', async () => {
    const { stripe } = server();
    const cus = await customer(stripe);
    await fund(stripe, cus.id, 1200, 'gbp');
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'gbp', amount: 1000 });
    const expired = await stripe.testHelpers.refunds.expire(refund.id);
    assert.equal(expired.status, 'failed');
    assert.equal(expired.failure_reason, 'unknown');
    assert.equal(await balanceOf(stripe, cus.id, 'gbp'), 1200);
    assert.deepEqual(await ledger(stripe, cus.id), [['funded', 1200], ['return_initiated', -1000], ['return_canceled', 1000]]);
    const failedEvents = await stripe.events.list({ type: 'refund.failed', limit: 5 });
    assert.ok(failedEvents.data.some((e) => (e.data.object as Stripe.Refund).id === refund.id));
    await assert.rejects(stripe.testHelpers.refunds.expire(refund.id), rejectsWith(400));
    await assert.rejects(stripe.refunds.cancel(refund.id), rejectsWith(400));
  });

  it('in automatic mode, money coming back from a canceled return funds a waiting payment', async () => {
    const { stripe } = server();
    const cus = await stripe.customers.create({ email: 'a@example.com' });
    await fund(stripe, cus.id, 1000);
    const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: cus.id, currency: 'usd', amount: 1000 });
    const pi = await intent(stripe, cus.id, 800);
    assert.equal(pi.status, 'requires_action');
    await stripe.refunds.cancel(refund.id);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'succeeded');
    assert.equal(await balanceOf(stripe, cus.id), 200);
  });
});
