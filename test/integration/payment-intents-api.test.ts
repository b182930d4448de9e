// PaymentIntents API surface: validation errors (no change), list filters and pagination,
// EU/GB options, the hosted instructions page, PaymentMethod and Charge shapes, idempotency.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { it } from 'node:test';
import { Ajv } from 'ajv';
import type Stripe from 'stripe';
import { SPEC_PATH } from '../support/openapi.ts';
import { describeEachStore } from '../support/suite.ts';
import { checkLedger, fund, intent, ledger, newCustomer } from './payments-helpers.ts';

// GET /v1/payment_methods/:id and /v1/charges/:id are outside the spec subset's paths, so the
// harness does not check them: validate against their component schemas here, strictly.
let ajv: Ajv | undefined;
function componentValidator(name: string) {
  ajv ??= compileComponents();
  const validate = ajv.getSchema(`stripe#/$defs/${name}`)!;
  return (object: unknown) => {
    const { lastResponse: _, ...plain } = object as Record<string, unknown>;
    assert.ok(validate(plain), `${name}: ${JSON.stringify(validate.errors?.slice(0, 3))}`);
  };
}

function compileComponents(): Ajv {
  const spec = JSON.parse(fs.readFileSync(SPEC_PATH, 'utf8'));
  const convert = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(convert);
    if (!node || typeof node !== 'object') return node;
    const source = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(source)) {
      if (key.startsWith('x-') || key === 'nullable') continue;
      if (key === 'enum' && source['x-stripeBypassValidation']) continue;
      if (key === '$ref') out.$ref = (value as string).replace('#/components/schemas/', 'stripe#/$defs/');
      else if (key === 'properties') out.properties = Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, convert(v)]));
      else out[key] = convert(value);
    }
    if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
    return source.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
  };
  const compiled = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  compiled.addSchema({ $id: 'stripe', $defs: Object.fromEntries(Object.entries(spec.components.schemas).map(([n, s]) => [n, convert(s)])) });
  return compiled;
}

async function rejects(promise: Promise<unknown>, status: number, param?: string, code?: string): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, status);
    if (param !== undefined) assert.equal(error.param, param);
    if (code !== undefined) assert.equal(error.code, code);
    return true;
  });
}

