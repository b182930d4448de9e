// The search API through the official SDK: Stripe's query language on customers, payment
// intents, charges and invoices; paging with next_page; malformed queries refused; and the
// bounded scan (a page may come back short with has_more, and next_page carries on).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { fund, intent } from './payments-helpers.ts';
import { rejectsWith } from './refund-helpers.ts';

const ids = (objects: { id: string }[]) => objects.map((o) => o.id).sort();

describeEachStore('search', (server) => {
  it('finds customers by email, name substring, metadata, negation, OR, created and null', async () => {
    const { stripe } = server();
    const tag = `t${Date.now()}`;
    const ann = await stripe.customers.create({ email: `ann.${tag}@example.com`, name: 'Ann Lovelace', metadata: { tag, tier: 'gold' } });
    const bob = await stripe.customers.create({ email: `bob.${tag}@example.com`, name: 'Bob Babbage', metadata: { tag, tier: 'silver' } });
    const cyd = await stripe.customers.create({ email: `cyd.${tag}@example.com`, metadata: { tag } });
    const gone = await stripe.customers.create({ email: `gone.${tag}@example.com`, metadata: { tag } });
    await stripe.customers.del(gone.id);
    const find = async (query: string) => ids((await stripe.customers.search({ query, limit: 100 })).data);

    assert.deepEqual(await find(`email:'ANN.${tag}@example.com'`), [ann.id], 'exact email, ignoring case');
    assert.deepEqual(await find(`name~'babb'`), [bob.id]);
    assert.deepEqual(await find(`metadata['tag']:'${tag}'`), ids([ann, bob, cyd]), 'deleted customers are not found');
    assert.deepEqual(await find(`metadata['tag']:'${tag}' -metadata['tier']:'gold'`), ids([bob, cyd]));
    assert.deepEqual(await find(`metadata['tag']:'${tag}' AND name:null`), [cyd.id]);
    assert.deepEqual(await find(`metadata['tier']:'gold' OR metadata['tier']:'silver'`), ids([ann, bob]));
    assert.deepEqual(await find(`metadata['tag']:'${tag}' created>=${ann.created} created<=${cyd.created}`), ids([ann, bob, cyd]));
    assert.deepEqual(await find(`metadata['tag']:'${tag}' created<${ann.created}`), []);
    const result = await stripe.customers.search({ query: `email:"ann.${tag}@example.com"` });
    assert.deepEqual([result.object, result.url, result.has_more, result.next_page], ['search_result', '/v1/customers/search', false, null]);
  });

  it('pages through more than one page with next_page, each object once, and auto-pagination', async () => {
    const { stripe } = server();
    const tag = `p${Date.now()}`;
    const made: string[] = [];
    for (let i = 0; i < 23; i++) made.push((await stripe.customers.create({ metadata: { tag } })).id);
    const query = `metadata['tag']:'${tag}'`;
    const pages: string[][] = [];
    let page: string | undefined;
    for (;;) {
      const result = await stripe.customers.search({ query, limit: 10, ...(page ? { page } : {}) });
      pages.push(result.data.map((c) => c.id));
      if (!result.has_more) {
        assert.equal(result.next_page, null);
        break;
      }
      page = result.next_page!;
    }
    assert.deepEqual(pages.map((p) => p.length), [10, 10, 3]);
    assert.deepEqual(pages.flat(), [...made].reverse(), 'newest first, each once');
    const all = await stripe.customers.search({ query, limit: 7 }).autoPagingToArray({ limit: 100 });
    assert.deepEqual(ids(all), [...made].sort());
    // A page token belongs to its query.
    const first = await stripe.customers.search({ query, limit: 10 });
    await assert.rejects(stripe.customers.search({ query: `${query} name:null`, page: first.next_page! }), rejectsWith(400, { param: 'page' }));
    await assert.rejects(stripe.customers.search({ query, page: 'not-a-page' }), rejectsWith(400, { param: 'page' }));
  });

  it('finds payment intents, charges and invoices by their fields', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'search-pay@example.com' });
    await fund(stripe, customer.id, 5_000, 'eur');
    const paid = await intent(stripe, customer.id, 1_200, { currency: 'eur', extra: { metadata: { order: 'A-1' } } });
    const waiting = await intent(stripe, customer.id, 9_000, { currency: 'eur' });
    assert.deepEqual([paid.status, waiting.status], ['succeeded', 'requires_action']);
    const intents = async (query: string) => ids((await stripe.paymentIntents.search({ query, limit: 100 })).data);
    assert.deepEqual(await intents(`customer:'${customer.id}' status:'succeeded'`), [paid.id]);
    assert.deepEqual(await intents(`customer:'${customer.id}' amount>1200`), [waiting.id]);
    assert.deepEqual(await intents(`customer:'${customer.id}' amount>=1200 currency:'eur'`), ids([paid, waiting]));
    assert.deepEqual(await intents(`metadata['order']:'A-1'`), [paid.id]);
    assert.deepEqual(await intents(`customer:'${customer.id}' -status:'succeeded'`), [waiting.id]);

    const charges = (await stripe.charges.search({ query: `customer:'${customer.id}' refunded:'false'` })).data;
    assert.deepEqual(charges.map((c) => c.payment_intent), [paid.id]);
    assert.deepEqual((await stripe.charges.search({ query: `payment_intent:'${paid.id}' amount:1200` })).data.map((c) => c.id), charges.map((c) => c.id));

    await stripe.invoiceItems.create({ customer: customer.id, amount: 700, currency: 'eur' });
    const invoice = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 30, pending_invoice_items_behavior: 'include' });
    const invoices = async (query: string) => ids((await stripe.invoices.search({ query })).data);
    assert.deepEqual(await invoices(`customer:'${customer.id}' status:'draft'`), [invoice.id]);
    assert.deepEqual(await invoices(`customer:'${customer.id}' total:700`), [invoice.id]);
    assert.deepEqual(await invoices(`customer:'${customer.id}' status:'open'`), []);
  });

  it("finds invoices by Stripe's finalization error fields (last_finalization_error_code / _type)", async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'search-finalize@example.com' });
    await stripe.invoiceItems.create({ customer: customer.id, amount: 900, currency: 'usd' });
    const draft = await stripe.invoices.create({ customer: customer.id, collection_method: 'send_invoice', days_until_due: 30, pending_invoice_items_behavior: 'include' });
    const open = await stripe.invoices.finalizeInvoice(draft.id);
    assert.equal(open.last_finalization_error, null, 'finalized without an error');
    const invoices = async (query: string) => ids((await stripe.invoices.search({ query, limit: 100 })).data);
    // No finalization error: null matches, any code or type does not, and negation flips both.
    assert.deepEqual(await invoices(`customer:'${customer.id}' last_finalization_error_code:null`), [open.id]);
    assert.deepEqual(await invoices(`customer:'${customer.id}' last_finalization_error_type:null`), [open.id]);
    assert.deepEqual(await invoices(`customer:'${customer.id}' last_finalization_error_code:'customer_tax_location_invalid'`), []);
    assert.deepEqual(await invoices(`customer:'${customer.id}' last_finalization_error_type:'invalid_request_error'`), []);
    assert.deepEqual(await invoices(`customer:'${customer.id}' -last_finalization_error_code:'customer_tax_location_invalid'`), [open.id]);
    assert.deepEqual(await invoices(`customer:'${customer.id}' -last_finalization_error_type:null`), []);
    // Exact-match fields: no substring, no comparison; and the refusal of an unknown field names them.
    await assert.rejects(stripe.invoices.search({ query: "last_finalization_error_code~'tax'" }), rejectsWith(400, { param: 'query' }));
    await assert.rejects(stripe.invoices.search({ query: "last_finalization_error_type>'a'" }), rejectsWith(400, { param: 'query' }));
    await assert.rejects(stripe.invoices.search({ query: "nosuch:'x'" }), (error: Stripe.errors.StripeError) => {
      assert.match(error.message, /last_finalization_error_code, last_finalization_error_type/);
      return true;
    });
  });

  it('refuses malformed queries, unknown fields and wrong operators with a 400 naming query', async () => {
    const { stripe } = server();
    const bad = [
      '',
      'email:',
      "email:'unterminated",
      'email:bare',
      "nosuchfield:'x'",
      "email>'a'",
      "name~'ab'",
      "created:'yesterday'",
      "email:'a' AND name:'b' OR phone:'c'",
      "metadata[tier]:'gold'",
      "metadata['tier']~'gol'",
      "email:'a'name:'b'",
    ];
    for (const query of bad) {
      await assert.rejects(stripe.customers.search({ query }), rejectsWith(400, { param: 'query', type: 'StripeInvalidRequestError' }), `query ${JSON.stringify(query)}`);
    }
    await assert.rejects(stripe.paymentIntents.search({ query: "email:'a@b.c'" }), rejectsWith(400, { param: 'query' }));
    await assert.rejects(stripe.paymentIntents.search({ query: "status~'succ'" }), rejectsWith(400, { param: 'query' }));
    await assert.rejects(stripe.customers.search({ query: "name:'x'", limit: 0 }), rejectsWith(400, { param: 'limit' }));
    await assert.rejects(stripe.customers.search({} as Stripe.CustomerSearchParams), rejectsWith(400, { code: 'parameter_missing', param: 'query' }));
  });

  it('reads a bounded number of rows per request: a match behind 1,000 newer rows comes on a later page', async () => {
    const { stripe } = server();
    const tag = `b${Date.now()}`;
    const oldest = await stripe.customers.create({ metadata: { tag } });
    let next = 0;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (next++ < 1_010) await stripe.customers.create();
    }));
    const query = `metadata['tag']:'${tag}'`;
    const first = await stripe.customers.search({ query });
    assert.deepEqual([first.data.length, first.has_more], [0, true], 'the first request stops at its scan budget');
    const found = await stripe.customers.search({ query, page: first.next_page! });
    assert.deepEqual(found.data.map((c) => c.id), [oldest.id]);
    assert.equal(found.has_more, false);
    assert.deepEqual(ids(await stripe.customers.search({ query }).autoPagingToArray({ limit: 10 })), [oldest.id]);
  });
});
