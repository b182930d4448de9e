// Issue 12 (invoices): an invoice's PaymentIntent is ended through its invoice, never canceled on
// its own; a customer's first invoice item or balance transaction sets its currency, which an
// invoice without `currency` takes; pending items in another currency are never left out silently;
// a credit balance in one currency never pays an invoice in another.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { assertCreditLedger, assertInvoiceAmounts, eventsOf } from './invoice-helpers.ts';

type WithIntent = Stripe.Invoice & { payment_intent: string | null }; // dropped from the SDK's newer types

async function rejects(promise: Promise<unknown>, status: number, check: (error: Stripe.errors.StripeError) => void = () => {}): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, status, error.message);
    assert.equal(error.type, 'StripeInvalidRequestError');
    check(error);
    return true;
  });
}

async function customerOf(stripe: Stripe, id: string): Promise<Stripe.Customer> {
  return (await stripe.customers.retrieve(id)) as Stripe.Customer;
}

/** The customer.updated events of one customer, newest first. */
async function customerUpdates(server: Parameters<typeof eventsOf>[0], id: string): Promise<Stripe.Event[]> {
  return (await eventsOf(server, 'customer.updated')).filter((e) => (e.data.object as Stripe.Customer).id === id);
}

describeEachStore('invoice currency and intents', (server) => {
  it("refuses to cancel an invoice's PaymentIntent; voiding or paying out of band the invoice ends it", async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 300, currency: 'usd' });
    const open = async (): Promise<WithIntent> => {
      const draft = await stripe.invoices.create({ customer: customer.id, currency: 'usd', payment_settings: { payment_method_types: ['customer_balance'] } });
      await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 1000, currency: 'usd' });
      return (await stripe.invoices.finalizeInvoice(draft.id)) as unknown as WithIntent;
    };
    const invoice = await open();
    assert.equal(invoice.status, 'open');
    const intentId = invoice.payment_intent!;
    assert.equal(((await stripe.paymentIntents.retrieve(intentId)) as unknown as { invoice: string }).invoice, invoice.id);

    await rejects(stripe.paymentIntents.cancel(intentId), 400, (error) => {
      assert.equal(error.code, 'payment_intent_unexpected_state');
      assert.match(error.message, /You cannot cancel this PaymentIntent because it was created by an invoice \(in_\w+\)\. Void the invoice instead\./);
      assert.equal(error.payment_intent?.id, intentId);
    });
    await rejects(stripe.paymentIntents.cancel(intentId, { cancellation_reason: 'abandoned' }), 400);
    const still = await stripe.paymentIntents.retrieve(intentId);
    assert.equal(still.status, 'requires_payment_method', 'nothing changed');
    assert.equal(still.canceled_at, null);
    assert.equal((await stripe.invoices.retrieve(invoice.id)).status, 'open');
    assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available?.usd, 300, 'the cash balance is untouched');

    const voided = await stripe.invoices.voidInvoice(invoice.id);
    assert.equal(voided.status, 'void');
    const canceled = await stripe.paymentIntents.retrieve(intentId);
    assert.equal(canceled.status, 'canceled');
    assert.equal(canceled.cancellation_reason, 'void_invoice');

    const other = await open();
    const paid = await stripe.invoices.pay(other.id, { paid_out_of_band: true });
    assert.equal(paid.status, 'paid');
    assert.equal((await stripe.paymentIntents.retrieve(other.payment_intent!)).status, 'canceled');
  });

  it("sets the customer's currency from its first invoice item; an invoice without currency takes it", async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    assert.equal(customer.currency, null);
    const item = await stripe.invoiceItems.create({ customer: customer.id, amount: 2500, currency: 'eur' });
    assert.equal(item.invoice, null);
    const after = await customerOf(stripe, customer.id);
    assert.equal(after.currency, 'eur', 'the first invoice item sets the currency');
    assert.equal(after.balance, 0);
    const [updated, ...rest] = await customerUpdates(server(), customer.id);
    assert.deepEqual(updated.data.previous_attributes, { currency: null });
    assert.equal((updated.data.object as Stripe.Customer).currency, 'eur');
    assert.equal(rest.length, 0);

    // Without a currency the item is in the customer's.
    const second = await stripe.invoiceItems.create({ customer: customer.id, amount: 300 });
    assert.equal(second.currency, 'eur');

    const draft = await stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' });
    assert.equal(draft.currency, 'eur', "the customer's currency, not the account's");
    assert.deepEqual(draft.lines.data.map((l) => l.amount), [2500, 300]);
    assert.equal((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.length, 0);
    // Later items in another currency are allowed (per-currency balances) and leave the currency.
    await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd' });
    assert.equal((await customerOf(stripe, customer.id)).currency, 'eur');
    assert.equal((await customerUpdates(server(), customer.id)).length, 1, 'no customer.updated when nothing changed');
    const invoice = await stripe.invoices.finalizeInvoice(draft.id);
    assert.equal(invoice.status, 'open', 'not an empty invoice paid at finalization');
    assert.equal(invoice.amount_due, 2800);
    assertInvoiceAmounts(invoice);

    // A balance set on the customer afterwards is in its currency too.
    const credited = await stripe.customers.update(customer.id, { balance: -400 });
    assert.equal(credited.currency, 'eur');
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), { eur: -400 });
  });

  it('refuses to include pending items in another currency than an inferred one, and names them', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ balance: -100 }); // usd, the account's
    assert.equal(customer.currency, 'usd');
    const eur = await stripe.invoiceItems.create({ customer: customer.id, amount: 900, currency: 'eur' });
    const usd = await stripe.invoiceItems.create({ customer: customer.id, amount: 800, currency: 'usd' });

    await rejects(stripe.invoices.create({ customer: customer.id, pending_invoice_items_behavior: 'include' }), 400, (error) => {
      assert.equal(error.param, 'currency');
      assert.match(error.message, new RegExp(`pending invoice items in eur \\(${eur.id}\\), but this invoice would be in usd`));
    });
    assert.equal((await stripe.invoices.list({ customer: customer.id })).data.length, 0, 'no invoice was created');
    assert.deepEqual((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.map((i) => i.id).sort(), [eur.id, usd.id].sort());
    assert.equal((await eventsOf(server(), 'invoice.created')).filter((e) => (e.data.object as Stripe.Invoice).customer === customer.id).length, 0);

    // Naming the currency invoices that currency's items; the others stay pending, visibly.
    const usdInvoice = await stripe.invoices.create({ customer: customer.id, currency: 'usd', pending_invoice_items_behavior: 'include' });
    assert.deepEqual(usdInvoice.lines.data.map((l) => l.amount), [800]);
    const eurInvoice = await stripe.invoices.create({ customer: customer.id, currency: 'eur', pending_invoice_items_behavior: 'include' });
    assert.deepEqual(eurInvoice.lines.data.map((l) => l.amount), [900]);
    assert.equal((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.length, 0);
    // Excluding pending items (the default) is unaffected.
    await stripe.invoiceItems.create({ customer: customer.id, amount: 50, currency: 'eur' });
    assert.equal((await stripe.invoices.create({ customer: customer.id })).lines.data.length, 0);
  });

  it('never applies a credit balance in one currency to an invoice in another', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -5000, currency: 'eur' });
    const credited = await customerOf(stripe, customer.id);
    assert.equal(credited.currency, 'eur', 'the first balance transaction sets the currency');
    assert.equal(credited.balance, -5000);
    assert.deepEqual((await customerUpdates(server(), customer.id))[0].data.previous_attributes, { balance: 0, currency: null });

    const usdDraft = await stripe.invoices.create({ customer: customer.id, currency: 'usd' });
    assert.equal(usdDraft.starting_balance, 0, 'a usd draft shows no eur credit');
    await stripe.invoiceItems.create({ customer: customer.id, invoice: usdDraft.id, amount: 3000 });
    const usd = await stripe.invoices.finalizeInvoice(usdDraft.id);
    assert.equal(usd.status, 'open');
    assert.equal(usd.starting_balance, 0);
    assert.equal(usd.ending_balance, 0);
    assert.equal(usd.amount_due, 3000);
    assertInvoiceAmounts(usd);
    assert.equal((await customerOf(stripe, customer.id)).balance, -5000, 'the eur credit is untouched');

    const eurDraft = await stripe.invoices.create({ customer: customer.id });
    assert.equal(eurDraft.currency, 'eur');
    await stripe.invoiceItems.create({ customer: customer.id, invoice: eurDraft.id, amount: 2000 });
    const eur = await stripe.invoices.finalizeInvoice(eurDraft.id);
    assert.equal(eur.starting_balance, -5000);
    assert.equal(eur.ending_balance, -3000);
    assert.equal(eur.status, 'paid');
    assertInvoiceAmounts(eur);
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), { eur: -3000 });
  });
});
