// Bad input, endpoint by endpoint and parameter by parameter: every row names its input and the
// Stripe error it must get (status, code, param), and checks that nothing changed at all: the
// customers, the customer's cash balance and settings, its ledger, and the event stream.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import fc from 'fast-check';
import { assertCashLedger } from '../support/invariants.ts';
import { describeEachStore } from '../support/suite.ts';
import type { TestServer } from '../support/server.ts';

/** `code: null` means the error must carry no code (Stripe's enum errors have none). */
type Row = [input: string, status: number, code: string | null, param: string];

interface Endpoint {
  name: string;
  method: 'GET' | 'POST' | 'DELETE';
  path: (ids: Ids) => string;
  rows: Row[] | ((ids: Ids) => Row[]);
}

interface Ids {
  customer: string;
  other: string;
  txn: string;
  otherTxn: string;
}

const long = (n: number) => 'a'.repeat(n);
const HUGE = '99999999999999999999';

const CUSTOMER_FIELDS: Row[] = [
  ['bogus=1', 400, 'parameter_unknown', 'bogus'],
  ['cash_balance[settings][foo]=x', 400, 'parameter_unknown', 'cash_balance[settings][foo]'],
  ['cash_balance[foo]=x', 400, 'parameter_unknown', 'cash_balance[foo]'],
  ['cash_balance[settings][reconciliation_mode]=sometimes', 400, null, 'cash_balance[settings][reconciliation_mode]'],
  ['cash_balance[settings][reconciliation_mode]=', 400, 'parameter_invalid_empty', 'cash_balance[settings][reconciliation_mode]'],
  ['cash_balance[settings][reconciliation_mode][]=manual', 400, null, 'cash_balance[settings][reconciliation_mode]'],
  ['cash_balance=manual', 400, null, 'cash_balance'],
  ['balance=abc', 400, 'parameter_invalid_integer', 'balance'],
  ['balance=1.5', 400, 'parameter_invalid_integer', 'balance'],
  ['balance=1e3', 400, 'parameter_invalid_integer', 'balance'],
  [`balance=${HUGE}`, 400, 'parameter_invalid_integer', 'balance'],
  [`balance=-${HUGE}`, 400, 'parameter_invalid_integer', 'balance'],
  ['balance=100000000000', 400, 'parameter_invalid_integer', 'balance'],
  ['balance=', 400, 'parameter_invalid_empty', 'balance'],
  ['balance[]=1', 400, 'parameter_invalid_integer', 'balance'],
  ['email=not-an-email', 400, 'email_invalid', 'email'],
  [`email=${long(510)}@x.io`, 400, null, 'email'],
  ['email[x]=a@b.co', 400, null, 'email'],
  [`name=${long(257)}`, 400, null, 'name'],
  [`description=${long(5001)}`, 400, null, 'description'],
  [`phone=${long(21)}`, 400, null, 'phone'],
  ['invoice_prefix=', 400, 'parameter_invalid_empty', 'invoice_prefix'],
  [`invoice_prefix=${long(13)}`, 400, null, 'invoice_prefix'],
  ['invoice_prefix=a-b%20c', 400, null, 'invoice_prefix'],
  ['invoice_prefix=AB', 400, null, 'invoice_prefix'],
  ['invoice_prefix=acme', 400, null, 'invoice_prefix'],
  ['next_invoice_sequence=0', 400, 'parameter_invalid_integer', 'next_invoice_sequence'],
  ['next_invoice_sequence=-3', 400, 'parameter_invalid_integer', 'next_invoice_sequence'],
  ['next_invoice_sequence=two', 400, 'parameter_invalid_integer', 'next_invoice_sequence'],
  ['tax_exempt=maybe', 400, null, 'tax_exempt'],
  ['tax_exempt=', 400, 'parameter_invalid_empty', 'tax_exempt'],
  [`preferred_locales[0]=${long(21)}`, 400, null, 'preferred_locales[0]'],
  [`${Array.from({ length: 11 }, (_, i) => `preferred_locales[${i}]=en`).join('&')}`, 400, null, 'preferred_locales'],
  ['address[country]=USA', 400, null, 'address[country]'],
  ['address[foo]=x', 400, 'parameter_unknown', 'address[foo]'],
  ['address=somewhere', 400, null, 'address'],
  ['invoice_settings[foo]=x', 400, 'parameter_unknown', 'invoice_settings[foo]'],
  ['invoice_settings[default_payment_method]=pm_nope', 404, 'resource_missing', 'invoice_settings[default_payment_method]'],
  ['invoice_settings[custom_fields][0][name]=n', 400, 'parameter_missing', 'invoice_settings[custom_fields][0][value]'],
  ['metadata=x', 400, null, 'metadata'],
  ['metadata[a][b]=c', 400, null, 'metadata'],
  // A bracket inside a key: qs would drop what follows it and store another key than the one sent.
  ['metadata[a%5Db]=1', 400, null, 'metadata[a]b]'],
  ['metadata[a]b]=1', 400, null, 'metadata[a]b]'],
  ['metadata[a%5Bb]=1', 400, null, 'metadata[a[b]'],
  [`metadata[${long(41)}]=x`, 400, null, 'metadata'],
  [`metadata[a]=${long(501)}`, 400, null, 'metadata'],
  [Array.from({ length: 51 }, (_, i) => `metadata[k${i}]=v`).join('&'), 400, null, 'metadata'],
  ['expand[]=nonsense', 400, null, 'expand'],
  ['expand=cash_balance', 400, null, 'expand'],
];

