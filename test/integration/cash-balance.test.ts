// The cash balance through the official SDK: retrieve, settings, the fund test helper for every
// currency, the transaction list (order, cursors, expansion, auto-pagination) and retrieval.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { assertCashLedger } from '../support/invariants.ts';
import { createAccount } from '../../src/resources/accounts/service.ts';
import { sdk } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';

const SENDERS: Record<string, { type: string; sender: Record<string, unknown> | undefined }> = {
  usd: { type: 'us_bank_transfer', sender: { network: 'ach', sender_name: 'Sample Business Inc.' } },
  eur: { type: 'eu_bank_transfer', sender: { bic: 'BANKDEAAXXX', iban_last4: '7089', sender_name: 'Sample Business GmbH' } },
  gbp: { type: 'gb_bank_transfer', sender: { account_number_last4: '5678', sender_name: 'Sample Business Ltd', sort_code: '108800' } },
  jpy: { type: 'jp_bank_transfer', sender: { sender_bank: 'Sample Bank', sender_branch: 'Main Branch', sender_name: 'SAMPLE KK' } },
  mxn: { type: 'mx_bank_transfer', sender: undefined },
};

async function rejectsWith(promise: Promise<unknown>, expected: { status: number; code?: string; param?: string }): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, expected.status, error.message);
    if (expected.code !== undefined) assert.equal(error.code, expected.code);
    if (expected.param !== undefined) assert.equal(error.param, expected.param);
    return true;
  });
}

