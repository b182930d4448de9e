import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { balanceOf, fund, intent } from './payments-helpers.ts';
import { rejectsWith, submitBankDetails, US_OK } from './refund-helpers.ts';

async function deleteMessage(stripe: Stripe, id: string): Promise<string> {
  try {
    await stripe.customers.del(id);
  } catch (error) {
    return (error as Stripe.errors.StripeError).message;
  }
  throw new Error('the deletion was not refused');
}

describeEachStore('customers', (server) => {
  it('creates, retrieves, updates and lists customers with the SDK', async () => {
    const { stripe } = server();
    const created = await stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { order_id: '6735', note: 'a b&c=d' },
    });
    assert.match(created.id, /^cus_[0-9A-Za-z]{24}$/);
    assert.equal(created.object, 'customer');
    assert.equal(created.livemode, false);
    assert.deepEqual(created.metadata, { order_id: '6735', note: 'a b&c=d' });
    assert.equal(created.balance, 0);
    assert.equal(created.lastResponse.requestId?.startsWith('req_'), true);

    const fetched = await stripe.customers.retrieve(created.id);
    assert.equal((fetched as Stripe.Customer).email, 'ada@example.com');

    const updated = await stripe.customers.update(created.id, { description: 'VIP', metadata: { note: '' , tier: 'gold' } });
    assert.equal(updated.description, 'VIP');
    assert.deepEqual(updated.metadata, { order_id: '6735', tier: 'gold' });

    const cleared = await stripe.customers.update(created.id, { description: null as unknown as string });
    assert.equal(cleared.description, null);

    const list = await stripe.customers.list({ email: 'ada@example.com' });
    assert.equal(list.object, 'list');
    assert.equal(list.url, '/v1/customers');
    assert.deepEqual(list.data.map((c) => c.id), [created.id]);
  });

  it('shows an address with all six fields, null where not given, on the customer and its invoices', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ address: { line1: '1 Rue de Rivoli' } });
    assert.deepEqual(customer.address, { city: null, country: null, line1: '1 Rue de Rivoli', line2: null, postal_code: null, state: null });
    const updated = await stripe.customers.update(customer.id, { address: { city: 'Paris', country: 'FR' } });
    assert.deepEqual(updated.address, { city: 'Paris', country: 'FR', line1: null, line2: null, postal_code: null, state: null });
    const invoice = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 30 });
    await stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 1000, currency: 'usd' });
    const finalized = await stripe.invoices.finalizeInvoice(invoice.id);
    assert.deepEqual(finalized.customer_address, updated.address);
    assert.equal((await stripe.customers.update(customer.id, { address: '' as never })).address, null);
  });

  it('sets the reconciliation mode on create and shows the cash balance when expanded', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({
      cash_balance: { settings: { reconciliation_mode: 'manual' } },
      expand: ['cash_balance'],
    });
    assert.deepEqual(customer.cash_balance, {
      object: 'cash_balance',
      available: null,
      customer: customer.id,
      livemode: false,
      settings: { reconciliation_mode: 'manual', using_merchant_default: false },
    });
    const plain = await stripe.customers.retrieve(customer.id);
    assert.equal('cash_balance' in plain, false, 'cash_balance is only present when expanded');
  });

  it('deletes a customer with no cash balance and refuses one with money', async () => {
    const { stripe } = server();
    const empty = await stripe.customers.create();
    const deleted = await stripe.customers.del(empty.id);
    assert.deepEqual({ id: deleted.id, object: deleted.object, deleted: deleted.deleted }, { id: empty.id, object: 'customer', deleted: true });
    const again = await stripe.customers.retrieve(empty.id);
    assert.equal((again as Stripe.DeletedCustomer).deleted, true);
    await assert.rejects(stripe.customers.update(empty.id, { name: 'x' }), (error: Stripe.errors.StripeError) => {
      assert.equal(error.statusCode, 404);
      assert.equal(error.code, 'resource_missing');
      return true;
    });
    const listed = await stripe.customers.list({ limit: 100 });
    assert.equal(listed.data.some((c) => c.id === empty.id), false, 'deleted customers are not listed');

    const funded = await stripe.customers.create();
    await stripe.testHelpers.customers.fundCashBalance(funded.id, { amount: 100, currency: 'usd' });
    await assert.rejects(stripe.customers.del(funded.id), (error: Stripe.errors.StripeError) => error.statusCode === 400);
    assert.equal(((await stripe.customers.retrieve(funded.id)) as Stripe.Customer).deleted, undefined);
  });

  it('refuses to delete a customer while applied cash, a return or a refund can still come back to its balance, or an open invoice draw on it', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'jenny.rosen@example.com' });
    await fund(stripe, customer.id, 300);
    const pi = await intent(stripe, customer.id, 1000);
    assert.equal(pi.status, 'requires_action');
    assert.equal(await balanceOf(stripe, customer.id), 0);
    await assert.rejects(stripe.customers.del(customer.id), rejectsWith(400, { param: 'customer' }));
    assert.match(await deleteMessage(stripe, customer.id), new RegExp(`3\\.00 USD applied to ${pi.id}`));

    await stripe.paymentIntents.cancel(pi.id);
    assert.equal(await balanceOf(stripe, customer.id), 300, 'the canceled intent gave the applied cash back');
    const back = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'usd' });
    assert.equal(back.status, 'requires_action');
    assert.match(await deleteMessage(stripe, customer.id), new RegExp(`requires_action return ${back.id}`));
    await stripe.refunds.cancel(back.id);
    assert.equal(await balanceOf(stripe, customer.id), 300, 'the canceled return gave the cash back');

    // A refund of a payment that is still on its way gives its money back to the cash balance if it fails or expires.
    await fund(stripe, customer.id, 700);
    const paid = await intent(stripe, customer.id, 1000);
    assert.equal(paid.status, 'succeeded');
    const refund = await stripe.refunds.create({ payment_intent: paid.id, amount: 100 });
    assert.equal(refund.status, 'requires_action');
    assert.match(await deleteMessage(stripe, customer.id), new RegExp(`requires_action refund ${refund.id}`));
    await stripe.refunds.cancel(refund.id);

    // An open invoice: reconciliation pays it from the cash balance, voiding it gives its credit back.
    await stripe.invoiceItems.create({ customer: customer.id, amount: 500, currency: 'usd' });
    const draft = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 30, pending_invoice_items_behavior: 'include' });
    const open = await stripe.invoices.finalizeInvoice(draft.id);
    assert.equal(open.status, 'open');
    assert.match(await deleteMessage(stripe, customer.id), new RegExp(`open invoice ${open.id}`));
    await stripe.invoices.voidInvoice(open.id);

    await fund(stripe, customer.id, 300);
    const gone = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'usd' });
    assert.equal((await submitBankDetails(server(), gone.id, US_OK)).body.status, 'succeeded');
    const deleted = await stripe.customers.del(customer.id);
    assert.equal(deleted.deleted, true, 'nothing can come back once the return succeeded');
  });

  it('pages through customers newest first, each exactly once', async () => {
    const { stripe } = server();
    const tag = `page-${Date.now()}`;
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await stripe.customers.create({ email: `${tag}@example.com` })).id);
    const seen: string[] = [];
    for await (const customer of stripe.customers.list({ email: `${tag}@example.com`, limit: 7 })) seen.push(customer.id);
    assert.deepEqual(seen, [...ids].reverse());

    const firstPage = await stripe.customers.list({ email: `${tag}@example.com`, limit: 5 });
    assert.equal(firstPage.has_more, true);
    const before = await stripe.customers.list({ email: `${tag}@example.com`, limit: 3, ending_before: firstPage.data[4].id });
    assert.deepEqual(before.data.map((c) => c.id), firstPage.data.slice(1, 4).map((c) => c.id));
  });

  it('answers 401 without a key or with an unknown key, in Stripe shape', async () => {
    const { request, url } = server();
    const none = await request('GET', '/v1/customers', { headers: { authorization: '' } });
    assert.equal(none.status, 401);
    assert.equal(none.body.error.type, 'invalid_request_error');
    const wrong = await request('GET', '/v1/customers', { headers: { authorization: 'Bearer sk_test_nope1234' } });
    assert.equal(wrong.status, 401);
    assert.match(wrong.body.error.message, /^Invalid API Key provided: sk_test_\*+1234$/);
    const stripe = new Stripe('sk_test_wrong', { host: '127.0.0.1', port: Number(new URL(url).port), protocol: 'http', telemetry: false, maxNetworkRetries: 0 });
    await assert.rejects(stripe.customers.list(), Stripe.errors.StripeAuthenticationError);
    const basic = await request('GET', '/v1/customers?limit=1', { headers: { authorization: `Basic ${Buffer.from(`${server().key}:`).toString('base64')}` } });
    assert.equal(basic.status, 200);
  });

  it('accepts JSON bodies and both array encodings', async () => {
    const { request } = server();
    const json = await request('POST', '/v1/customers', { json: { email: 'json@example.com', metadata: { a: '1' }, expand: ['cash_balance'] } });
    assert.equal(json.status, 200);
    assert.equal(json.body.email, 'json@example.com');
    assert.equal(json.body.cash_balance.object, 'cash_balance');
    const brackets = await request('GET', `/v1/customers/${json.body.id}?expand[]=cash_balance`);
    assert.equal(brackets.body.cash_balance.customer, json.body.id);
    const indexed = await request('GET', `/v1/customers/${json.body.id}?expand[0]=cash_balance`);
    assert.equal(indexed.body.cash_balance.customer, json.body.id);
  });

  it('answers unknown routes with a Stripe 404', async () => {
    const { request } = server();
    const response = await request('GET', '/v1/nothing_here');
    assert.equal(response.status, 404);
    assert.match(response.body.error.message, /Unrecognized request URL/);
  });
});