const LIST_PARAMS: Row[] = [
  ['limit=0', 400, 'parameter_invalid_integer', 'limit'],
  ['limit=-1', 400, 'parameter_invalid_integer', 'limit'],
  ['limit=101', 400, 'parameter_invalid_integer', 'limit'],
  [`limit=${HUGE}`, 400, 'parameter_invalid_integer', 'limit'],
  ['limit=2.5', 400, 'parameter_invalid_integer', 'limit'],
  ['limit=ten', 400, 'parameter_invalid_integer', 'limit'],
  ['limit=', 400, 'parameter_invalid_empty', 'limit'],
  ['starting_after=x&ending_before=y', 400, 'parameters_exclusive', 'ending_before'],
  [`starting_after=${long(256)}`, 400, null, 'starting_after'],
  ['starting_after=', 400, 'parameter_invalid_empty', 'starting_after'],
  ['starting_after[a]=b', 400, null, 'starting_after'],
  ['bogus=1', 400, 'parameter_unknown', 'bogus'],
  ['expand[]=data.nonsense', 400, null, 'expand'],
  ['expand[]=nonsense', 400, null, 'expand'],
];

const FUND_ROWS: Row[] = [
  ['currency=usd', 400, 'parameter_missing', 'amount'],
  ['amount=100', 400, 'parameter_missing', 'currency'],
  ['', 400, 'parameter_missing', 'amount'],
  ['amount=0&currency=usd', 400, 'amount_too_small', 'amount'],
  ['amount=-1&currency=usd', 400, 'amount_too_small', 'amount'],
  ['amount=-100000000&currency=usd', 400, 'amount_too_small', 'amount'],
  ['amount=100000000&currency=usd', 400, 'amount_too_large', 'amount'],
  [`amount=${HUGE}&currency=usd`, 400, 'parameter_invalid_integer', 'amount'],
  ['amount=9007199254740993&currency=usd', 400, 'parameter_invalid_integer', 'amount'],
  ['amount=1.5&currency=usd', 400, 'parameter_invalid_integer', 'amount'],
  ['amount=1.0&currency=usd', 400, 'parameter_invalid_integer', 'amount'],
  ['amount=abc&currency=usd', 400, 'parameter_invalid_integer', 'amount'],
  ['amount=0x10&currency=usd', 400, 'parameter_invalid_integer', 'amount'],
  ['amount=+5&currency=usd', 400, 'parameter_invalid_integer', 'amount'],
  ['amount=%205&currency=usd', 400, 'parameter_invalid_integer', 'amount'],
  ['amount=&currency=usd', 400, 'parameter_invalid_empty', 'amount'],
  ['amount[]=5&currency=usd', 400, 'parameter_invalid_integer', 'amount'],
  ['amount=5&currency=xyz', 400, null, 'currency'],
  ['amount=5&currency=aud', 400, null, 'currency'],
  ['amount=5&currency=', 400, 'parameter_invalid_empty', 'currency'],
  ['amount=5&currency[]=usd', 400, null, 'currency'],
  [`amount=5&currency=usd&reference=${long(141)}`, 400, null, 'reference'],
  ['amount=5&currency=usd&reference[a]=b', 400, null, 'reference'],
  ['amount=5&currency=usd&bogus=1', 400, 'parameter_unknown', 'bogus'],
  ['amount=5&currency=usd&funded[bank_transfer][type]=x', 400, 'parameter_unknown', 'funded'],
  ['amount=5&currency=usd&expand[]=nonsense', 400, null, 'expand'],
];