describeEachStore('cash balance', (server) => {
  it('has no available money before any transfer, and follows the merchant default', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const balance = await stripe.customers.retrieveCashBalance(customer.id);
    assert.deepEqual(
      { object: balance.object, available: balance.available, customer: balance.customer, livemode: balance.livemode, settings: balance.settings },
      { object: 'cash_balance', available: null, customer: customer.id, livemode: false, settings: { reconciliation_mode: 'automatic', using_merchant_default: true } },
    );
    await rejectsWith(stripe.customers.retrieveCashBalance('cus_doesnotexist'), { status: 404, code: 'resource_missing', param: 'customer' });
  });

  it('updates the reconciliation mode: manual, automatic, back to the merchant default', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const manual = await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'manual' } });
    assert.deepEqual(manual.settings, { reconciliation_mode: 'manual', using_merchant_default: false });
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).settings, manual.settings);

    const automatic = await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'automatic' } });
    assert.deepEqual(automatic.settings, { reconciliation_mode: 'automatic', using_merchant_default: false });

    const unchanged = await stripe.customers.updateCashBalance(customer.id, {});
    assert.deepEqual(unchanged.settings, { reconciliation_mode: 'automatic', using_merchant_default: false });

    const fallback = await stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'merchant_default' } });
    assert.deepEqual(fallback.settings, { reconciliation_mode: 'automatic', using_merchant_default: true });

    // The customer update endpoint sets the same setting.
    await stripe.customers.update(customer.id, { cash_balance: { settings: { reconciliation_mode: 'manual' } } });
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).settings, { reconciliation_mode: 'manual', using_merchant_default: false });
    const expanded = await stripe.customers.retrieve(customer.id, { expand: ['cash_balance'] }) as Stripe.Customer;
    assert.equal(expanded.cash_balance?.settings.reconciliation_mode, 'manual');
  });

  for (const currency of Object.keys(SENDERS)) {
    it(`funds a ${currency} cash balance with the ${SENDERS[currency].type} sender details`, async () => {
      const { stripe } = server();
      const customer = await stripe.customers.create();
      const amounts = [1000, 1, 99_999_999];
      let expectedBalance = 0;
      for (const [index, amount] of amounts.entries()) {
        const reference = index === 1 ? undefined : `REF-${currency}-${index}`;
        const txn = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount, currency, ...(reference ? { reference } : {}) });
        expectedBalance += amount;
        assert.match(txn.id, /^ccsbtxn_/);
        assert.equal(txn.object, 'customer_cash_balance_transaction');
        assert.equal(txn.type, 'funded');
        assert.equal(txn.currency, currency);
        assert.equal(txn.customer, customer.id);
        assert.equal(txn.net_amount, amount);
        assert.equal(txn.ending_balance, expectedBalance);
        assert.equal(txn.livemode, false);
        assert.ok(Number.isInteger(txn.created));
        const bankTransfer = txn.funded!.bank_transfer as unknown as Record<string, unknown>;
        assert.equal(bankTransfer.type, SENDERS[currency].type);
        assert.equal(bankTransfer.reference, reference ?? null);
        assert.deepEqual(bankTransfer[SENDERS[currency].type], SENDERS[currency].sender);
        for (const other of Object.values(SENDERS)) {
          if (other.type !== SENDERS[currency].type) assert.equal(other.type in bankTransfer, false, `only the ${SENDERS[currency].type} hash is present`);
        }
        for (const child of ['applied_to_payment', 'unapplied_from_payment', 'refunded_from_payment', 'transferred_to_balance', 'adjusted_for_overdraft']) {
          assert.equal(child in txn, false, `${child} is absent on a funded transaction`);
        }
        assert.deepEqual(stripJson(await stripe.customers.retrieveCashBalanceTransaction(customer.id, txn.id)), stripJson(txn));
      }
      const balance = await stripe.customers.retrieveCashBalance(customer.id);
      assert.deepEqual(balance.available, { [currency]: expectedBalance });
      await assertCashLedger(stripe, customer.id);
    });
  }

  it('keeps one balance per currency and lists transactions newest first across currencies', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const funded: Stripe.CustomerCashBalanceTransaction[] = [];
    const plan: [number, string][] = [[500, 'usd'], [700, 'eur'], [300, 'usd'], [40_000, 'jpy'], [25, 'gbp'], [10_000, 'mxn'], [1, 'eur']];
    for (const [amount, currency] of plan) funded.push(await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount, currency }));
    assert.deepEqual(funded.map((t) => t.ending_balance), [500, 700, 800, 40_000, 25, 10_000, 701]);

    const list = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 100 });
    assert.equal(list.object, 'list');
    assert.equal(list.url, `/v1/customers/${customer.id}/cash_balance_transactions`);
    assert.equal(list.has_more, false);
    assert.deepEqual(list.data.map((t) => t.id), funded.map((t) => t.id).reverse());

    const defaultPage = await stripe.customers.listCashBalanceTransactions(customer.id);
    assert.equal(defaultPage.data.length, 7);
    const small = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 3 });
    assert.equal(small.has_more, true);
    assert.deepEqual(small.data.map((t) => t.id), funded.slice(4).map((t) => t.id).reverse());
    const next = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 3, starting_after: small.data[2].id });
    assert.deepEqual(next.data.map((t) => t.id), funded.slice(1, 4).map((t) => t.id).reverse());
    const back = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 2, ending_before: next.data[0].id });
    assert.deepEqual(back.data.map((t) => t.id), small.data.slice(1).map((t) => t.id));

    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { usd: 800, eur: 701, jpy: 40_000, gbp: 25, mxn: 10_000 });

    // Another customer's list is empty; it never sees these entries.
    const other = await stripe.customers.create();
    assert.deepEqual((await stripe.customers.listCashBalanceTransactions(other.id)).data, []);
    await assertCashLedger(stripe, customer.id);
    await assertCashLedger(stripe, other.id);
  });

  it("answers 404 for another customer's transaction and for unknown ids", async () => {
    const { stripe } = server();
    const alice = await stripe.customers.create();
    const bob = await stripe.customers.create();
    const txn = await stripe.testHelpers.customers.fundCashBalance(alice.id, { amount: 1234, currency: 'usd' });
    await rejectsWith(stripe.customers.retrieveCashBalanceTransaction(bob.id, txn.id), { status: 404, code: 'resource_missing', param: 'transaction' });
    await rejectsWith(stripe.customers.retrieveCashBalanceTransaction(alice.id, 'ccsbtxn_nope'), { status: 404, code: 'resource_missing', param: 'transaction' });
    await rejectsWith(stripe.customers.retrieveCashBalanceTransaction('cus_nope', txn.id), { status: 404, code: 'resource_missing', param: 'customer' });
    await rejectsWith(stripe.customers.listCashBalanceTransactions('cus_nope'), { status: 404, code: 'resource_missing', param: 'customer' });
    // A cursor from another customer's ledger is not a cursor of this list.
    await rejectsWith(stripe.customers.listCashBalanceTransactions(bob.id, { starting_after: txn.id }), { status: 404, code: 'resource_missing', param: 'starting_after' });
    const retrieved = await stripe.customers.retrieveCashBalanceTransaction(alice.id, txn.id);
    assert.equal(retrieved.net_amount, 1234);
    await assertCashLedger(stripe, alice.id);
    await assertCashLedger(stripe, bob.id);
  });

  it('expands the customer on one transaction and on every list item', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'expand@example.com' });
    const txn = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 50, currency: 'eur', expand: ['customer'] });
    assert.equal((txn.customer as Stripe.Customer).email, 'expand@example.com');
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 60, currency: 'usd' });

    const one = await stripe.customers.retrieveCashBalanceTransaction(customer.id, txn.id, { expand: ['customer'] });
    assert.equal((one.customer as Stripe.Customer).id, customer.id);
    assert.equal((one.customer as Stripe.Customer).object, 'customer');

    const list = await stripe.customers.listCashBalanceTransactions(customer.id, { expand: ['data.customer'] });
    assert.equal(list.data.length, 2);
    for (const item of list.data) assert.equal((item.customer as Stripe.Customer).email, 'expand@example.com');

    // Through the raw wire, with the curl-style encoding.
    const raw = await server().request('GET', `/v1/customers/${customer.id}/cash_balance_transactions?expand[]=data.customer`);
    assert.equal(raw.status, 200);
    assert.equal(raw.body.data[0].customer.id, customer.id);
    // Without data., the path does not name a list item field.
    const wrong = await server().request('GET', `/v1/customers/${customer.id}/cash_balance_transactions?expand[]=customer`);
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.param, 'expand');
    await assertCashLedger(stripe, customer.id);
  });

  it('auto-paginates over more than 100 entries, visiting each exactly once', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const ids: string[] = [];
    let total = 0;
    for (let i = 1; i <= 105; i++) {
      const currency = i % 3 === 0 ? 'eur' : 'usd';
      ids.push((await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: i, currency })).id);
      total += i;
    }
    const seen: string[] = [];
    for await (const entry of stripe.customers.listCashBalanceTransactions(customer.id, { limit: 100 })) seen.push(entry.id);
    assert.equal(seen.length, 105);
    assert.equal(new Set(seen).size, 105);
    assert.deepEqual(seen, [...ids].reverse());
    const small: string[] = [];
    for await (const entry of stripe.customers.listCashBalanceTransactions(customer.id, { limit: 7 })) small.push(entry.id);
    assert.deepEqual(small, seen);
    const balance = await stripe.customers.retrieveCashBalance(customer.id);
    assert.equal(balance.available!.usd + balance.available!.eur, total);
    await assertCashLedger(stripe, customer.id);
  });

  it('keeps the ending_balance chain exact under concurrent transfers', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const amounts = Array.from({ length: 20 }, (_, i) => (i + 1) * 111);
    const results = await Promise.all(amounts.map((amount, i) => stripe.testHelpers.customers.fundCashBalance(customer.id, { amount, currency: i % 2 ? 'usd' : 'gbp' })));
    const byCurrency = (currency: string) => results.filter((r) => r.currency === currency).map((r) => r.ending_balance).sort((a, b) => a - b);
    const sum = (currency: string) => amounts.filter((_, i) => (i % 2 ? 'usd' : 'gbp') === currency).reduce((a, b) => a + b, 0);
    for (const currency of ['usd', 'gbp']) {
      const endings = byCurrency(currency);
      assert.equal(new Set(endings).size, 10, 'no two transfers saw the same starting balance');
      assert.equal(endings[endings.length - 1], sum(currency));
    }
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { gbp: sum('gbp'), usd: sum('usd') });
    await assertCashLedger(stripe, customer.id);
  });

  it('refuses the fund test helper with a live key, and changes nothing', async () => {
    const { stripe, store, url } = server();
    const { key } = await createAccount(store, { livemode: true, now: Math.floor(Date.now() / 1000) });
    const live = sdk(url, key);
    const customer = await live.customers.create();
    assert.equal(customer.livemode, true);
    await rejectsWith(live.testHelpers.customers.fundCashBalance(customer.id, { amount: 5, currency: 'usd' }), { status: 400 });
    const balance = await live.customers.retrieveCashBalance(customer.id);
    assert.equal(balance.livemode, true);
    assert.equal(balance.available, null);
    assert.deepEqual((await live.customers.listCashBalanceTransactions(customer.id)).data, []);
    // Objects never cross accounts or modes.
    await rejectsWith(stripe.customers.retrieveCashBalance(customer.id), { status: 404, code: 'resource_missing' });
  });

  it('treats a deleted customer as gone on every cash balance endpoint', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    await stripe.customers.del(customer.id);
    const gone = { status: 404, code: 'resource_missing', param: 'customer' };
    await rejectsWith(stripe.customers.retrieveCashBalance(customer.id), gone);
    await rejectsWith(stripe.customers.updateCashBalance(customer.id, { settings: { reconciliation_mode: 'manual' } }), gone);
    await rejectsWith(stripe.customers.listCashBalanceTransactions(customer.id), gone);
    await rejectsWith(stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 5, currency: 'usd' }), gone);
    await rejectsWith(
      stripe.customers.createFundingInstructions(customer.id, { funding_type: 'bank_transfer', currency: 'usd', bank_transfer: { type: 'us_bank_transfer' } }),
      gone,
    );
  });

  it('echoes the reference exactly, whatever its characters', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    for (const reference of ['Façade & co=1 ✓ +%20', '  spaced  ', 'x'.repeat(140), '日本語の参照']) {
      const txn = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 1, currency: 'jpy', reference });
      assert.equal(txn.funded!.bank_transfer.reference, reference);
      const again = await stripe.customers.retrieveCashBalanceTransaction(customer.id, txn.id);
      assert.equal(again.funded!.bank_transfer.reference, reference);
    }
    await assertCashLedger(stripe, customer.id);
  });

  it('keeps exact integers at the amount bound and sums past it', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    for (let i = 0; i < 3; i++) await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 99_999_999, currency: 'jpy' });
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { jpy: 299_999_997 });
    await rejectsWith(stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 100_000_000, currency: 'jpy' }), { status: 400, code: 'amount_too_large', param: 'amount' });
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { jpy: 299_999_997 });
    await assertCashLedger(stripe, customer.id);
  });
});

/** The SDK adds `lastResponse`; compare only the JSON fields. */
function stripJson<T>(object: T): T {
  return JSON.parse(JSON.stringify(object)) as T;
}
