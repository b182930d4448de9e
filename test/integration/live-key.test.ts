// CASHBOOK_API_KEY=sk_live_… is a live key of the default account's live mode: it never
// sees test objects or spends test-helper money, on a fresh database or an existing one.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { DEFAULT_ACCOUNT_ID, ensureDefaultAccount, insertApiKey } from '../../src/resources/accounts/service.ts';
import { sdk } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';

const now = () => Math.floor(Date.now() / 1000);

describeEachStore('a live CASHBOOK_API_KEY', (server) => {
  it('acts in live mode on its own objects, apart from the test account\'s', async () => {
    const { stripe: test, store, url } = server();
    const testCustomer = await test.customers.create({ email: 'test-side@example.com' });
    const liveKey = `sk_live_${'L'.repeat(24)}${Date.now()}`;
    await ensureDefaultAccount(store, now(), liveKey); // what `CASHBOOK_API_KEY=sk_live_… cashbook serve` does on start
    await ensureDefaultAccount(store, now(), liveKey); // and again on the next start: nothing changes
    const live = sdk(url, liveKey);
    const liveCustomer = await live.customers.create({ email: 'live-side@example.com' });
    assert.equal(liveCustomer.livemode, true);
    const liveIds = (await live.customers.list({ limit: 100 })).data.map((c) => c.id);
    assert.deepEqual(liveIds, [liveCustomer.id], 'the live key sees live customers only');
    await assert.rejects(live.customers.retrieve(testCustomer.id), (error: Stripe.errors.StripeError) => error.statusCode === 404);
    await assert.rejects(
      live.testHelpers.customers.fundCashBalance(liveCustomer.id, { amount: 100, currency: 'eur' }),
      (error: Stripe.errors.StripeError) => error.statusCode === 400 && /test mode/.test(error.message),
    );
    const testIds = (await test.customers.list({ limit: 100 })).data.map((c) => c.id);
    assert.ok(testIds.includes(testCustomer.id) && !testIds.includes(liveCustomer.id), 'the test key sees test customers only');
  });

  it('a live key an earlier version attached to the test account is moved to live mode on start', async () => {
    const { stripe: test, store, url } = server();
    const testCustomer = await test.customers.create({ email: 'before-move@example.com' });
    const liveKey = `sk_live_${'M'.repeat(24)}${Date.now()}`;
    await store.write((tx) => insertApiKey(tx, DEFAULT_ACCOUNT_ID, liveKey, true, now()));
    const result = await ensureDefaultAccount(store, now(), liveKey);
    assert.equal(result.moved, true);
    const live = sdk(url, liveKey);
    const ids = (await live.customers.list({ limit: 100 })).data.map((c) => c.id);
    assert.ok(!ids.includes(testCustomer.id), 'after the move the live key no longer sees test customers');
    assert.equal((await test.customers.retrieve(testCustomer.id)).id, testCustomer.id, 'the test key still does');
  });
});