const FI = 'funding_type=bank_transfer&currency=usd&bank_transfer[type]=us_bank_transfer';
const FUNDING_ROWS: Row[] = [
  ['currency=usd&bank_transfer[type]=us_bank_transfer', 400, 'parameter_missing', 'funding_type'],
  ['funding_type=bank_transfer&bank_transfer[type]=us_bank_transfer', 400, 'parameter_missing', 'currency'],
  ['funding_type=bank_transfer&currency=usd', 400, 'parameter_missing', 'bank_transfer'],
  ['funding_type=bank_transfer&currency=usd&bank_transfer[requested_address_types][]=aba', 400, 'parameter_missing', 'bank_transfer[type]'],
  ['funding_type=card&currency=usd&bank_transfer[type]=us_bank_transfer', 400, null, 'funding_type'],
  ['funding_type=&currency=usd&bank_transfer[type]=us_bank_transfer', 400, 'parameter_invalid_empty', 'funding_type'],
  ['funding_type=bank_transfer&currency=xyz&bank_transfer[type]=us_bank_transfer', 400, null, 'currency'],
  ['funding_type=bank_transfer&currency=cad&bank_transfer[type]=us_bank_transfer', 400, null, 'currency'],
  ['funding_type=bank_transfer&currency=usd&bank_transfer[type]=ach', 400, null, 'bank_transfer[type]'],
  ['funding_type=bank_transfer&currency=usd&bank_transfer=us', 400, null, 'bank_transfer'],
  ['funding_type=bank_transfer&currency=eur&bank_transfer[type]=us_bank_transfer', 400, null, 'bank_transfer[type]'],
  ['funding_type=bank_transfer&currency=usd&bank_transfer[type]=eu_bank_transfer&bank_transfer[eu_bank_transfer][country]=DE', 400, null, 'bank_transfer[type]'],
  ['funding_type=bank_transfer&currency=eur&bank_transfer[type]=eu_bank_transfer&bank_transfer[eu_bank_transfer][country]=US', 400, null, 'bank_transfer[eu_bank_transfer][country]'],
  ['funding_type=bank_transfer&currency=eur&bank_transfer[type]=eu_bank_transfer&bank_transfer[eu_bank_transfer][country]=de', 400, null, 'bank_transfer[eu_bank_transfer][country]'],
  ['funding_type=bank_transfer&currency=eur&bank_transfer[type]=eu_bank_transfer&bank_transfer[eu_bank_transfer][foo]=1', 400, 'parameter_unknown', 'bank_transfer[eu_bank_transfer][foo]'],
  ['funding_type=bank_transfer&currency=eur&bank_transfer[type]=eu_bank_transfer&bank_transfer[eu_bank_transfer]=DE', 400, null, 'bank_transfer[eu_bank_transfer]'],
  [`${FI}&bank_transfer[eu_bank_transfer][country]=DE`, 400, null, 'bank_transfer[eu_bank_transfer]'],
  ['funding_type=bank_transfer&currency=eur&bank_transfer[type]=eu_bank_transfer', 400, 'parameter_missing', 'bank_transfer[eu_bank_transfer]'],
  ['funding_type=bank_transfer&currency=eur&bank_transfer[type]=eu_bank_transfer&bank_transfer[eu_bank_transfer][foo]=', 400, 'parameter_unknown', 'bank_transfer[eu_bank_transfer][foo]'],
  ['funding_type=bank_transfer&currency=eur&bank_transfer[type]=eu_bank_transfer&bank_transfer[eu_bank_transfer][country]=', 400, 'parameter_invalid_empty', 'bank_transfer[eu_bank_transfer][country]'],
  [`${FI}&bank_transfer[foo]=1`, 400, 'parameter_unknown', 'bank_transfer[foo]'],
  [`${FI}&bank_transfer[requested_address_types][]=bogus`, 400, null, 'bank_transfer[requested_address_types][0]'],
  [`${FI}&bank_transfer[requested_address_types][]=iban`, 400, null, 'bank_transfer[requested_address_types]'],
  [`${FI}&bank_transfer[requested_address_types]=aba`, 400, null, 'bank_transfer[requested_address_types]'],
  [`${FI}&bogus=1`, 400, 'parameter_unknown', 'bogus'],
  [`${FI}&expand[]=nonsense`, 400, null, 'expand'],
];

