// The account's own settings through POST /cashbook/v1/account, on both stores: the display
// name customers see (bank details, the refund page) and the country EU bank transfers fall back
// to; bad values are refused and change nothing; each key's account only.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { fund } from './payments-helpers.ts';

describeEachStore('the account settings', (server) => {
  it('sets the display name, country and default reconciliation mode; customers see the name, EU transfers take the country', async () => {
    const s = server();
    const { stripe } = s;
    const before = (await s.request('GET', '/cashbook/v1/account')).body as Record<string, unknown>;
    for (const [form, param] of [['display_name=%20%20', 'display_name'], ['display_name=%E6%97%A5%E6%9C%AC', 'display_name'], ['display_name=Shop%00BV', 'display_name'], ['country=NLD', 'country'], ['country=1A', 'country'], ['country=ZZ', 'country'], ['country=QQ', 'country'], ['country=XA', 'country'], ['country=SU', 'country'], ['country=UK', 'country'], ['default_reconciliation_mode=sometimes', 'default_reconciliation_mode'], ['business_name=x', 'business_name']] as const) {
      const refused = await s.request('POST', '/cashbook/v1/account', { form });
      assert.deepEqual([refused.status, refused.body.error?.type, refused.body.error?.param], [400, 'invalid_request_error', param], form);
    }
    assert.deepEqual((await s.request('GET', '/cashbook/v1/account')).body, before, 'a refusal changes nothing');

    const set = await s.request('POST', '/cashbook/v1/account', { form: 'display_name=Fietsen%20de%20Vries%20BV&country=nl&default_reconciliation_mode=manual' });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual([set.body.display_name, set.body.country, set.body.default_reconciliation_mode], ['Fietsen de Vries BV', 'NL', 'manual']);
    assert.deepEqual((await s.request('GET', '/cashbook/v1/account')).body, set.body);

    const customer = await stripe.customers.create({ email: 'klant@example.com' });
    const instructions = await stripe.customers.createFundingInstructions(customer.id, { currency: 'eur', funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'DE' } } });
    assert.equal(instructions.bank_transfer.financial_addresses[0].iban?.account_holder_name, 'Fietsen de Vries BV');
    const eurIntent = {
      amount: 1000, currency: 'eur', customer: customer.id, confirm: true, payment_method_types: ['customer_balance'], payment_method_data: { type: 'customer_balance' },
      payment_method_options: { customer_balance: { funding_type: 'bank_transfer', bank_transfer: { type: 'eu_bank_transfer' } } },
    };
    const pi = await stripe.paymentIntents.create(eurIntent as Stripe.PaymentIntentCreateParams);
    assert.equal(pi.next_action?.display_bank_transfer_instructions?.financial_addresses?.[0]?.iban?.iban.slice(0, 2), 'DE', 'no country asked, none on the customer: the IBAN it has, not a second one');
    const fresh = await stripe.customers.create();
    const first = await stripe.paymentIntents.create({ ...eurIntent, customer: fresh.id } as Stripe.PaymentIntentCreateParams);
    assert.equal(first.next_action?.display_bank_transfer_instructions?.financial_addresses?.[0]?.iban?.iban.slice(0, 2), 'NL', "no country asked, none on the customer, no IBAN yet: the account's");
    // The customer follows the account default, now manual: a funding is not applied to the waiting payment.
    await fund(stripe, customer.id, 1000, 'eur');
    assert.equal((await stripe.paymentIntents.retrieve(pi.id)).status, 'requires_action');

    await fund(stripe, customer.id, 500, 'eur');
    const back = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, currency: 'eur', amount: 500 } as Stripe.RefundCreateParams);
    const link = await s.request('POST', `/cashbook/v1/refunds/${back.id}/bank_details_link`);
    assert.match(await (await fetch(link.body.url)).text(), /Fietsen de Vries BV is refunding you/);
  });
});
