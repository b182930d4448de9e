// The schema check in test/support/openapi.ts can fail: a correct body passes, and an extra
// field, a wrong type, a missing required field, a bad enum value or a non-Stripe error body
// is reported. Without this, every "matches the schema" assertion would be unproven.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkResponse } from '../support/openapi.ts';

const cashBalance = {
  object: 'cash_balance',
  available: { usd: 100 },
  customer: 'cus_123',
  livemode: false,
  settings: { reconciliation_mode: 'automatic', using_merchant_default: true },
};

const funded = {
  id: 'ccsbtxn_1',
  object: 'customer_cash_balance_transaction',
  created: 1700000000,
  currency: 'usd',
  customer: 'cus_123',
  ending_balance: 100,
  funded: { bank_transfer: { reference: null, type: 'us_bank_transfer', us_bank_transfer: { network: 'ach', sender_name: 'x' } } },
  livemode: false,
  net_amount: 100,
  type: 'funded',
};

const BALANCE_URL = '/v1/customers/cus_123/cash_balance';
const TXN_URL = '/v1/customers/cus_123/cash_balance_transactions/ccsbtxn_1';
const LIST_URL = '/v1/customers/cus_123/cash_balance_transactions?limit=3';

function check(url: string, body: unknown, status = 200, method = 'GET') {
  return checkResponse(method, url, status, typeof body === 'string' ? body : JSON.stringify(body));
}

describe('OpenAPI response checker', () => {
  it('accepts correct bodies', () => {
    assert.equal(check(BALANCE_URL, cashBalance), undefined);
    assert.equal(check(BALANCE_URL, { ...cashBalance, available: null }), undefined);
    assert.equal(check(TXN_URL, funded), undefined);
    assert.equal(check(LIST_URL, { object: 'list', data: [funded], has_more: false, url: '/v1/customers/cus_123/cash_balance_transactions' }), undefined);
    assert.equal(check(BALANCE_URL, { error: { type: 'invalid_request_error', message: 'x', param: 'customer' } }, 404), undefined);
    assert.equal(check('/v1/not_in_spec', { anything: true }), undefined, 'paths outside the spec are checked only for error shape');
  });

  it('rejects an extra field, at the top and nested', () => {
    assert.match(check(BALANCE_URL, { ...cashBalance, extra: 1 })!.problem, /additional/);
    assert.ok(check(BALANCE_URL, { ...cashBalance, settings: { ...cashBalance.settings, surprise: true } }));
    assert.ok(check(TXN_URL, { ...funded, funded: { bank_transfer: { ...funded.funded.bank_transfer, network: 'sepa' } } }));
    assert.ok(check(LIST_URL, { object: 'list', data: [{ ...funded, note: 'x' }], has_more: false, url: '/v1/customers/cus_123/cash_balance_transactions' }));
    assert.ok(check(BALANCE_URL, { error: { type: 'invalid_request_error', message: 'x', bogus: 1 } }, 400));
  });

  it('rejects a wrong type', () => {
    assert.match(check(BALANCE_URL, { ...cashBalance, livemode: 'false' })!.problem, /boolean/);
    assert.ok(check(BALANCE_URL, { ...cashBalance, available: { usd: '100' } }));
    assert.ok(check(TXN_URL, { ...funded, net_amount: '100' }));
    assert.ok(check(TXN_URL, { ...funded, created: 1.5 }));
    assert.ok(check(LIST_URL, { object: 'list', data: funded, has_more: false, url: '/v1/customers/cus_123/cash_balance_transactions' }));
  });

  it('rejects a missing required field and a value outside an enum', () => {
    const { customer: _customer, ...noCustomer } = cashBalance;
    assert.ok(check(BALANCE_URL, noCustomer));
    assert.ok(check(BALANCE_URL, { ...cashBalance, object: 'customer' }));
    assert.ok(check(BALANCE_URL, { ...cashBalance, settings: { ...cashBalance.settings, reconciliation_mode: 'sometimes' } }));
  });

  it('rejects non-JSON bodies and error bodies not in Stripe shape', () => {
    assert.match(check(BALANCE_URL, 'not json')!.problem, /not JSON/);
    assert.match(check(BALANCE_URL, { message: 'oops' }, 400)!.problem, /not a Stripe error body/);
    assert.ok(check('/v1/not_in_spec', { error: { message: 'no type' } }, 500));
    assert.ok(check(BALANCE_URL, { error: { type: 'invalid_request_error' } }, 400));
  });
});