describeEachStore('payment intents: API surface', (server) => {
  it('refuses bad input with a Stripe 4xx and creates nothing', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const base = { amount: 500, currency: 'usd', customer: customer.id, payment_method_types: ['customer_balance'] };
    const opts = (bank: Record<string, unknown>) => ({ payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: bank } } });
    const create = (params: Record<string, unknown>) => stripe.paymentIntents.create({ ...base, ...params } as unknown as Stripe.PaymentIntentCreateParams);
    await rejects(create({ customer: undefined }), 400, 'customer');
    await rejects(create({ customer: 'cus_nope' }), 404, 'customer', 'resource_missing');
    await rejects(create({ amount: 0 }), 400, 'amount');
    await rejects(create({ amount: 100_000_000 }), 400, 'amount');
    // Stripe's minimum charge amounts: 0.50 USD, 50 JPY, 10.00 MXN.
    await rejects(create({ amount: 49 }), 400, 'amount', 'amount_too_small');
    await rejects(create({ amount: 49, currency: 'jpy', ...opts({ type: 'jp_bank_transfer' }) }), 400, 'amount', 'amount_too_small');
    await rejects(create({ amount: 999, currency: 'mxn', ...opts({ type: 'mx_bank_transfer' }) }), 400, 'amount', 'amount_too_small');
    await rejects(create({ currency: 'chf' }), 400, 'currency');
    await rejects(create({ payment_method_types: ['card'] }), 400, 'payment_method_types');
    await rejects(create({ setup_future_usage: 'off_session' }), 400, 'setup_future_usage');
    await rejects(create({ ...opts({ type: 'eu_bank_transfer' }) }), 400, 'payment_method_options[customer_balance][bank_transfer][type]');
    await rejects(create({ ...opts({ type: 'us_bank_transfer', eu_bank_transfer: { country: 'FR' } }) }), 400, 'payment_method_options[customer_balance][bank_transfer][eu_bank_transfer]');
    await rejects(create({ ...opts({ type: 'moon_transfer' }) }), 400, 'payment_method_options[customer_balance][bank_transfer][type]');
    await rejects(create({ ...opts({ type: 'us_bank_transfer', requested_address_types: ['bitcoin'] }) }), 400);
    await rejects(create({ nonsense: 1 }), 400, 'nonsense', 'parameter_unknown');
    await rejects(create({ receipt_email: 'not-an-email' }), 400, 'receipt_email', 'email_invalid');
    await rejects(stripe.paymentIntents.retrieve('pi_missing'), 404, 'intent', 'resource_missing');
    await rejects(stripe.paymentIntents.confirm('pi_missing'), 404);
    await rejects(stripe.paymentMethods.retrieve('pm_missing'), 404);
    await rejects(stripe.charges.retrieve('py_missing'), 404);
    assert.deepEqual((await stripe.paymentIntents.list({ customer: customer.id })).data, []);
    assert.deepEqual(await ledger(stripe, customer.id), []);
  });

  it('updates statement descriptors, refuses what Cashbook keeps fixed by name, and the minimum amount on update', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const pi = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: customer.id, payment_method_types: ['customer_balance'] } as Stripe.PaymentIntentCreateParams);
    const updated = await stripe.paymentIntents.update(pi.id, { statement_descriptor: 'CASHBOOK ORDER 1', statement_descriptor_suffix: 'ORDER 1' });
    // Stripe's statement descriptor rules: at least one letter, none of < > \\ ' " *.
    for (const descriptor of ['12345', 'A<B', "it's", 'A*B', 'x'.repeat(23)]) {
      await rejects(stripe.paymentIntents.update(pi.id, { statement_descriptor: descriptor }), 400, 'statement_descriptor');
      await rejects(stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer: customer.id, payment_method_types: ['customer_balance'], statement_descriptor: descriptor } as Stripe.PaymentIntentCreateParams), 400, 'statement_descriptor');
    }
    assert.deepEqual([updated.statement_descriptor, updated.statement_descriptor_suffix], ['CASHBOOK ORDER 1', 'ORDER 1']);
    const cleared = await stripe.paymentIntents.update(pi.id, { statement_descriptor: '' } as Stripe.PaymentIntentUpdateParams);
    assert.equal(cleared.statement_descriptor, null, 'an empty string unsets it');
    for (const [name, value] of [['currency', 'eur'], ['customer', customer.id], ['payment_method_types', ['customer_balance']], ['setup_future_usage', 'off_session']] as const) {
      await assert.rejects(stripe.paymentIntents.update(pi.id, { [name]: value } as Stripe.PaymentIntentUpdateParams), (error: Stripe.errors.StripeError) => {
        assert.equal(error.statusCode, 400);
        assert.equal(error.param, name);
        assert.match(error.message, new RegExp(`does not change a PaymentIntent's ${name}`));
        return true;
      });
    }
    await rejects(stripe.paymentIntents.update(pi.id, { amount: 10 }), 400, 'amount', 'amount_too_small');
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).amount, 500);
  });

  it('lists by customer and created, newest first, with pagination', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const other = await newCustomer(stripe);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await intent(stripe, customer.id, 100 + i, { confirm: false })).id);
    await intent(stripe, other.id, 100, { confirm: false });
    const seen: string[] = [];
    for await (const pi of stripe.paymentIntents.list({ customer: customer.id, limit: 3 })) seen.push(pi.id);
    assert.deepEqual(seen, [...ids].reverse());
    const page = await stripe.paymentIntents.list({ customer: customer.id, limit: 2 });
    assert.equal(page.has_more, true);
    assert.equal(page.url, '/v1/payment_intents');
    const created = (await stripe.paymentIntents.retrieve(ids[0])).created;
    assert.equal((await stripe.paymentIntents.list({ customer: customer.id, created: { gte: created }, limit: 100 })).data.length, 7);
    assert.equal((await stripe.paymentIntents.list({ customer: customer.id, created: { lt: created }, limit: 100 })).data.length, 0);
    const expanded = await stripe.paymentIntents.list({ customer: customer.id, limit: 1, expand: ['data.customer'] });
    assert.equal((expanded.data[0].customer as Stripe.Customer).id, customer.id);
  });

  it('EU: country and requested address types are echoed and used; GB sort code', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    const pi = await stripe.paymentIntents.create({
      amount: 2500,
      currency: 'eur',
      customer: customer.id,
      allowed_payment_method_types: ['customer_balance'], // the newer SDKs' name for payment_method_types
      payment_method_data: { type: 'customer_balance' },
      payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'FR' }, requested_address_types: ['iban'] } } },
      confirm: true,
    });
    assert.deepEqual(pi.payment_method_options!.customer_balance!.bank_transfer, { eu_bank_transfer: { country: 'FR' }, requested_address_types: ['iban'], type: 'eu_bank_transfer' });
    const address = pi.next_action!.display_bank_transfer_instructions!.financial_addresses![0];
    assert.equal(address.type, 'iban');
    assert.match(address.iban!.iban, /^FR\d{2}/);
    const gb = await intent(stripe, customer.id, 100, { currency: 'gbp' });
    assert.match(gb.next_action!.display_bank_transfer_instructions!.financial_addresses![0].sort_code!.sort_code, /^\d{6}$/);
  });

  it('serves the hosted instructions page without a key; it follows the intent', async () => {
    const { stripe, url } = server();
    const customer = await newCustomer(stripe);
    const pi = await intent(stripe, customer.id, 123456);
    const instructions = pi.next_action!.display_bank_transfer_instructions!;
    const pageUrl = instructions.hosted_instructions_url!;
    assert.ok(pageUrl.startsWith(`${url}/bank_transfers/instructions/test_`));
    let response = await fetch(pageUrl);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type')!, /^text\/html/);
    let html = await response.text();
    assert.match(html, /1,234\.56 USD/);
    assert.ok(html.includes(instructions.reference!));
    assert.ok(html.includes(instructions.financial_addresses![0].aba!.account_number));
    assert.ok(html.includes(instructions.financial_addresses![0].aba!.routing_number));
    await fund(stripe, customer.id, 3456);
    html = await (await fetch(pageUrl)).text();
    assert.match(html, /1,200\.00 USD/);
    await fund(stripe, customer.id, 120000);
    html = await (await fetch(pageUrl)).text();
    assert.match(html, /complete/);
    response = await fetch(`${url}/bank_transfers/instructions/test_${'x'.repeat(32)}`);
    assert.equal(response.status, 404);
    assert.equal((await fetch(`${url}/bank_transfers/instructions/nope`)).status, 404);
    // A UK sort code as it is written on paper: in pairs.
    const gbp = await intent(stripe, customer.id, 700, { currency: 'gbp' });
    const sortCode = gbp.next_action!.display_bank_transfer_instructions!.financial_addresses![0].sort_code!.sort_code;
    assert.match(await (await fetch(gbp.next_action!.display_bank_transfer_instructions!.hosted_instructions_url!)).text(), new RegExp(`<code>${sortCode.slice(0, 2)}-${sortCode.slice(2, 4)}-${sortCode.slice(4)}</code>`));
    const jpy = await intent(stripe, customer.id, 5000, { currency: 'jpy' });
    assert.match(await (await fetch(jpy.next_action!.display_bank_transfer_instructions!.hosted_instructions_url!)).text(), /5,000 JPY/);
  });

  it('PaymentMethod and Charge validate against their schemas and expand', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    await fund(stripe, customer.id, 1000);
    const pi = await intent(stripe, customer.id, 1000, { extra: { description: 'Order 7', metadata: { order: '7' } } });
    const pm = await stripe.paymentMethods.retrieve(pi.payment_method as string);
    componentValidator('payment_method')(pm);
    const charge = await stripe.charges.retrieve(pi.latest_charge as string, { expand: ['payment_intent'] });
    componentValidator('charge')(charge);
    assert.equal((charge.payment_intent as Stripe.PaymentIntent).id, pi.id);
    assert.equal(charge.description, 'Order 7');
    assert.deepEqual(charge.metadata, { order: '7' });
    assert.equal(charge.amount_refunded, 0);
    const txns = await stripe.customers.listCashBalanceTransactions(customer.id, { expand: ['data.applied_to_payment.payment_intent'] });
    const applied = txns.data.find((t) => t.type === 'applied_to_payment')!;
    assert.equal((applied.applied_to_payment!.payment_intent as Stripe.PaymentIntent).id, pi.id);
  });

  it('an Idempotency-Key replays a confirm instead of paying twice', async () => {
    const { stripe } = server();
    const customer = await newCustomer(stripe);
    await fund(stripe, customer.id, 1000);
    const pi = await intent(stripe, customer.id, 400, { confirm: false });
    const first = await stripe.paymentIntents.confirm(pi.id, {}, { idempotencyKey: `confirm-${pi.id}` });
    const second = await stripe.paymentIntents.confirm(pi.id, {}, { idempotencyKey: `confirm-${pi.id}` });
    assert.equal(first.status, 'succeeded');
    assert.equal(second.latest_charge, first.latest_charge);
    assert.equal((await ledger(stripe, customer.id)).filter((r) => r[0] === 'applied_to_payment').length, 1);
    await checkLedger(stripe, customer.id);
  });
});
