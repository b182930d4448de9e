// Funding instructions through the official SDK: every transfer type, stable numbers, valid
// check digits, the address-type filter, mismatches, and the currency showing in the balance.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { isValidAbaRoutingNumber, isValidClabe, isValidIban } from '../../src/core/bank-details.ts';
import { assertCashLedger } from '../support/invariants.ts';
import { describeEachStore } from '../support/suite.ts';
import { intent } from './payments-helpers.ts';

type Params = Stripe.CustomerCreateFundingInstructionsParams;

const CASES: { currency: string; type: Stripe.CustomerCreateFundingInstructionsParams.BankTransfer.Type; country: string; addressTypes: string[]; networks: Record<string, string[]> }[] = [
  { currency: 'usd', type: 'us_bank_transfer', country: 'US', addressTypes: ['aba', 'swift'], networks: { aba: ['ach', 'domestic_wire_us'], swift: ['swift'] } },
  { currency: 'eur', type: 'eu_bank_transfer', country: 'DE', addressTypes: ['iban'], networks: { iban: ['sepa'] } },
  { currency: 'gbp', type: 'gb_bank_transfer', country: 'GB', addressTypes: ['sort_code'], networks: { sort_code: ['bacs', 'fps'] } },
  { currency: 'jpy', type: 'jp_bank_transfer', country: 'JP', addressTypes: ['zengin'], networks: { zengin: ['zengin'] } },
  { currency: 'mxn', type: 'mx_bank_transfer', country: 'MX', addressTypes: ['spei'], networks: { spei: ['spei'] } },
];

function paramsFor(c: (typeof CASES)[number]): Params {
  return {
    funding_type: 'bank_transfer',
    currency: c.currency,
    bank_transfer: { type: c.type, ...(c.type === 'eu_bank_transfer' ? { eu_bank_transfer: { country: c.country } } : {}) },
  };
}

type Address = Record<string, any>;

function checkAddress(address: Address): void {
  switch (address.type) {
    case 'aba':
      assert.ok(isValidAbaRoutingNumber(address.aba.routing_number), `routing ${address.aba.routing_number}`);
      assert.match(address.aba.account_number, /^\d{6,17}$/);
      break;
    case 'swift':
      assert.match(address.swift.swift_code, /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/);
      assert.match(address.swift.account_number, /^\d+$/);
      break;
    case 'iban':
      assert.ok(isValidIban(address.iban.iban), `iban ${address.iban.iban}`);
      assert.equal(address.iban.iban.slice(0, 2), address.iban.country);
      assert.match(address.iban.bic, /^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/);
      break;
    case 'sort_code':
      assert.match(address.sort_code.sort_code, /^\d{6}$/);
      assert.match(address.sort_code.account_number, /^\d{8}$/);
      break;
    case 'zengin':
      assert.match(address.zengin.bank_code, /^\d{4}$/);
      assert.match(address.zengin.branch_code, /^\d{3}$/);
      assert.match(address.zengin.account_number, /^\d{7}$/);
      assert.ok(['futsu', 'toza'].includes(address.zengin.account_type));
      break;
    case 'spei':
      assert.ok(isValidClabe(address.spei.clabe), `clabe ${address.spei.clabe}`);
      assert.equal(address.spei.bank_code, address.spei.clabe.slice(0, 3));
      break;
    default:
      assert.fail(`unexpected address type ${address.type}`);
  }
}

async function rejectsWith(promise: Promise<unknown>, expected: { status: number; code?: string; param?: string }): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, expected.status, error.message);
    if (expected.code !== undefined) assert.equal(error.code, expected.code);
    if (expected.param !== undefined) assert.equal(error.param, expected.param, error.message);
    return true;
  });
}