const ENDPOINTS: Endpoint[] = [
  { name: 'POST /v1/customers', method: 'POST', path: () => '/v1/customers', rows: [...CUSTOMER_FIELDS, ['test_clock=clock_nope', 404, 'resource_missing', 'test_clock'], ['test_clock=', 400, 'parameter_invalid_empty', 'test_clock']] },
  {
    name: 'POST /v1/customers/:id',
    method: 'POST',
    path: (ids) => `/v1/customers/${ids.customer}`,
    rows: [...CUSTOMER_FIELDS, ['test_clock=clock_x', 400, 'parameter_unknown', 'test_clock']],
  },
  { name: 'POST /v1/customers/:unknown', method: 'POST', path: () => '/v1/customers/cus_unknown', rows: [['name=x', 404, 'resource_missing', 'customer']] },
  {
    name: 'GET /v1/customers',
    method: 'GET',
    path: () => '/v1/customers',
    rows: [
      ...LIST_PARAMS,
      ['starting_after=cus_nope', 404, 'resource_missing', 'starting_after'],
      ['ending_before=cus_nope', 404, 'resource_missing', 'ending_before'],
      [`email=${long(513)}`, 400, null, 'email'],
      ['created=abc', 400, 'parameter_invalid_integer', 'created'],
      ['created=-1', 400, 'parameter_invalid_integer', 'created'],
      ['created[foo]=1', 400, 'parameter_unknown', 'created[foo]'],
      ['created[gt]=x', 400, 'parameter_invalid_integer', 'created[gt]'],
      ['created[gt][x]=1', 400, 'parameter_invalid_integer', 'created[gt]'],
    ],
  },
  {
    name: 'GET /v1/customers/:id',
    method: 'GET',
    path: (ids) => `/v1/customers/${ids.customer}`,
    rows: [['bogus=1', 400, 'parameter_unknown', 'bogus'], ['expand[]=nonsense', 400, null, 'expand'], ['expand[]=cash_balance.nonsense', 400, null, 'expand']],
  },
  { name: 'GET /v1/customers/:unknown', method: 'GET', path: () => '/v1/customers/cus_unknown', rows: [['', 404, 'resource_missing', 'customer']] },
  {
    name: 'DELETE /v1/customers/:id',
    method: 'DELETE',
    path: (ids) => `/v1/customers/${ids.customer}`,
    rows: [['bogus=1', 400, 'parameter_unknown', 'bogus'], ['', 400, null, 'customer']],
  },
  { name: 'DELETE /v1/customers/:unknown', method: 'DELETE', path: () => '/v1/customers/cus_unknown', rows: [['', 404, 'resource_missing', 'customer']] },
  {
    name: 'GET cash_balance',
    method: 'GET',
    path: (ids) => `/v1/customers/${ids.customer}/cash_balance`,
    rows: [['bogus=1', 400, 'parameter_unknown', 'bogus'], ['expand[]=customer', 400, null, 'expand'], ['settings[reconciliation_mode]=manual', 400, 'parameter_unknown', 'settings']],
  },
  { name: 'GET cash_balance of unknown', method: 'GET', path: () => '/v1/customers/cus_unknown/cash_balance', rows: [['', 404, 'resource_missing', 'customer']] },
  {
    name: 'POST cash_balance',
    method: 'POST',
    path: (ids) => `/v1/customers/${ids.customer}/cash_balance`,
    rows: [
      ['settings[reconciliation_mode]=sometimes', 400, null, 'settings[reconciliation_mode]'],
      ['settings[reconciliation_mode]=AUTOMATIC', 400, null, 'settings[reconciliation_mode]'],
      ['settings[reconciliation_mode]=', 400, 'parameter_invalid_empty', 'settings[reconciliation_mode]'],
      ['settings[reconciliation_mode][]=manual', 400, null, 'settings[reconciliation_mode]'],
      ['settings[foo]=x', 400, 'parameter_unknown', 'settings[foo]'],
      ['settings[reconciliation_mode]=automatic&settings[foo]=x', 400, 'parameter_unknown', 'settings[foo]'],
      ['settings=manual', 400, null, 'settings'],
      ['reconciliation_mode=automatic', 400, 'parameter_unknown', 'reconciliation_mode'],
      ['available[usd]=5', 400, 'parameter_unknown', 'available'],
      ['bogus=1', 400, 'parameter_unknown', 'bogus'],
      ['settings[reconciliation_mode]=automatic&expand[]=nonsense', 400, null, 'expand'],
    ],
  },
  { name: 'POST cash_balance of unknown', method: 'POST', path: () => '/v1/customers/cus_unknown/cash_balance', rows: [['settings[reconciliation_mode]=automatic', 404, 'resource_missing', 'customer']] },
  {
    name: 'GET cash_balance_transactions',
    method: 'GET',
    path: (ids) => `/v1/customers/${ids.customer}/cash_balance_transactions`,
    rows: [
      ...LIST_PARAMS,
      ['starting_after=ccsbtxn_nope', 404, 'resource_missing', 'starting_after'],
      ['ending_before=ccsbtxn_nope', 404, 'resource_missing', 'ending_before'],
      ['currency=usd', 400, 'parameter_unknown', 'currency'],
    ],
  },
  {
    name: "GET cash_balance_transactions with another customer's cursor",
    method: 'GET',
    path: (ids) => `/v1/customers/${ids.customer}/cash_balance_transactions`,
    rows: (ids) => [
      [`starting_after=${ids.otherTxn}`, 404, 'resource_missing', 'starting_after'],
      [`ending_before=${ids.otherTxn}`, 404, 'resource_missing', 'ending_before'],
    ],
  },
  { name: 'GET cash_balance_transactions of unknown', method: 'GET', path: () => '/v1/customers/cus_unknown/cash_balance_transactions', rows: [['', 404, 'resource_missing', 'customer']] },
  {
    name: 'GET cash_balance_transactions/:id',
    method: 'GET',
    path: (ids) => `/v1/customers/${ids.customer}/cash_balance_transactions/${ids.txn}`,
    rows: [['bogus=1', 400, 'parameter_unknown', 'bogus'], ['expand[]=nonsense', 400, null, 'expand'], ['expand[]=funded.bank_transfer', 400, null, 'expand']],
  },
  { name: "GET another customer's transaction", method: 'GET', path: (ids) => `/v1/customers/${ids.customer}/cash_balance_transactions/${ids.otherTxn}`, rows: [['', 404, 'resource_missing', 'transaction']] },
  { name: 'GET unknown transaction', method: 'GET', path: (ids) => `/v1/customers/${ids.customer}/cash_balance_transactions/ccsbtxn_nope`, rows: [['', 404, 'resource_missing', 'transaction']] },
  { name: 'POST fund_cash_balance', method: 'POST', path: (ids) => `/v1/test_helpers/customers/${ids.customer}/fund_cash_balance`, rows: FUND_ROWS },
  { name: 'POST fund_cash_balance of unknown', method: 'POST', path: () => '/v1/test_helpers/customers/cus_unknown/fund_cash_balance', rows: [['amount=5&currency=usd', 404, 'resource_missing', 'customer']] },
  { name: 'POST funding_instructions', method: 'POST', path: (ids) => `/v1/customers/${ids.customer}/funding_instructions`, rows: FUNDING_ROWS },
  { name: 'POST funding_instructions of unknown', method: 'POST', path: () => '/v1/customers/cus_unknown/funding_instructions', rows: [[FI, 404, 'resource_missing', 'customer']] },
];

