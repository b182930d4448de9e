// Invoices paid from the cash balance: by hand (POST /v1/invoices/:id/pay), at finalization,
// through apply_customer_balance on the invoice's intent, and by automatic reconciliation of an
// incoming transfer (invoice rules of payments-and-reconciliation.md §6), competing with intents.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { assertCreditLedger, assertInvoiceAmounts } from './invoice-helpers.ts';
import { balanceOf, checkLedger, eventsSince, fund, intent, lastEventId, ledger, newCustomer, type Mode } from './payments-helpers.ts';

/** Fields of the 2024-04-10 invoice that the 2026 SDK types no longer declare. */
type V1Invoice = Stripe.Invoice & { payment_intent: string | null; paid: boolean; paid_out_of_band: boolean; charge: string | null };
const v1 = (invoice: Stripe.Invoice) => invoice as V1Invoice;

async function openInvoice(stripe: Stripe, customer: string, amount: number, options: { currency?: string; dueDate?: number; types?: string[] } = {}): Promise<V1Invoice> {
  const draft = await stripe.invoices.create({
    customer,
    currency: options.currency ?? 'usd',
    collection_method: 'send_invoice',
    ...(options.dueDate !== undefined ? { due_date: options.dueDate } : { days_until_due: 30 }),
    payment_settings: { payment_method_types: (options.types ?? ['customer_balance']) as Stripe.InvoiceCreateParams.PaymentSettings.PaymentMethodType[] },
  });
  await stripe.invoiceItems.create({ customer, invoice: draft.id, amount });
  return v1(await stripe.invoices.finalizeInvoice(draft.id));
}

async function statuses(stripe: Stripe, ...invoices: Stripe.Invoice[]): Promise<string[]> {
  const out: string[] = [];
  for (const invoice of invoices) {
    const now = await stripe.invoices.retrieve(invoice.id);
    assertInvoiceAmounts(now);
    out.push(now.status!);
  }
  return out;
}

async function customerIn(stripe: Stripe, mode: Mode): Promise<Stripe.Customer> {
  return newCustomer(stripe, mode);
}