describeEachStore('funding instructions', (server) => {
  for (const c of CASES) {
    it(`gives ${c.type} instructions for ${c.currency}, the same ones every time`, async () => {
      const { stripe } = server();
      const customer = await stripe.customers.create();
      const first = await stripe.customers.createFundingInstructions(customer.id, paramsFor(c));
      assert.equal(first.object, 'funding_instructions');
      assert.equal(first.currency, c.currency);
      assert.equal(first.funding_type, 'bank_transfer');
      assert.equal(first.livemode, false);
      assert.equal(first.bank_transfer.type, c.type);
      assert.equal(first.bank_transfer.country, c.country);
      const addresses = first.bank_transfer.financial_addresses as unknown as Address[];
      assert.deepEqual(addresses.map((a) => a.type), c.addressTypes);
      for (const address of addresses) {
        assert.deepEqual(address.supported_networks, c.networks[address.type]);
        checkAddress(address);
      }
      const again = await stripe.customers.createFundingInstructions(customer.id, paramsFor(c));
      assert.deepEqual(JSON.parse(JSON.stringify(again)), JSON.parse(JSON.stringify(first)), 'the same numbers come back');

      // Another customer gets different numbers.
      const other = await stripe.customers.create();
      const theirs = await stripe.customers.createFundingInstructions(other.id, paramsFor(c));
      assert.notDeepEqual(JSON.parse(JSON.stringify(theirs.bank_transfer.financial_addresses)), JSON.parse(JSON.stringify(addresses)));

      // The currency now shows in the cash balance at zero, with no ledger entry.
      const balance = await stripe.customers.retrieveCashBalance(customer.id);
      assert.deepEqual(balance.available, { [c.currency]: 0 });
      assert.deepEqual((await stripe.customers.listCashBalanceTransactions(customer.id)).data, []);
      await assertCashLedger(stripe, customer.id);

      // Money still lands on top of the zero.
      const funded = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 250, currency: c.currency });
      assert.equal(funded.ending_balance, 250);
      await assertCashLedger(stripe, customer.id);
    });
  }

  it('lists the funding instructions a customer already has (GET /cashbook/v1/customers/:id/funding_instructions), making none', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'listed@example.com' });
    type Listed = { object: string; data: Stripe.FundingInstructions[]; has_more: boolean; url: string };
    const list = async (id = customer.id) => JSON.parse(JSON.stringify(await stripe.rawRequest('GET', `/cashbook/v1/customers/${id}/funding_instructions`, {}))) as Listed;
    assert.deepEqual(await list(), { object: 'list', data: [], has_more: false, url: `/cashbook/v1/customers/${customer.id}/funding_instructions` });
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 500, currency: 'gbp' });
    assert.deepEqual((await list()).data, [], 'a balance alone issues no account, and reading issues none');
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { gbp: 500 });

    const nl = await stripe.customers.createFundingInstructions(customer.id, { funding_type: 'bank_transfer', currency: 'eur', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' } } });
    const de = await stripe.customers.createFundingInstructions(customer.id, { funding_type: 'bank_transfer', currency: 'eur', bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'DE' } } });
    // A waiting payment allocates the account its instructions name: it is listed too.
    const waiting = await intent(stripe, customer.id, 9_000);
    assert.equal(waiting.status, 'requires_action');
    const listed = await list();
    assert.deepEqual(listed.data.map((i) => [i.currency, i.bank_transfer.type, i.bank_transfer.country]), [['eur', 'eu_bank_transfer', 'NL'], ['eur', 'eu_bank_transfer', 'DE'], ['usd', 'us_bank_transfer', 'US']], 'oldest first');
    assert.deepEqual(listed.data.slice(0, 2), JSON.parse(JSON.stringify([nl, de])), 'what POST answered, field for field');
    const usd = await stripe.customers.createFundingInstructions(customer.id, { funding_type: 'bank_transfer', currency: 'usd', bank_transfer: { type: 'us_bank_transfer' } });
    assert.deepEqual(listed.data[2], JSON.parse(JSON.stringify(usd)));
    assert.equal((await list()).data.length, 3, 'POST for an existing account makes no second one');

    await assert.rejects(list('cus_missing'), (error: Stripe.errors.StripeError) => error.statusCode === 404 && error.code === 'resource_missing');
    assert.equal((await fetch(`${server().url}/cashbook/v1/customers/${customer.id}/funding_instructions`)).status, 401);
  });

  it('gives a different valid IBAN per EU country, each stable', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const ibans = new Map<string, string>();
    for (const country of ['BE', 'DE', 'ES', 'FR', 'IE', 'NL'] as const) {
      const result = await stripe.customers.createFundingInstructions(customer.id, {
        funding_type: 'bank_transfer',
        currency: 'eur',
        bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country } },
      });
      const iban = (result.bank_transfer.financial_addresses[0] as Address).iban;
      assert.equal(result.bank_transfer.country, country);
      assert.equal(iban.country, country);
      assert.ok(isValidIban(iban.iban), iban.iban);
      assert.ok(iban.iban.startsWith(country));
      ibans.set(country, iban.iban);
    }
    assert.equal(new Set(ibans.values()).size, 6, 'each country has its own IBAN');
    for (const [country, iban] of ibans) {
      const again = await stripe.customers.createFundingInstructions(customer.id, {
        funding_type: 'bank_transfer',
        currency: 'eur',
        bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: country as 'DE' } },
      });
      assert.equal((again.bank_transfer.financial_addresses[0] as Address).iban.iban, iban);
    }
    // The country is required for EU instructions.
    await rejectsWith(
      stripe.customers.createFundingInstructions(customer.id, { funding_type: 'bank_transfer', currency: 'eur', bank_transfer: { type: 'eu_bank_transfer' } }),
      { status: 400, code: 'parameter_missing', param: 'bank_transfer[eu_bank_transfer]' },
    );
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { eur: 0 });
  });

  it('hands out one virtual account to concurrent first requests', async () => {
    const { stripe } = server();
    for (const c of CASES) {
      const customer = await stripe.customers.create();
      const results = await Promise.all(Array.from({ length: 6 }, () => stripe.customers.createFundingInstructions(customer.id, paramsFor(c))));
      const distinct = new Set(results.map((r) => JSON.stringify(r.bank_transfer.financial_addresses)));
      assert.equal(distinct.size, 1, `${c.type}: concurrent requests got different numbers`);
      const later = await stripe.customers.createFundingInstructions(customer.id, paramsFor(c));
      assert.equal(JSON.stringify(later.bank_transfer.financial_addresses), [...distinct][0]);
    }
  });

  it('filters by requested_address_types', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const base = paramsFor(CASES[0]);
    const all = await stripe.customers.createFundingInstructions(customer.id, base);
    const onlyAba = await stripe.customers.createFundingInstructions(customer.id, {
      ...base,
      bank_transfer: { ...base.bank_transfer, requested_address_types: ['aba' as never] },
    });
    assert.deepEqual(onlyAba.bank_transfer.financial_addresses.map((a) => a.type), ['aba']);
    assert.deepEqual(JSON.parse(JSON.stringify(onlyAba.bank_transfer.financial_addresses[0])), JSON.parse(JSON.stringify(all.bank_transfer.financial_addresses[0])));
    const iban = await stripe.customers.createFundingInstructions(customer.id, {
      funding_type: 'bank_transfer',
      currency: 'eur',
      bank_transfer: { type: 'eu_bank_transfer', eu_bank_transfer: { country: 'NL' }, requested_address_types: ['iban'] },
    });
    assert.deepEqual(iban.bank_transfer.financial_addresses.map((a) => a.type), ['iban']);
    // Asking for an address type the transfer type does not have is an error, not an empty list.
    await rejectsWith(
      stripe.customers.createFundingInstructions(customer.id, {
        funding_type: 'bank_transfer',
        currency: 'gbp',
        bank_transfer: { type: 'gb_bank_transfer', requested_address_types: ['iban'] },
      }),
      { status: 400, param: 'bank_transfer[requested_address_types]' },
    );
    await rejectsWith(
      stripe.customers.createFundingInstructions(customer.id, {
        funding_type: 'bank_transfer',
        currency: 'gbp',
        bank_transfer: { type: 'gb_bank_transfer', requested_address_types: ['bogus' as never] },
      }),
      { status: 400, param: 'bank_transfer[requested_address_types][0]' },
    );
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { usd: 0, eur: 0 });
  });

  it('refuses a currency that does not match the transfer type, and changes nothing', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    for (const c of CASES) {
      for (const other of CASES) {
        if (other.currency === c.currency) continue;
        await rejectsWith(
          stripe.customers.createFundingInstructions(customer.id, { ...paramsFor(c), currency: other.currency }),
          { status: 400, param: 'bank_transfer[type]' },
        );
      }
    }
    await rejectsWith(
      stripe.customers.createFundingInstructions(customer.id, {
        funding_type: 'bank_transfer',
        currency: 'usd',
        bank_transfer: { type: 'us_bank_transfer', eu_bank_transfer: { country: 'DE' } },
      }),
      { status: 400, param: 'bank_transfer[eu_bank_transfer]' },
    );
    await rejectsWith(
      stripe.customers.createFundingInstructions('cus_missing', paramsFor(CASES[0])),
      { status: 404, code: 'resource_missing', param: 'customer' },
    );
    assert.equal((await stripe.customers.retrieveCashBalance(customer.id)).available, null, 'no currency was opened');
  });
});
