// The bank ranges virtual accounts are issued in, through POST/GET /cashbook/v1/virtual_account_ranges
// and the SDK, on both stores: live mode issues no virtual account (funding instructions, a
// PaymentIntent's bank details) before the merchant sets its bank's range and changes nothing;
// once set, every number starts with the range's prefix under its bank's details, and a
// statement of that bank funds the customer; a bad range is refused and changes nothing; a
// new range leaves issued accounts as they were; test mode keeps Cashbook's test bank.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { isValidIban } from '../../src/core/bank-details.ts';
import { describeEachStore } from '../support/suite.ts';
import { bai2, camt053, liveAccount } from './live-helpers.ts';

const RANGES = '/cashbook/v1/virtual_account_ranges';
type Type = 'eu_bank_transfer' | 'gb_bank_transfer' | 'us_bank_transfer' | 'jp_bank_transfer' | 'mx_bank_transfer';
const CURRENCY: Record<Type, string> = { eu_bank_transfer: 'eur', gb_bank_transfer: 'gbp', us_bank_transfer: 'usd', jp_bank_transfer: 'jpy', mx_bank_transfer: 'mxn' };

function instructions(stripe: Stripe, customer: string, type: Type, country = 'NL') {
  return stripe.customers.createFundingInstructions(customer, {
    bank_transfer: { type, ...(type === 'eu_bank_transfer' ? { eu_bank_transfer: { country } } : {}) },
    currency: CURRENCY[type],
    funding_type: 'bank_transfer',
  } as Stripe.CustomerCreateFundingInstructionsParams);
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();


describeEachStore('virtual account ranges', (server) => {
  it('live mode: no virtual account before the bank range is set, none half made; then numbers in the range, funded by its statement', async () => {
    const live = await liveAccount(server(), { ranges: false });
    const customer = await live.stripe.customers.create({ email: 'range@example.com' });
    for (const type of ['eu_bank_transfer', 'gb_bank_transfer', 'us_bank_transfer', 'jp_bank_transfer', 'mx_bank_transfer'] as const) {
      await assert.rejects(instructions(live.stripe, customer.id, type), (error: Stripe.errors.StripeError) => {
        assert.deepEqual([error.statusCode, error.type, error.code], [400, 'StripeInvalidRequestError', 'payment_method_unactivated'], type);
        assert.match(error.message, type === 'jp_bank_transfer' || type === 'mx_bank_transfer' ? /no bank range can be set/ : /virtual_account_ranges/);
        return true;
      });
    }
    const intent = {
      amount: 2_500, currency: 'eur', customer: customer.id, confirm: true, payment_method_types: ['customer_balance'], payment_method_data: { type: 'customer_balance' },
      payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' } } } },
    } as Stripe.PaymentIntentCreateParams;
    await assert.rejects(live.stripe.paymentIntents.create(intent), (error: Stripe.errors.StripeError) => error.code === 'payment_method_unactivated');
    assert.deepEqual((await live.stripe.paymentIntents.list({ customer: customer.id })).data, [], 'the refused confirmation made no PaymentIntent');
    assert.deepEqual((await live.api('GET', `/cashbook/v1/customers/${customer.id}/funding_instructions`)).body.data, [], 'and no virtual account');
    assert.deepEqual((await live.api('GET', RANGES)).body.data, []);

    const nl = await live.api('POST', RANGES, form({ type: 'eu_bank_transfer', country: 'nl', bank_name: ' ABN AMRO  Bank N.V. ', bic: 'abnanl2axxx', prefix: 'ABNA 0417' }));
    assert.equal(nl.status, 200, JSON.stringify(nl.body));
    assert.deepEqual(nl.body, {
      id: 'vbr_eu_nl', object: 'virtual_account_range', created: nl.body.created, livemode: true, type: 'eu_bank_transfer', country: 'NL',
      bank_name: 'ABN AMRO Bank N.V.', bic: 'ABNANL2AXXX', routing_number: null, sort_code: null, prefix: 'ABNA0417', account_number_length: null,
    });
    const us = await live.api('POST', RANGES, form({ type: 'us_bank_transfer', bank_name: 'JPMorgan Chase Bank, N.A.', routing_number: '021000021', prefix: '8888', account_number_length: '14' }));
    assert.equal(us.status, 200, JSON.stringify(us.body));
    assert.deepEqual((await live.api('GET', RANGES)).body.data.map((r: { id: string }) => r.id).sort(), ['vbr_eu_nl', 'vbr_us_us']);

    const pi = await live.stripe.paymentIntents.create(intent);
    const [address] = pi.next_action!.display_bank_transfer_instructions!.financial_addresses!;
    const iban = address.iban!.iban;
    assert.match(iban, /^NL\d\dABNA0417\d{6}$/);
    assert.ok(isValidIban(iban), iban);
    assert.equal(address.iban!.bic, 'ABNANL2AXXX');
    assert.equal((await instructions(live.stripe, customer.id, 'eu_bank_transfer')).bank_transfer.financial_addresses[0].iban!.iban, iban, 'one account per type and country');

    const usd = (await instructions(live.stripe, customer.id, 'us_bank_transfer')).bank_transfer.financial_addresses;
    assert.deepEqual(usd.map((a) => a.type), ['aba'], 'a range without a SWIFT code shows no swift address');
    assert.match(usd[0].aba!.account_number, /^8888\d{10}$/);
    assert.deepEqual([usd[0].aba!.routing_number, usd[0].aba!.bank_name], ['021000021', 'JPMorgan Chase Bank, N.A.']);

    // The bank's statements credit the numbers it issued: the customer is funded and pays.
    await live.importStatement(camt053([{ amount: '25.00', currency: 'EUR', ownAccount: iban, name: 'Jan Jansen', iban: 'NL02RABO0123456789', ref: 'RANGE-1', remittance: 'ORDER 1' }]));
    assert.equal((await live.stripe.paymentIntents.retrieve(pi.id)).status, 'succeeded');
    const funded = await live.importStatement(bai2(usd[0].aba!.account_number, [['195', 700, 'ACH-RANGE-1', 'PAT-1', 'ACH CREDIT']]));
    assert.equal(funded.lines[0].status, 'funded', JSON.stringify(funded.lines[0]));
    assert.equal((await live.stripe.customers.retrieveCashBalance(customer.id)).available?.usd, 700);

    // A range without a SWIFT code: asking for only a swift address is refused, and no account is made for it.
    const other = await live.stripe.customers.create();
    const swiftOnly = live.stripe.customers.createFundingInstructions(other.id, { bank_transfer: { type: 'us_bank_transfer', requested_address_types: ['swift'] }, currency: 'usd', funding_type: 'bank_transfer' });
    await assert.rejects(swiftOnly, (error: Stripe.errors.StripeError) => error.statusCode === 400 && error.param === 'bank_transfer[requested_address_types]' && /no swift address.*Use aba\./.test(error.message));
    assert.deepEqual((await live.api('GET', `/cashbook/v1/customers/${other.id}/funding_instructions`)).body.data, []);
  });

  it('live mode: an invoice the cash balance does not cover says whether the customer can get bank details to pay it', async () => {
    const live = await liveAccount(server(), { ranges: false });
    const customer = await live.stripe.customers.create({ email: 'invoice@example.com' });
    const draft = await live.stripe.invoices.create({ customer: customer.id, currency: 'eur', collection_method: 'send_invoice', days_until_due: 30, payment_settings: { payment_method_types: ['customer_balance'] } });
    await live.stripe.invoiceItems.create({ customer: customer.id, invoice: draft.id, amount: 2_500 });
    const invoice = await live.stripe.invoices.finalizeInvoice(draft.id);
    const refusal = async () => {
      const error = (await live.stripe.invoices.pay(invoice.id).catch((e: Stripe.errors.StripeError) => e)) as Stripe.errors.StripeError;
      assert.deepEqual([error.statusCode, error.code], [400, 'balance_insufficient']);
      return error.message;
    };
    assert.match(await refusal(), /does not cover the 25\.00 EUR due on this invoice\. No bank details can be issued .*\/cashbook\/v1\/virtual_account_ranges/);
    const set = await live.api('POST', RANGES, form({ type: 'eu_bank_transfer', country: 'IE', bank_name: 'AIB', bic: 'AIBKIE2DXXX', prefix: 'AIBK931152' }));
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.match(await refusal(), new RegExp(`The customer can pay by bank transfer quoting ${invoice.number}\\.$`), 'the account is IE-less US: EUR falls back to IE');
  });

  it('refuses a bad range with its param and keeps the one set', async () => {
    const s = server();
    const set = await s.request('POST', RANGES, { form: form({ type: 'gb_bank_transfer', bank_name: 'Barclays Bank UK PLC', sort_code: '20-00-00', prefix: '73' }) });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const before = (await s.request('GET', RANGES)).body;
    const bad: [Record<string, string>, string][] = [
      [{ type: 'eu_bank_transfer', bank_name: 'ING', bic: 'INGBNL2A', prefix: 'INGB0001' }, 'country'],
      [{ type: 'eu_bank_transfer', country: 'IT', bank_name: 'UniCredit', bic: 'UNCRITMM', prefix: 'X0200802' }, 'country'],
      [{ type: 'eu_bank_transfer', country: 'NL', bank_name: 'ING', bic: 'INGBDEFF', prefix: 'INGB0001' }, 'bic'],
      [{ type: 'eu_bank_transfer', country: 'NL', bank_name: 'ING', bic: 'INGBNL2A', prefix: 'ING' }, 'prefix'],
      [{ type: 'eu_bank_transfer', country: 'NL', bank_name: 'ING', bic: 'INGBNL2A', prefix: '12340001' }, 'prefix'],
      [{ type: 'eu_bank_transfer', country: 'NL', bank_name: 'ING', bic: 'INGBNL2A', prefix: 'INGB0001', sort_code: '200000' }, 'sort_code'],
      [{ type: 'eu_bank_transfer', country: 'ES', bank_name: 'CaixaBank', bic: 'CAIXESBB', prefix: '210004180' }, 'prefix'],
      [{ type: 'gb_bank_transfer', bank_name: 'Barclays', sort_code: '2000', prefix: '73' }, 'sort_code'],
      [{ type: 'gb_bank_transfer', bank_name: 'Barclays', sort_code: '200000', prefix: '73123' }, 'prefix'],
      [{ type: 'gb_bank_transfer', country: 'IE', bank_name: 'Barclays', sort_code: '200000' }, 'country'],
      [{ type: 'us_bank_transfer', bank_name: 'Chase', routing_number: '021000022' }, 'routing_number'],
      [{ type: 'us_bank_transfer', bank_name: 'Chase', routing_number: '021000021', account_number_length: '3' }, 'account_number_length'],
      [{ type: 'us_bank_transfer', bank_name: 'Chase', routing_number: '021000021', prefix: '12345678901234' }, 'prefix'],
      [{ type: 'us_bank_transfer', bank_name: 'Chase', routing_number: '021000021', bic: 'DEUTDEFF' }, 'bic'],
      [{ type: 'us_bank_transfer', bank_name: 'Чейз', routing_number: '021000021' }, 'bank_name'],
      [{ type: 'jp_bank_transfer', bank_name: 'MUFG' }, 'type'],
      [{ type: 'us_bank_transfer', routing_number: '021000021' }, 'bank_name'],
    ];
    for (const [fields, param] of bad) {
      const refused = await s.request('POST', RANGES, { form: form(fields) });
      assert.deepEqual([refused.status, refused.body.error?.type, refused.body.error?.param], [400, 'invalid_request_error', param], JSON.stringify([fields, refused.body]));
      assert.ok(refused.body.error.message.length > 20, refused.body.error.message);
    }
    assert.deepEqual((await s.request('GET', RANGES)).body, before, 'a refusal changes nothing');
  });

  it('a new range leaves issued accounts as they were; test mode without one keeps the test bank', async () => {
    const s = server();
    const { stripe } = s;
    const first = await stripe.customers.create();
    const testBank = (await instructions(stripe, first.id, 'eu_bank_transfer', 'DE')).bank_transfer.financial_addresses[0].iban!;
    assert.equal(testBank.bic, 'CASHDEFFXXX', 'test mode without a range: Cashbook’s test bank');

    const set = (prefix: string) => s.request('POST', RANGES, { form: form({ type: 'eu_bank_transfer', country: 'DE', bank_name: 'Commerzbank AG', bic: 'COBADEFFXXX', prefix }) });
    const made = await set('3704004405');
    assert.equal(made.status, 200, JSON.stringify(made.body));
    assert.equal(made.body.livemode, false);
    const second = await stripe.customers.create();
    const inRange = (await instructions(stripe, second.id, 'eu_bank_transfer', 'DE')).bank_transfer.financial_addresses[0].iban!;
    assert.match(inRange.iban, /^DE\d\d3704004405\d{8}$/);
    assert.equal(inRange.bic, 'COBADEFFXXX');

    const replaced = await set('37040044 06');
    assert.equal(replaced.status, 200, JSON.stringify(replaced.body));
    assert.deepEqual([replaced.body.id, replaced.body.prefix, replaced.body.created], ['vbr_eu_de', '3704004406', made.body.created]);
    assert.equal((await s.request('GET', RANGES)).body.data.filter((r: { type: string; country: string }) => r.type === 'eu_bank_transfer' && r.country === 'DE').length, 1, 'one range per type and country');
    const third = await stripe.customers.create();
    assert.match((await instructions(stripe, third.id, 'eu_bank_transfer', 'DE')).bank_transfer.financial_addresses[0].iban!.iban, /^DE\d\d3704004406\d{8}$/);
    assert.deepEqual((await instructions(stripe, second.id, 'eu_bank_transfer', 'DE')).bank_transfer.financial_addresses[0].iban, inRange, 'issued in the old range: unchanged');
    assert.deepEqual((await instructions(stripe, first.id, 'eu_bank_transfer', 'DE')).bank_transfer.financial_addresses[0].iban, testBank);
  });
});