describeEachStore('invoices paid from the cash balance', (server) => {
  it('gives an open customer_balance invoice a PaymentIntent and pays it by hand from the cash balance', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'manual');
    await fund(stripe, customer.id, 5000);
    const invoice = await openInvoice(stripe, customer.id, 3000);
    assert.equal(invoice.status, 'open', 'manual mode: nothing is applied at finalization');
    assert.match(invoice.payment_intent as string, /^pi_/);
    const pi = await stripe.paymentIntents.retrieve(invoice.payment_intent as string);
    assert.equal(pi.amount, 3000);
    assert.equal((pi as unknown as { invoice: string }).invoice, invoice.id);

    const since = await lastEventId(stripe);
    const paid = v1(await stripe.invoices.pay(invoice.id));
    assert.equal(paid.status, 'paid');
    assert.equal(paid.paid, true);
    assert.equal(paid.paid_out_of_band, false);
    assert.equal(paid.amount_paid, 3000);
    assert.equal(paid.amount_remaining, 0);
    assert.match(paid.charge as string, /^(py|ch)_/);
    assertInvoiceAmounts(paid);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'succeeded');
    assert.equal(await balanceOf(stripe, customer.id), 2000);
    assert.deepEqual(await ledger(stripe, customer.id), [['funded', 5000], ['applied_to_payment', -3000, pi.id]]);
    const events = await eventsSince(stripe, since, [customer.id, pi.id]);
    assert.deepEqual(events.filter((t) => t.startsWith('invoice.')), ['invoice.paid', 'invoice.payment_succeeded']);
    await checkLedger(stripe, customer.id);
  });

  it('refuses to pay from a cash balance that does not cover the invoice, changing nothing', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'manual');
    await fund(stripe, customer.id, 1000);
    const invoice = await openInvoice(stripe, customer.id, 3000);
    await assert.rejects(stripe.invoices.pay(invoice.id), (error: Stripe.errors.StripeError) => error.statusCode === 400 && error.code === 'balance_insufficient');
    assert.deepEqual(await statuses(stripe, invoice), ['open']);
    assert.equal(await balanceOf(stripe, customer.id), 1000);
    const card = await openInvoice(stripe, customer.id, 500, { types: ['card'] });
    assert.equal(card.payment_intent, null);
    await assert.rejects(stripe.invoices.pay(card.id), (error: Stripe.errors.StripeError) => error.statusCode === 400 && error.param === 'invoice');
  });

  it('applies the credit balance first, then the cash balance pays the rest at finalization (automatic mode)', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'automatic');
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -1000, currency: 'usd' });
    await fund(stripe, customer.id, 2500);
    const invoice = await openInvoice(stripe, customer.id, 3000);
    assert.equal(invoice.status, 'paid');
    assert.equal(invoice.starting_balance, -1000);
    assert.equal(invoice.amount_due, 2000);
    assert.equal(invoice.amount_paid, 2000);
    assertInvoiceAmounts(invoice);
    assert.equal(await balanceOf(stripe, customer.id), 500);
    await assertCreditLedger(stripe, customer.id);
    await checkLedger(stripe, customer.id);
  });

  it('pays the invoice when apply_customer_balance is called on its intent', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'manual');
    await fund(stripe, customer.id, 4000);
    const invoice = await openInvoice(stripe, customer.id, 3000);
    const pi = await stripe.paymentIntents.applyCustomerBalance(invoice.payment_intent as string, { amount: 10 });
    assert.equal(pi.status, 'succeeded', 'an invoice intent takes its full amount whatever amount says');
    assert.deepEqual(await statuses(stripe, invoice), ['paid']);
    assert.equal(await balanceOf(stripe, customer.id), 1000);
  });

  it('keeps an overpayment in the cash balance, never in the credit balance', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'automatic');
    const invoice = await openInvoice(stripe, customer.id, 3000);
    await fund(stripe, customer.id, 4500, 'usd', invoice.number!);
    assert.deepEqual(await statuses(stripe, invoice), ['paid']);
    assert.equal(await balanceOf(stripe, customer.id), 1500);
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), {}, 'no invoice_overpaid: the excess stays cash');
    await checkLedger(stripe, customer.id);
  });

  it('applies nothing automatically in manual mode', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'manual');
    const invoice = await openInvoice(stripe, customer.id, 3000);
    await fund(stripe, customer.id, 3000, 'usd', invoice.number!);
    assert.deepEqual(await statuses(stripe, invoice), ['open']);
    assert.equal(await balanceOf(stripe, customer.id), 3000);
  });

  it('paying out of band cancels the unused intent', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'manual');
    const invoice = await openInvoice(stripe, customer.id, 3000);
    const paid = v1(await stripe.invoices.pay(invoice.id, { paid_out_of_band: true }));
    assert.equal(paid.paid_out_of_band, true);
    assert.equal((await stripe.paymentIntents.retrieve(invoice.payment_intent!)).status, 'canceled');
  });

  it('voiding cancels the intent with void_invoice', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'manual');
    const invoice = await openInvoice(stripe, customer.id, 3000);
    await stripe.invoices.voidInvoice(invoice.id);
    const pi = await stripe.paymentIntents.retrieve(invoice.payment_intent as string);
    assert.equal(pi.status, 'canceled');
    assert.equal(pi.cancellation_reason, 'void_invoice');
  });

  it('a transfer quoting an invoice number pays that invoice, not the oldest one', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'automatic');
    const older = await openInvoice(stripe, customer.id, 1500);
    const named = await openInvoice(stripe, customer.id, 1500);
    await fund(stripe, customer.id, 1500, 'usd', `  ${named.number!.toLowerCase()} `);
    assert.deepEqual(await statuses(stripe, older, named), ['open', 'paid']);
    assert.equal(await balanceOf(stripe, customer.id), 0);
    // Without a reference the oldest finalized invoice is chosen among equals.
    await fund(stripe, customer.id, 1500);
    assert.deepEqual(await statuses(stripe, older), ['paid']);
    await checkLedger(stripe, customer.id);
  });

  it('never funds an invoice partially: the money waits until the whole amount is there', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'automatic');
    const invoice = await openInvoice(stripe, customer.id, 3000);
    await fund(stripe, customer.id, 1000, 'usd', invoice.number!);
    assert.deepEqual(await statuses(stripe, invoice), ['open']);
    assert.equal(await balanceOf(stripe, customer.id), 1000);
    await fund(stripe, customer.id, 2000);
    assert.deepEqual(await statuses(stripe, invoice), ['paid']);
    assert.equal(await balanceOf(stripe, customer.id), 0);
    await checkLedger(stripe, customer.id);
  });

  it('skips invoices more than 30 days past due, which can still be paid by hand', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'automatic');
    const now = Math.floor(Date.now() / 1000);
    const overdue = await openInvoice(stripe, customer.id, 1000, { dueDate: now - 31 * 86_400 });
    const late = await openInvoice(stripe, customer.id, 1000, { dueDate: now - 29 * 86_400 });
    await fund(stripe, customer.id, 1000, 'usd', overdue.number!);
    assert.deepEqual(await statuses(stripe, overdue, late), ['open', 'paid']);
    await fund(stripe, customer.id, 1000);
    assert.deepEqual(await statuses(stripe, overdue), ['open']);
    assert.equal(await balanceOf(stripe, customer.id), 1000);
    assert.equal((await stripe.invoices.pay(overdue.id)).status, 'paid');
    await checkLedger(stripe, customer.id);
  });

  it('an invoice and an intent compete for one transfer: the invoice wins equal groups, references decide first', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'automatic');
    const pi = await intent(stripe, customer.id, 1000);
    const invoice = await openInvoice(stripe, customer.id, 1000);
    // Exact-sum groups of one object each: the group with more invoices is preferred.
    await fund(stripe, customer.id, 1000);
    assert.deepEqual(await statuses(stripe, invoice), ['paid']);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'requires_action');

    // An intent's reference beats an invoice that fits exactly.
    const second = await openInvoice(stripe, customer.id, 1000);
    await fund(stripe, customer.id, 1000, 'usd', pi.next_action!.display_bank_transfer_instructions!.reference!);
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'succeeded');
    assert.deepEqual(await statuses(stripe, second), ['open']);

    // An invoice number beats an intent that fits exactly.
    const other = await intent(stripe, customer.id, 1000);
    await fund(stripe, customer.id, 1000, 'usd', second.number!);
    assert.deepEqual(await statuses(stripe, second), ['paid']);
    assert.equal((await stripe.paymentIntents.retrieve(other.id)).status, 'requires_action');

    // Invoices first (oldest finalized, whole), then intents get what is left.
    const big = await openInvoice(stripe, customer.id, 2000);
    await fund(stripe, customer.id, 2600);
    assert.deepEqual(await statuses(stripe, big), ['paid']);
    const partial = await stripe.paymentIntents.retrieve(other.id);
    assert.equal(partial.next_action?.display_bank_transfer_instructions?.amount_remaining, 400);
    await checkLedger(stripe, customer.id);
  });

  it('uses only money of the invoice currency and follows JPY rules (no references)', async () => {
    const { stripe } = server();
    const customer = await customerIn(stripe, 'automatic');
    const eur = await openInvoice(stripe, customer.id, 1000, { currency: 'eur' });
    await fund(stripe, customer.id, 1000, 'usd', eur.number!);
    assert.deepEqual(await statuses(stripe, eur), ['open']);
    await fund(stripe, customer.id, 1000, 'eur');
    assert.deepEqual(await statuses(stripe, eur), ['paid']);

    const first = await openInvoice(stripe, customer.id, 500, { currency: 'jpy' });
    const second = await openInvoice(stripe, customer.id, 500, { currency: 'jpy' });
    await fund(stripe, customer.id, 500, 'jpy', second.number!);
    assert.deepEqual(await statuses(stripe, first, second), ['paid', 'open'], 'JPY ignores the reference: oldest first');
    await checkLedger(stripe, customer.id);
  });
});
