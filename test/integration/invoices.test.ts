import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { assertCreditLedger, assertInvoiceAmounts, eventsOf } from './invoice-helpers.ts';


async function draftWith(stripe: Stripe, customer: string, amounts: number[], extra: Stripe.InvoiceCreateParams = {}): Promise<Stripe.Invoice> {
  const invoice = await stripe.invoices.create({ customer, ...extra });
  for (const amount of amounts) await stripe.invoiceItems.create({ customer, invoice: invoice.id, amount, currency: invoice.currency, description: `item ${amount}` });
  return stripe.invoices.retrieve(invoice.id);
}

async function creditTypes(stripe: Stripe, customer: string): Promise<[string, number, string | null][]> {
  const list = await stripe.customers.listBalanceTransactions(customer, { limit: 100 });
  return list.data.reverse().map((e) => [e.type, e.amount, typeof e.invoice === 'string' ? e.invoice : (e.invoice?.id ?? null)]);
}

async function rejects(promise: Promise<unknown>, status: number, param?: string, code?: string): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, status, error.message);
    if (param !== undefined) assert.equal(error.param, param);
    if (code !== undefined) assert.equal(error.code, code);
    return true;
  });
}

describeEachStore('invoices', (server) => {
  it('builds a draft from invoice items, updates it, lists it and deletes it', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ balance: -700 });
    const draft = await stripe.invoices.create({ customer: customer.id, description: 'March', metadata: { k: 'v' } });
    assert.match(draft.id, /^in_/);
    assert.equal(draft.status, 'draft');
    assert.equal(draft.currency, 'usd');
    assert.equal(draft.number, null);
    assert.equal(draft.starting_balance, -700, 'a draft shows the current balance');
    assert.equal(draft.ending_balance, null);
    assert.equal(draft.total, 0);

    const item = await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, unit_amount: 1250, quantity: 2 } as Stripe.InvoiceItemCreateParams);
    assert.match(item.id, /^ii_/);
    assert.equal(item.amount, 2500);
    assert.equal(item.currency, 'usd');
    assert.equal(item.invoice, draft.id);
    await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 500 });
    const created = (await eventsOf(server(), 'invoiceitem.created')).find((e) => (e.data.object as Stripe.InvoiceItem).id === item.id);
    assert.equal((created?.data.object as Stripe.InvoiceItem | undefined)?.amount, 2500, 'invoiceitem.created with the item');
    assert.deepEqual(created?.data.object, await stripe.invoiceItems.retrieve(item.id).then(({ lastResponse: _, ...rest }) => rest), 'the event carries the item as the API shows it (`date`, no `created`)');
    const pending = await stripe.invoiceItems.create({ customer: customer.id, amount: 99 });
    await stripe.invoiceItems.del(pending.id);
    assert.ok((await eventsOf(server(), 'invoiceitem.deleted')).some((e) => (e.data.object as Stripe.InvoiceItem).id === pending.id), 'invoiceitem.deleted');
    let fetched = await stripe.invoices.retrieve(draft.id);
    assert.equal(fetched.lines.data.length, 2);
    assert.equal(fetched.total, 3000);
    assert.equal(fetched.amount_due, 3000);
    assertInvoiceAmounts(fetched);

    await stripe.invoiceItems.update(item.id, { quantity: 3 });
    fetched = await stripe.invoices.retrieve(draft.id);
    assert.equal(fetched.total, 4250);
    const updated = await stripe.invoices.update(draft.id, { description: 'April', collection_method: 'send_invoice', days_until_due: 10 });
    assert.equal(updated.description, 'April');
    assert.equal(updated.collection_method, 'send_invoice');
    assert.ok(updated.due_date! > updated.created);
    const events = await eventsOf(server(), 'invoice.updated');
    assert.equal((events[0].data.previous_attributes as { description: string }).description, 'March');
    assert.equal((events[1].data.previous_attributes as { total: number }).total, 3000, 'changing a line updates the draft');
    assert.equal((events[1].data.object as Stripe.Invoice).total, 4250);

    const listed = await stripe.invoices.list({ customer: customer.id, status: 'draft' });
    assert.deepEqual(listed.data.map((i) => i.id), [draft.id]);
    assert.equal(listed.url, '/v1/invoices');
    const items = await stripe.invoiceItems.list({ invoice: draft.id });
    assert.equal(items.data.length, 2);

    const deleted = await stripe.invoices.del(draft.id);
    assert.deepEqual({ id: deleted.id, deleted: deleted.deleted }, { id: draft.id, deleted: true });
    await rejects(stripe.invoices.retrieve(draft.id), 404);
    await rejects(stripe.invoiceItems.retrieve(item.id), 404);
    assert.equal(((await eventsOf(server(), 'invoice.deleted'))[0].data.object as Stripe.Invoice).id, draft.id);
    const itemsGone = (await eventsOf(server(), 'invoiceitem.deleted')).map((event) => (event.data.object as Stripe.InvoiceItem).id);
    for (const gone of items.data) assert.ok(itemsGone.includes(gone.id), `${gone.id} is deleted with its invoice, with its event`);
  });

  it('finalizes with a credit larger than the invoice: paid at once, the rest stays', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -5000, currency: 'usd' });
    const draft = await draftWith(stripe, customer.id, [3000]);
    const invoice = await stripe.invoices.finalizeInvoice(draft.id);
    assert.equal(invoice.status, 'paid');
    assert.equal((invoice as unknown as { paid: boolean }).paid, true);
    assert.equal(invoice.starting_balance, -5000);
    assert.equal(invoice.ending_balance, -2000);
    assert.equal(invoice.amount_due, 0);
    assert.equal(invoice.amount_paid, 0);
    assert.equal(invoice.amount_remaining, 0);
    assert.ok(invoice.number);
    assert.ok(invoice.status_transitions.finalized_at && invoice.status_transitions.paid_at);
    assertInvoiceAmounts(invoice);
    assert.deepEqual(await creditTypes(stripe, customer.id), [['adjustment', -5000, null], ['applied_to_invoice', 3000, invoice.id]]);
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), { usd: -2000 });
    const byInvoice = await stripe.customers.listBalanceTransactions(customer.id, { invoice: invoice.id });
    assert.deepEqual(byInvoice.data.map((e) => e.type), ['applied_to_invoice']);
    for (const type of ['invoice.finalized', 'invoice.paid', 'invoice.payment_succeeded']) {
      assert.ok((await eventsOf(server(), type)).some((e) => (e.data.object as Stripe.Invoice).id === invoice.id), type);
    }
    await rejects(stripe.invoices.voidInvoice(invoice.id), 400);
    await rejects(stripe.invoices.finalizeInvoice(invoice.id), 400, undefined, 'invoice_already_finalized');
  });

  it('finalizes with a credit smaller than the invoice, then voiding gives the credit back', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ balance: -1000 });
    const draft = await draftWith(stripe, customer.id, [2000, 1000], { collection_method: 'send_invoice', days_until_due: 30 });
    const invoice = await stripe.invoices.finalizeInvoice(draft.id);
    assert.equal(invoice.status, 'open');
    assert.equal(invoice.starting_balance, -1000);
    assert.equal(invoice.ending_balance, 0);
    assert.equal(invoice.amount_due, 2000);
    assert.equal(invoice.amount_remaining, 2000);
    assertInvoiceAmounts(invoice);
    assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).balance, 0);
    // Stripe freezes monetary values and collection_method once finalized; text and auto_advance stay editable.
    await rejects(stripe.invoices.update(invoice.id, { days_until_due: 10 }), 400, 'days_until_due', 'invoice_not_editable');
    await rejects(stripe.invoices.update(invoice.id, { collection_method: 'charge_automatically' }), 400, 'collection_method', 'invoice_not_editable');
    const described = await stripe.invoices.update(invoice.id, { description: 'Order 7', footer: 'Thank you', auto_advance: true });
    assert.deepEqual([described.description, described.footer, described.auto_advance, described.amount_due, described.status], ['Order 7', 'Thank you', true, 2000, 'open']);
    await rejects(stripe.invoiceItems.create({ customer: customer.id, invoice: invoice.id, amount: 5 }), 400, 'invoice', 'invoice_not_editable');
    await rejects(stripe.invoices.del(invoice.id), 400);
    const tagged = await stripe.invoices.update(invoice.id, { metadata: { po: '7' } });
    assert.deepEqual(tagged.metadata, { po: '7' });

    const voided = await stripe.invoices.voidInvoice(invoice.id);
    assert.equal(voided.status, 'void');
    assert.ok(voided.status_transitions.voided_at);
    assertInvoiceAmounts(voided);
    assert.deepEqual(await creditTypes(stripe, customer.id), [
      ['initial', -1000, null],
      ['applied_to_invoice', 1000, invoice.id],
      ['unapplied_from_invoice', -1000, invoice.id],
    ]);
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), { usd: -1000 });
    assert.ok((await eventsOf(server(), 'invoice.voided')).some((e) => (e.data.object as Stripe.Invoice).id === invoice.id));
    await rejects(stripe.invoices.voidInvoice(invoice.id), 400);
  });

  it('adds a debit balance to the next invoice', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ balance: 500 });
    const invoice = await stripe.invoices.finalizeInvoice((await draftWith(stripe, customer.id, [3000])).id);
    assert.equal(invoice.starting_balance, 500);
    assert.equal(invoice.ending_balance, 0);
    assert.equal(invoice.amount_due, 3500);
    assertInvoiceAmounts(invoice);
    assert.deepEqual(await creditTypes(stripe, customer.id), [['initial', 500, null], ['applied_to_invoice', -500, invoice.id]]);
    const voided = await stripe.invoices.voidInvoice(invoice.id);
    assertInvoiceAmounts(voided);
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), { usd: 500 });
  });

  it('moves a too-small amount due to the balance, and refuses it for a customer with a cash balance', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const invoice = await stripe.invoices.finalizeInvoice((await draftWith(stripe, customer.id, [30])).id);
    assert.equal(invoice.status, 'paid');
    // Nothing is charged: the 30 is owed on the balance (Stripe: "the amount_due may be 0"), not paid.
    assert.deepEqual([invoice.amount_due, invoice.amount_paid, invoice.amount_remaining, invoice.starting_balance, invoice.ending_balance], [0, 0, 0, 0, 30]);
    assert.equal((invoice as unknown as { charge?: string | null }).charge ?? null, null);
    assertInvoiceAmounts(invoice);
    assert.deepEqual(await creditTypes(stripe, customer.id), [['invoice_too_small', 30, invoice.id]]);
    // The debit is added to the next invoice.
    const next = await stripe.invoices.finalizeInvoice((await draftWith(stripe, customer.id, [1000])).id);
    assert.equal(next.amount_due, 1030);
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), { usd: 0 });

    const cash = await stripe.customers.create();
    await stripe.testHelpers.customers.fundCashBalance(cash.id, { amount: 10, currency: 'usd' });
    const small = await draftWith(stripe, cash.id, [30]);
    await rejects(stripe.invoices.finalizeInvoice(small.id), 400, 'invoice', 'amount_too_small');
    assert.equal((await stripe.invoices.retrieve(small.id)).status, 'draft', 'nothing changed');
  });

  it('moves a too-large amount due to the balance', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const invoice = await stripe.invoices.finalizeInvoice((await draftWith(stripe, customer.id, [99_999_999, 2])).id);
    assert.equal(invoice.status, 'paid');
    assert.deepEqual([invoice.amount_due, invoice.amount_paid, invoice.ending_balance], [0, 0, 100_000_001]);
    assertInvoiceAmounts(invoice);
    assert.deepEqual(await creditTypes(stripe, customer.id), [['invoice_too_large', 100_000_001, invoice.id]]);
    await assertCreditLedger(stripe, customer.id);
  });

  it('applies each currency balance only to invoices in that currency', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ balance: -300 });
    await stripe.customers.createBalanceTransaction(customer.id, { amount: -4000, currency: 'eur' });
    const eur = await stripe.invoices.finalizeInvoice((await draftWith(stripe, customer.id, [2500], { currency: 'eur' })).id);
    assert.equal(eur.currency, 'eur');
    assert.equal(eur.starting_balance, -4000);
    assert.equal(eur.ending_balance, -1500);
    assert.equal(eur.status, 'paid');
    const usd = await stripe.invoices.finalizeInvoice((await draftWith(stripe, customer.id, [2500])).id);
    assert.equal(usd.starting_balance, -300);
    assert.equal(usd.amount_due, 2200);
    assertInvoiceAmounts(eur);
    assertInvoiceAmounts(usd);
    assert.deepEqual(await assertCreditLedger(stripe, customer.id), { usd: 0, eur: -1500 });
    await rejects(stripe.invoiceItems.create({ customer: customer.id, invoice: (await stripe.invoices.create({ customer: customer.id, currency: 'eur' })).id, amount: 5, currency: 'usd' }), 400, 'currency');
  });

  it('numbers invoices uniquely from the customer prefix and sequence', async () => {
    const { stripe } = server();
    const a = await stripe.customers.create({ invoice_prefix: 'ACME' });
    const b = await stripe.customers.create({ invoice_prefix: 'ACME' });
    const first = await stripe.invoices.finalizeInvoice((await draftWith(stripe, a.id, [1000])).id);
    const second = await stripe.invoices.finalizeInvoice((await draftWith(stripe, a.id, [1000])).id);
    const third = await stripe.invoices.finalizeInvoice((await draftWith(stripe, b.id, [1000])).id);
    assert.equal(first.number, 'ACME-0001');
    assert.equal(second.number, 'ACME-0002');
    assert.equal(third.number, 'ACME-0003', 'a shared prefix never repeats a number');
    assert.equal(((await stripe.customers.retrieve(a.id)) as Stripe.Customer).next_invoice_sequence, 3);
  });

  it('pays out of band, finalizing a draft first', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const draft = await draftWith(stripe, customer.id, [1500]);
    const paid = await stripe.invoices.pay(draft.id, { paid_out_of_band: true });
    assert.equal(paid.status, 'paid');
    assert.equal((paid as unknown as { paid_out_of_band: boolean }).paid_out_of_band, true);
    assert.equal(paid.amount_paid, 1500);
    assertInvoiceAmounts(paid);
    await rejects(stripe.invoices.pay(draft.id, { paid_out_of_band: true }), 400, 'invoice', 'invoice_already_paid');
  });

  it('includes pending items on request, pages lines, and expands related objects', async () => {
    const { stripe, request } = server();
    const customer = await stripe.customers.create({ balance: -100 });
    const pending = await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'usd' });
    assert.equal(pending.invoice, null);
    const other = await stripe.invoiceItems.create({ customer: customer.id, amount: 900, currency: 'eur' });
    const gone = await stripe.invoiceItems.create({ customer: customer.id, amount: 1, currency: 'usd' });
    await stripe.invoiceItems.del(gone.id);
    const updatedPending = await stripe.invoiceItems.update(pending.id, { amount: 800, metadata: { a: 'b' } });
    assert.equal(updatedPending.amount, 800);
    assert.deepEqual((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.map((i) => i.id), [other.id, pending.id]);

    const excluded = await stripe.invoices.create({ customer: customer.id });
    assert.equal(excluded.lines.data.length, 0, 'pending items are excluded by default');
    await stripe.invoices.del(excluded.id);
    // The currency named: the eur item stays pending (without it, include refuses: invoice-currency.test.ts).
    const draft = await stripe.invoices.create({ customer: customer.id, currency: 'usd', pending_invoice_items_behavior: 'include' });
    assert.deepEqual(draft.lines.data.map((l) => [(l as unknown as { invoice_item: string }).invoice_item, l.amount]), [[pending.id, 800]], 'only items in the invoice currency');
    for (const amount of [1, 2, 3]) await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount });
    const attached = (await stripe.invoiceItems.list({ customer: customer.id, pending: false })).data;
    assert.deepEqual(attached.map((i) => i.amount), [3, 2, 1, 800], 'pending=false lists only items on an invoice');
    assert.deepEqual((await stripe.invoiceItems.list({ customer: customer.id, pending: true })).data.map((i) => i.id), [other.id]);
    const page = await request('GET', `/v1/invoices/${draft.id}/lines?limit=2`);
    assert.equal(page.status, 200);
    assert.deepEqual(page.body.data.map((l: { amount: number }) => l.amount), [800, 1]);
    assert.equal(page.body.has_more, true);
    const rest = await request('GET', `/v1/invoices/${draft.id}/lines?limit=2&starting_after=${page.body.data[1].id}`);
    assert.deepEqual(rest.body.data.map((l: { amount: number }) => l.amount), [2, 3]);
    assert.equal(rest.body.has_more, false);

    const invoice = await stripe.invoices.finalizeInvoice(draft.id, { expand: ['customer'] });
    assert.equal((invoice.customer as Stripe.Customer).id, customer.id);
    assert.equal(invoice.amount_due, 706);
    const [applied] = (await stripe.customers.listBalanceTransactions(customer.id, { invoice: invoice.id, expand: ['data.invoice'] })).data;
    assert.equal((applied.invoice as Stripe.Invoice).number, invoice.number);
    const expandedItem = await stripe.invoiceItems.retrieve(pending.id, { expand: ['invoice'] });
    assert.equal((expandedItem.invoice as Stripe.Invoice).id, invoice.id);
    await rejects(stripe.invoiceItems.update(pending.id, { amount: 5 }), 400, 'invoice', 'invoice_not_editable');
    await rejects(stripe.invoiceItems.del(pending.id), 400, 'invoice', 'invoice_not_editable');
  });

  it('emits invoice.finalized with its PaymentIntent already attached', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    const draft = await draftWith(stripe, customer.id, [1000], { payment_settings: { payment_method_types: ['customer_balance'] } });
    const invoice = await stripe.invoices.finalizeInvoice(draft.id, { expand: ['payment_intent'] });
    const pi = (invoice as unknown as { payment_intent: Stripe.PaymentIntent }).payment_intent;
    assert.equal(pi.amount, 1000);
    assert.equal(pi.status, 'requires_payment_method');
    const [finalized] = (await eventsOf(server(), 'invoice.finalized')).filter((e) => (e.data.object as Stripe.Invoice).id === invoice.id);
    assert.equal((finalized.data.object as unknown as { payment_intent: string }).payment_intent, pi.id);
    assert.equal((finalized.data.object as Stripe.Invoice).status, 'open');
    assert.deepEqual([invoice.hosted_invoice_url, invoice.invoice_pdf], [null, null], 'no link to a page Cashbook does not host');
  });

  it('refuses bad input with a Stripe error', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    await rejects(stripe.invoices.create({} as never), 400, 'customer');
    await rejects(stripe.invoices.create({ customer: 'cus_missing' }), 404, 'customer');
    await rejects(stripe.invoices.create({ customer: customer.id, days_until_due: 3 }), 400, 'days_until_due');
    await rejects(stripe.invoices.create({ customer: customer.id, currency: 'aud', payment_settings: { payment_method_types: ['customer_balance'] } }), 400, 'payment_settings[payment_method_types]');
    await rejects(stripe.invoices.create({ customer: customer.id, payment_settings: { payment_method_types: ['nope' as 'card'] } }), 400, 'payment_settings[payment_method_types][0]');
    await rejects(stripe.invoiceItems.create({ customer: customer.id } as never), 400, 'amount');
    await rejects(stripe.invoiceItems.create({ customer: customer.id, amount: 100_000_000 }), 400, 'amount');
    await rejects(stripe.invoices.finalizeInvoice('in_missing'), 404, 'invoice');
    assert.equal((await stripe.invoices.list({ customer: customer.id })).data.length, 0);

    // Negative items: a draft may go below zero while it is built (nothing due then), and finalizing it below zero is a 400 that changes nothing, never a 500.
    const draft = await stripe.invoices.create({ customer: customer.id, currency: 'eur' });
    const discount = await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: -400, currency: 'eur' });
    let built = await stripe.invoices.retrieve(draft.id);
    assert.deepEqual([built.total, built.amount_due], [-400, 0], 'a discount first: below zero, nothing due');
    await rejects(stripe.invoices.finalizeInvoice(draft.id), 400, 'invoice');
    assert.equal((await stripe.invoices.retrieve(draft.id)).status, 'draft', 'nothing changed');
    await stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 1000, currency: 'eur' });
    built = await stripe.invoices.retrieve(draft.id);
    assert.deepEqual([built.total, built.amount_due], [600, 600]);
    await stripe.invoiceItems.update(discount.id, { amount: -1300 });
    assert.deepEqual([(await stripe.invoices.retrieve(draft.id)).total, (await stripe.invoices.retrieve(draft.id)).amount_due], [-300, 0]);
    await stripe.invoiceItems.update(discount.id, { amount: -400 });
    const finalized = await stripe.invoices.finalizeInvoice(draft.id);
    assert.deepEqual([finalized.status, finalized.total, finalized.amount_due], ['open', 600, 600]);
    const other = await stripe.customers.create();
    await stripe.invoiceItems.create({ customer: other.id, amount: -500, currency: 'eur' });
    const pendingDraft = await stripe.invoices.create({ customer: other.id, currency: 'eur', pending_invoice_items_behavior: 'include' });
    assert.deepEqual([pendingDraft.total, pendingDraft.amount_due], [-500, 0]);
  });
});