/** Everything a bad request could have touched, as JSON to compare byte for byte. */
async function snapshot(server: TestServer, ids: Ids): Promise<string> {
  const { stripe } = server;
  const customers: unknown[] = [];
  for await (const customer of stripe.customers.list({ limit: 100, expand: ['data.cash_balance'] })) customers.push(customer);
  const ledgers: unknown[] = [];
  for (const id of [ids.customer, ids.other]) {
    for await (const entry of stripe.customers.listCashBalanceTransactions(id, { limit: 100 })) ledgers.push(entry);
  }
  const events = await stripe.events.list({ limit: 3 });
  return JSON.stringify({ customers, ledgers, events: events.data.map((e) => e.id) });
}

describeEachStore('bad input', (server) => {
  let ids: Ids;
  before(async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ name: 'Bad Input Ltd', email: 'bad@example.com', metadata: { keep: 'me' } });
    await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'manual' } });
    const txn = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 1000, currency: 'usd', reference: 'setup' });
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 500, currency: 'eur' });
    const other = await stripe.customers.create();
    const otherTxn = await stripe.testHelpers.customers.fundCashBalance(other.id, { amount: 7, currency: 'usd' });
    ids = { customer: customer.id, other: other.id, txn: txn.id, otherTxn: otherTxn.id };
  });

  for (const endpoint of ENDPOINTS) {
    it(`${endpoint.name}: every bad row is refused with its error and changes nothing`, async () => {
      const s = server();
      const before = await snapshot(s, ids);
      const failures: string[] = [];
      const rows = typeof endpoint.rows === 'function' ? endpoint.rows(ids) : endpoint.rows;
      assert.ok(rows.length > 0);
      for (const [input, status, code, param] of rows) {
        const path = endpoint.path(ids);
        const response = endpoint.method === 'POST'
          ? await s.request('POST', path, { form: input })
          : await s.request(endpoint.method, input ? `${path}?${input}` : path);
        const error = response.body?.error ?? {};
        const got = `${response.status} ${error.code ?? null} ${error.param}`;
        const want = `${status} ${code} ${param}`;
        if (got !== want) failures.push(`${endpoint.method} ${input.slice(0, 80)}: got ${got} (${error.message}), want ${want}`);
        else {
          assert.equal(error.type, 'invalid_request_error');
          assert.equal(typeof error.message, 'string');
          assert.ok(error.message.length > 0);
        }
        if ((await snapshot(s, ids)) !== before) failures.push(`${endpoint.method} ${input.slice(0, 80)}: changed the customers, balances, ledgers or events`);
      }
      assert.deepEqual(failures, []);
      await assertCashLedger(s.stripe, ids.customer);
    });
  }

  it('property: random forms on every foundation endpoint get a Stripe 4xx or a 200, never a 5xx', async () => {
    const s = server();
    const keyPart = fc.oneof(
      fc.constantFrom('amount', 'currency', 'reference', 'metadata', 'name', 'email', 'settings', 'reconciliation_mode', 'bank_transfer', 'type', 'eu_bank_transfer', 'country', 'requested_address_types', 'expand', 'limit', 'starting_after', 'balance', 'cash_balance', 'address', '', '0', '__proto__', 'constructor', 'prototype', 'toString'),
      fc.string({ maxLength: 6 }),
    );
    const key = fc.array(keyPart, { minLength: 1, maxLength: 5 }).map(([head, ...rest]) => encodeURIComponent(head) + rest.map((p) => `[${encodeURIComponent(p)}]`).join(''));
    const value = fc.oneof(
      fc.constantFrom('', '0', '-1', '1', '1.5', HUGE, 'usd', 'eur', 'manual', 'us_bank_transfer', 'eu_bank_transfer', 'DE', 'true', '%', '%ZZ', 'data.customer'),
      fc.string({ maxLength: 10 }).map(encodeURIComponent),
    );
    const form = fc.array(fc.tuple(key, value), { maxLength: 8 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('&'));
    const posts = [`/v1/customers/${ids.customer}`, '/v1/customers', `/v1/customers/${ids.customer}/cash_balance`, `/v1/test_helpers/customers/${ids.customer}/fund_cash_balance`, `/v1/customers/${ids.customer}/funding_instructions`];
    const gets = ['/v1/customers', `/v1/customers/${ids.customer}`, `/v1/customers/${ids.customer}/cash_balance`, `/v1/customers/${ids.customer}/cash_balance_transactions`, `/v1/customers/${ids.customer}/cash_balance_transactions/${ids.txn}`];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...posts), fc.constantFrom(...gets), form, async (post, get, input) => {
        for (const response of [await s.request('POST', post, { form: input }), await s.request('GET', `${get}?${input}`)]) {
          assert.ok(response.status === 200 || (response.status >= 400 && response.status < 500), `${response.status} for ${input}`);
          if (response.status !== 200) assert.equal(typeof response.body.error.message, 'string');
        }
      }),
      { numRuns: 150 },
    );
    await assertCashLedger(s.stripe, ids.customer);
  });

  it('still accepts the good versions of the same requests', async () => {
    const { stripe } = server();
    const fresh = await stripe.customers.create({ balance: -500, next_invoice_sequence: 3, tax_exempt: 'none', address: { country: 'US' }, preferred_locales: ['en'] });
    assert.equal(fresh.balance, -500);
    const txn = await stripe.testHelpers.customers.fundCashBalance(fresh.id, { amount: 99_999_999, currency: 'USD', reference: long(140) });
    assert.equal(txn.currency, 'usd');
    const list = await stripe.customers.listCashBalanceTransactions(fresh.id, { limit: 100 });
    assert.equal(list.data.length, 1);
    await assertCashLedger(stripe, fresh.id);
  });
});
