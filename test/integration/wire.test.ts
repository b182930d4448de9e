// Stripe's wire conventions on the foundation endpoints: idempotency, Request-Id and
// Stripe-Version headers, expansion limits, list cursors and limits, metadata limits, and
// malformed bodies (always a Stripe-shaped 4xx, never a 500).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { assertCashLedger } from '../support/invariants.ts';
import { describeEachStore } from '../support/suite.ts';

async function rejectsWith(promise: Promise<unknown>, expected: { status: number; type?: string; code?: string; param?: string }): Promise<void> {
  await assert.rejects(promise, (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, expected.status, error.message);
    if (expected.type !== undefined) assert.equal(error.type === 'StripeIdempotencyError' ? 'idempotency_error' : error.rawType, expected.type);
    if (expected.code !== undefined) assert.equal(error.code, expected.code, error.message);
    if (expected.param !== undefined) assert.equal(error.param, expected.param, error.message);
    return true;
  });
}

function assertStripeError(response: { status: number; body: any; headers: Headers }, status: number, param?: string): void {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.equal(typeof response.body.error?.message, 'string');
  assert.ok(['invalid_request_error', 'idempotency_error'].includes(response.body.error.type), response.body.error.type);
  if (param !== undefined) assert.equal(response.body.error.param, param);
  assert.match(response.headers.get('request-id') ?? '', /^req_\w+$/);
}

describeEachStore('wire conventions', (server) => {
  it('replays a request with the same key and parameters without a second effect', async () => {
    const { request, stripe } = server();
    const customer = await stripe.customers.create();
    const path = `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`;
    const first = await request('POST', path, { form: 'amount=1500&currency=usd&reference=abc', headers: { 'idempotency-key': 'fund-1' } });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(first.headers.get('idempotency-key'), 'fund-1');
    const second = await request('POST', path, { form: 'reference=abc&currency=usd&amount=1500', headers: { 'idempotency-key': 'fund-1' } });
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(second.headers.get('original-request'), first.headers.get('request-id'));
    assert.notEqual(second.headers.get('request-id'), first.headers.get('request-id'));
    assert.deepEqual(second.body, first.body);

    // The SDK sees the replay as the same object.
    const viaSdk = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 1500, currency: 'usd', reference: 'abc' }, { idempotencyKey: 'fund-1' });
    assert.equal(viaSdk.id, first.body.id);
    assert.equal(viaSdk.lastResponse.headers['idempotent-replayed'], 'true');

    // The same request as JSON, or to the path written percent-encoded, is the same request.
    const asJson = await request('POST', path, { json: { amount: 1500, currency: 'usd', reference: 'abc' }, headers: { 'idempotency-key': 'fund-1' } });
    assert.deepEqual([asJson.status, asJson.headers.get('idempotent-replayed'), asJson.body.id], [200, 'true', first.body.id]);
    const encoded = await request('POST', path.replace('cus_', 'cus%5F'), { form: 'amount=1500&currency=usd&reference=abc', headers: { 'idempotency-key': 'fund-1' } });
    assert.deepEqual([encoded.status, encoded.headers.get('idempotent-replayed'), encoded.body.id], [200, 'true', first.body.id]);

    const entries = await stripe.customers.listCashBalanceTransactions(customer.id);
    assert.deepEqual(entries.data.map((t) => t.id), [first.body.id]);
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { usd: 1500 });

    // A create is replayed too: one customer, not two.
    const created = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: 'create-1' });
    const again = await stripe.customers.create({ email: 'idem@example.com' }, { idempotencyKey: 'create-1' });
    assert.equal(again.id, created.id);
    assert.equal((await stripe.customers.list({ email: 'idem@example.com' })).data.length, 1);
    await assertCashLedger(stripe, customer.id);
  });

  it('refuses a reused key with other parameters, on another endpoint, or longer than 255', async () => {
    const { stripe, request } = server();
    const customer = await stripe.customers.create();
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 100, currency: 'usd' }, { idempotencyKey: 'k-1' });
    await rejectsWith(stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 101, currency: 'usd' }, { idempotencyKey: 'k-1' }), { status: 400, type: 'idempotency_error' });
    await rejectsWith(stripe.customers.update(customer.id, { name: 'x' }, { idempotencyKey: 'k-1' }), { status: 400, type: 'idempotency_error' });
    await rejectsWith(stripe.customers.create({}, { idempotencyKey: 'k-1' }), { status: 400, type: 'idempotency_error' });
    const other = await stripe.customers.create();
    await rejectsWith(stripe.testHelpers.customers.fundCashBalance(other.id, { amount: 100, currency: 'usd' }, { idempotencyKey: 'k-1' }), { status: 400, type: 'idempotency_error' });

    const long = 'k'.repeat(256);
    const tooLong = await request('POST', `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { form: 'amount=5&currency=usd', headers: { 'idempotency-key': long } });
    assertStripeError(tooLong, 400);
    const justRight = await request('POST', `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { form: 'amount=5&currency=usd', headers: { 'idempotency-key': 'k'.repeat(255) } });
    assert.equal(justRight.status, 200);

    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { usd: 105 });
    assert.equal((await stripe.customers.retrieveCashBalance(other.id)).available, null);
    assert.equal(((await stripe.customers.retrieve(customer.id)) as Stripe.Customer).name, null);
    await assertCashLedger(stripe, customer.id);
  });

  it('stores nothing for a request that failed validation: the key can be used again', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    await rejectsWith(stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: -5, currency: 'usd' }, { idempotencyKey: 'retry-1' }), { status: 400, param: 'amount' });
    await rejectsWith(stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 5, currency: 'usd', bogus: 1 } as never, { idempotencyKey: 'retry-1' }), { status: 400, code: 'parameter_unknown', param: 'bogus' });
    const ok = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 5, currency: 'usd' }, { idempotencyKey: 'retry-1' });
    assert.equal(ok.net_amount, 5);
    const replay = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 5, currency: 'usd' }, { idempotencyKey: 'retry-1' });
    assert.equal(replay.id, ok.id);
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { usd: 5 });
    await assertCashLedger(stripe, customer.id);
  });

  it('replays a handler error (the request ran) with the same status and body', async () => {
    const { request } = server();
    const path = '/v1/test_helpers/customers/cus_unknown/fund_cash_balance';
    const first = await request('POST', path, { form: 'amount=5&currency=usd', headers: { 'idempotency-key': 'err-1' } });
    assertStripeError(first, 404, 'customer');
    const second = await request('POST', path, { form: 'amount=5&currency=usd', headers: { 'idempotency-key': 'err-1' } });
    assertStripeError(second, 404, 'customer');
    assert.deepEqual(second.body, first.body);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
  });

  it('never books two entries for concurrent requests with one key', async () => {
    const { stripe, request } = server();
    const customer = await stripe.customers.create();
    for (let round = 0; round < 3; round++) {
      const key = `race-${round}`;
      const responses = await Promise.all(
        Array.from({ length: 12 }, () => request('POST', `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { form: 'amount=700&currency=eur', headers: { 'idempotency-key': key } })),
      );
      const ok = responses.filter((r) => r.status === 200);
      const conflicts = responses.filter((r) => r.status === 409);
      assert.equal(ok.length + conflicts.length, responses.length, JSON.stringify(responses.map((r) => r.status)));
      assert.ok(ok.length >= 1);
      assert.equal(new Set(ok.map((r) => r.body.id)).size, 1, 'every success is the same entry');
      for (const conflict of conflicts) {
        assert.equal(conflict.body.error.type, 'idempotency_error');
        assert.equal(conflict.headers.get('stripe-should-retry'), 'true');
      }
      // After the race, the key replays.
      const after = await request('POST', `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { form: 'amount=700&currency=eur', headers: { 'idempotency-key': key } });
      assert.equal(after.status, 200);
      assert.equal(after.body.id, ok[0].body.id);
      assert.equal(after.headers.get('idempotent-replayed'), 'true');
    }
    const entries = await stripe.customers.listCashBalanceTransactions(customer.id);
    assert.equal(entries.data.length, 3);
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { eur: 2100 });
    await assertCashLedger(stripe, customer.id);
  });

  it('sends Request-Id on every response, errors included, and echoes Stripe-Version', async () => {
    const { request, stripe } = server();
    const customer = await stripe.customers.create();
    assert.match(customer.lastResponse.requestId, /^req_/);
    const responses = [
      await request('GET', `/v1/customers/${customer.id}/cash_balance`),
      await request('GET', '/v1/customers/cus_missing/cash_balance'),
      await request('GET', '/v1/customers', { headers: { authorization: '' } }),
      await request('GET', '/v1/no_such_route'),
      await request('POST', '/v1/customers', { form: 'bogus=1' }),
      await request('POST', '/v1/customers', { form: 'a=1', headers: { 'content-type': 'text/plain' } }),
      await request('POST', `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { form: 'amount=1&currency=usd', headers: { 'idempotency-key': 'x'.repeat(300) } }),
    ];
    const ids = responses.map((r) => r.headers.get('request-id'));
    for (const [index, id] of ids.entries()) assert.match(id ?? '', /^req_\w+$/, `response ${index} (${responses[index].status})`);
    assert.equal(new Set(ids).size, ids.length, 'request ids are unique');
    assert.deepEqual(responses.map((r) => r.status), [200, 404, 401, 404, 400, 400, 400]);

    const pinned = await request('GET', `/v1/customers/${customer.id}`, { headers: { 'stripe-version': '2024-04-10' } });
    assert.equal(pinned.headers.get('stripe-version'), '2024-04-10');
    const pinnedError = await request('GET', '/v1/customers/cus_missing', { headers: { 'stripe-version': '2024-04-10' } });
    assert.equal(pinnedError.status, 404);
    assert.equal(pinnedError.headers.get('stripe-version'), '2024-04-10');
    // An unknown short key is masked after its prefix only.
    const shortKey = await request('GET', '/v1/customers', { headers: { authorization: 'Bearer sk_test_x' } });
    assert.equal(shortKey.body.error.message, 'Invalid API Key provided: sk_test_x');
    const longKey = await request('GET', '/v1/customers', { headers: { authorization: 'Bearer sk_test_abcdefgh1234' } });
    assert.equal(longKey.body.error.message, 'Invalid API Key provided: sk_test_********1234');
    const unpinned = await request('GET', `/v1/customers/${customer.id}`);
    assert.match(unpinned.headers.get('stripe-version') ?? '', /^\d{4}-\d{2}-\d{2}/);
    const sdkPinned = new Stripe(server().key, { host: '127.0.0.1', port: Number(new URL(server().url).port), protocol: 'http', telemetry: false, maxNetworkRetries: 0, apiVersion: '2025-03-31.basil' as never });
    const viaSdk = await sdkPinned.customers.retrieveCashBalance(customer.id);
    assert.equal(viaSdk.lastResponse.headers['stripe-version'], '2025-03-31.basil');
    for (const garbage of ['garbage', '2024-04-10.', '2024-4-10', '<script>']) {
      const refused = await request('GET', `/v1/customers/${customer.id}`, { headers: { 'stripe-version': garbage } });
      assert.deepEqual([refused.status, refused.body.error.param], [400, 'Stripe-Version'], garbage);
      assert.equal(refused.headers.get('stripe-version'), null, 'a version that is none is not echoed');
    }
    assert.equal((await request('GET', `/v1/customers/${customer.id}`, { headers: { 'stripe-version': '2025-11-17.clover; custom_checkout_beta=v1' } })).status, 200, 'beta flags as stripe-node sends them');
    const empty = await request('GET', `/v1/customers/${customer.id}`, { headers: { 'stripe-version': '' } });
    assert.equal(empty.status, 200, 'an empty header asks for no version');
    assert.match(empty.headers.get('stripe-version') ?? '', /^\d{4}-\d{2}-\d{2}/);
    const badType = await request('GET', '/v1/balance_transactions?type=bogus');
    assert.deepEqual([badType.status, badType.body.error.param], [400, 'type'], 'list filters take only their values');
    assert.equal((await request('GET', '/v1/balance_transactions?type=topup')).status, 200, 'a type Cashbook never books lists nothing');
  });

  it('refuses unknown expand paths and paths deeper than four levels', async () => {
    const { request, stripe } = server();
    const customer = await stripe.customers.create();
    const txn = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 10, currency: 'usd' });
    const cases = [
      `/v1/customers/${customer.id}?expand[]=nonsense`,
      `/v1/customers/${customer.id}?expand[]=email`,
      `/v1/customers/${customer.id}?expand[]=cash_balance.nonsense`,
      `/v1/customers/${customer.id}/cash_balance_transactions/${txn.id}?expand[]=customer.nonsense`,
      `/v1/customers/${customer.id}/cash_balance_transactions/${txn.id}?expand[]=customer.cash_balance.customer.a.b`,
      `/v1/customers/${customer.id}/cash_balance_transactions?expand[]=data.customer.cash_balance.customer.a`,
      `/v1/customers/${customer.id}/cash_balance_transactions?expand[]=data.nonsense`,
      `/v1/customers/${customer.id}/cash_balance_transactions?expand[]=data.`,
      `/v1/customers/${customer.id}/cash_balance?expand[]=customer`,
    ];
    for (const url of cases) assertStripeError(await request('GET', url), 400, 'expand');
    for (const url of [`/v1/customers/${customer.id}/cash_balance_transactions/${txn.id}?expand[]=customer.a.b.c.d`, `/v1/customers/${customer.id}/cash_balance_transactions?expand[]=data.customer.a.b.c.d`]) {
      const tooDeep = await request('GET', url);
      assertStripeError(tooDeep, 400, 'expand');
      assert.match(tooDeep.body.error.message, /more than 4 levels/);
    }
    const tooMany = await request('GET', `/v1/customers/${customer.id}?${Array.from({ length: 101 }, (_, i) => `expand[]=p${i}`).join('&')}`);
    assertStripeError(tooMany, 400);
    // Four levels are fine.
    const deep = await request('GET', `/v1/customers/${customer.id}/cash_balance_transactions/${txn.id}?expand[]=customer.cash_balance`);
    assert.equal(deep.status, 200);
    assert.equal(deep.body.customer.cash_balance.available.usd, 10);
    const sdkDeep = await stripe.customers.listCashBalanceTransactions(customer.id, { expand: ['data.customer.cash_balance'] });
    assert.equal((sdkDeep.data[0].customer as Stripe.Customer).cash_balance?.available?.usd, 10);
  });

  it('bounds list limits, refuses both cursors and unknown cursors', async () => {
    const { request, stripe } = server();
    const customer = await stripe.customers.create();
    const txn = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 10, currency: 'usd' });
    for (const base of ['/v1/customers', `/v1/customers/${customer.id}/cash_balance_transactions`]) {
      for (const limit of ['0', '101', '-1', 'abc', '1.5', '', '1e2']) {
        const response = await request('GET', `${base}?limit=${limit}`);
        assertStripeError(response, 400, 'limit');
      }
      for (const limit of ['1', '100']) assert.equal((await request('GET', `${base}?limit=${limit}`)).status, 200);
      const both = await request('GET', `${base}?starting_after=x&ending_before=y`);
      assertStripeError(both, 400);
      assert.equal(both.body.error.code, 'parameters_exclusive');
      for (const cursor of ['starting_after', 'ending_before']) {
        const unknown = await request('GET', `${base}?${cursor}=cus_nope`);
        assertStripeError(unknown, 404, cursor);
        assert.equal(unknown.body.error.code, 'resource_missing');
      }
    }
    await rejectsWith(stripe.customers.list({ starting_after: txn.id }), { status: 404, code: 'resource_missing', param: 'starting_after' });
  });

  it('enforces metadata limits and unsets keys with empty strings', async () => {
    const { stripe } = server();
    const fifty = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, `v${i}`]));
    const customer = await stripe.customers.create({ metadata: fifty });
    assert.equal(Object.keys(customer.metadata).length, 50);
    const snapshot = JSON.stringify(await stripe.customers.retrieve(customer.id));

    await rejectsWith(stripe.customers.create({ metadata: { ...fifty, extra: 'x' } }), { status: 400, param: 'metadata' });
    await rejectsWith(stripe.customers.update(customer.id, { metadata: { extra: 'x' } }), { status: 400, param: 'metadata' });
    await rejectsWith(stripe.customers.update(customer.id, { metadata: { ['k'.repeat(41)]: 'x' } }), { status: 400, param: 'metadata' });
    await rejectsWith(stripe.customers.update(customer.id, { metadata: { k0: 'v'.repeat(501) } }), { status: 400, param: 'metadata' });
    await rejectsWith(stripe.customers.update(customer.id, { metadata: { k0: { nested: 'x' } } as never }), { status: 400 });
    assert.equal(JSON.stringify(await stripe.customers.retrieve(customer.id)), snapshot, 'refused updates change nothing');

    const boundary = await stripe.customers.update(customer.id, { metadata: { k0: 'v'.repeat(500), ['k'.repeat(40)]: '' } });
    assert.equal(boundary.metadata.k0.length, 500);
    // Replacing one key by another at the limit is fine: removal counts first.
    const swapped = await stripe.customers.update(customer.id, { metadata: { k1: '', fresh: 'yes' } });
    assert.equal(Object.keys(swapped.metadata).length, 50);
    assert.equal(swapped.metadata.fresh, 'yes');
    assert.equal('k1' in swapped.metadata, false);

    // Characters are counted as people count them: an emoji is one.
    const emoji = await stripe.customers.create({ description: '😀'.repeat(350), metadata: { ['😀'.repeat(40)]: '😀'.repeat(500) } });
    assert.equal([...emoji.description!].length, 350);
    const tooMany = await stripe.customers.create({ metadata: { k: '😀'.repeat(501) } }).catch((error: Stripe.errors.StripeError) => error);
    assert.match((tooMany as Stripe.errors.StripeError).message, /you passed 501\./);

    const cleared = await stripe.customers.update(customer.id, { metadata: '' as never });
    assert.deepEqual(cleared.metadata, {});
    const fresh = await stripe.customers.create({ metadata: { a: '1', b: '2' } });
    const removed = await stripe.customers.update(fresh.id, { metadata: { a: '' } });
    assert.deepEqual(removed.metadata, { b: '2' });
    const kept = await stripe.customers.update(fresh.id, { name: 'n' });
    assert.deepEqual(kept.metadata, { b: '2' });
  });

  it('keeps metadata keys named like Object.prototype properties, and refuses __proto__ with a clear 400', async () => {
    const { stripe, request } = server();
    const created = await stripe.customers.create({ metadata: { constructor: 'ACME Builders', valueOf: '7', toString: '3', hasOwnProperty: 'h', order: '1' } });
    assert.deepEqual(created.metadata, { constructor: 'ACME Builders', valueOf: '7', toString: '3', hasOwnProperty: 'h', order: '1' });
    assert.deepEqual(((await stripe.customers.retrieve(created.id)) as Stripe.Customer).metadata, created.metadata);
    const asJson = await request('POST', '/v1/customers', { json: { metadata: { constructor: 'x', isPrototypeOf: 'y' } } });
    assert.deepEqual([asJson.status, asJson.body.metadata], [200, { constructor: 'x', isPrototypeOf: 'y' }]);
    const unknown = await request('POST', '/v1/customers', { form: 'toString=1' });
    assertStripeError(unknown, 400);
    assert.match(unknown.body.error.message, /unknown parameter: toString/);
    const before = (await stripe.customers.list({ limit: 100 })).data.length;
    for (const form of ['metadata[__proto__]=1', '__proto__[x]=1', 'metadata%5B__proto__%5D=1', 'metadata[__%70roto__][x]=1', '%5f%5f%70%72%6f%74%6f%5f%5f=1']) {
      const refused = await request('POST', '/v1/customers', { form });
      assertStripeError(refused, 400);
      assert.match(refused.body.error.message, /__proto__/, form);
    }
    // JSON cannot store a metadata key a form could never reach: empty, or with brackets.
    for (const json of ['{"metadata":{"a[b]":"x"}}', '{"metadata":{"":"y"}}']) {
      const refused = await request('POST', '/v1/customers', { form: json, headers: { 'content-type': 'application/json' } });
      assertStripeError(refused, 400);
      assert.equal(refused.body.error.param, 'metadata', json);
    }
    for (const json of ['{"__proto__":{"x":1}}', '{"metadata":{"__proto__":"x"}}', '{"constructor":{"prototype":{"x":1}}}']) {
      const refused = await request('POST', '/v1/customers', { form: json, headers: { 'content-type': 'application/json' } });
      assertStripeError(refused, 400);
      assert.match(refused.body.error.message, /__proto__/, json);
    }
    // Nesting however deep is a 400, never a 500 (a recursive walk once overflowed the stack).
    for (const depth of [25, 5_000, 100_000]) {
      const deep = `{"metadata":${'{"a":'.repeat(depth)}"x"${'}'.repeat(depth)}}`;
      const refused = await request('POST', '/v1/customers', { form: deep, headers: { 'content-type': 'application/json' } });
      assertStripeError(refused, 400);
      const arrays = await request('POST', '/v1/customers', { form: `{"expand":${'['.repeat(depth)}${']'.repeat(depth)}}`, headers: { 'content-type': 'application/json' } });
      assertStripeError(arrays, 400);
    }
    assert.equal((await stripe.customers.list({ limit: 100 })).data.length, before, 'nothing was created');
  });

  it('refuses a Stripe-Account header naming another account (no Connect), and changes nothing', async () => {
    const { stripe, request } = server();
    const before = (await stripe.customers.list({ limit: 100 })).data.length;
    const other = await stripe.customers.create({ email: 'connect@example.com' }, { stripeAccount: 'acct_doesnotexist' }).then(
      () => assert.fail('created on another account'),
      (error: Stripe.errors.StripeError) => error,
    );
    assert.deepEqual([other.statusCode, other.rawType, other.param], [403, 'invalid_request_error', 'Stripe-Account']);
    assert.match(other.message, /Only Stripe Connect platforms can work with other accounts/);
    assert.equal((await stripe.customers.list({ limit: 100 })).data.length, before);
    const own = (await request('GET', '/cashbook/v1/account')).body.id as string;
    assert.equal((await request('GET', '/v1/customers?limit=1', { headers: { 'stripe-account': own } })).status, 200, 'its own account is fine');
  });

  it('reads booleans in any case (python3-stripe sends confirm=True) and refuses anything else', async () => {
    const { request, stripe } = server();
    const customer = await stripe.customers.create();
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 1000, currency: 'usd' });
    const create = (amount: number, confirm: string) =>
      request('POST', '/v1/payment_intents', {
        form: `amount=${amount}&currency=usd&customer=${customer.id}&payment_method_types[]=customer_balance&payment_method_data[type]=customer_balance&confirm=${confirm}`,
      });

    const confirmed = await create(600, 'True');
    assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
    assert.equal(confirmed.body.status, 'succeeded');
    assert.equal(confirmed.body.amount_received, 600);
    const upper = await create(100, 'TRUE');
    assert.equal(upper.status, 200, JSON.stringify(upper.body));
    assert.equal(upper.body.status, 'succeeded');
    for (const text of ['False', 'fAlSe']) {
      const unconfirmed = await create(300, text);
      assert.equal(unconfirmed.status, 200, JSON.stringify(unconfirmed.body));
      assert.equal(unconfirmed.body.status, 'requires_confirmation', text);
    }
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { usd: 300 }, 'only the two confirmed intents took money');

    const before = (await stripe.paymentIntents.list({ customer: customer.id, limit: 100 })).data.length;
    assert.equal(before, 4);
    for (const text of ['yes', '1', 'Truee']) {
      const refused = await create(100, text);
      assertStripeError(refused, 400, 'confirm');
      assert.equal(refused.body.error.message, `Invalid boolean: ${text}`);
    }
    assert.equal((await stripe.paymentIntents.list({ customer: customer.id, limit: 100 })).data.length, before, 'a refused request creates nothing');
    assert.deepEqual((await stripe.customers.retrieveCashBalance(customer.id)).available, { usd: 300 });
    await assertCashLedger(stripe, customer.id);
  });

  it('answers malformed bodies with a Stripe 4xx, never a 500', async () => {
    const { request, stripe } = server();
    const customer = await stripe.customers.create({ name: 'before' });
    const update = `/v1/customers/${customer.id}`;
    const cases: { form: string; headers?: Record<string, string>; status?: number }[] = [
      { form: 'name=%E0%A4%A' },
      { form: 'name=%ZZ' },
      { form: 'name=abc%' },
      { form: 'metadata[a][b][c][d][e][f][g][h]=1' },
      { form: 'metadata[a]=1&metadata[a][b]=2' },
      { form: '{"name": "json?"', headers: { 'content-type': 'application/json' } },
      { form: '[1,2,3]', headers: { 'content-type': 'application/json' } },
      { form: '"text"', headers: { 'content-type': 'application/json' } },
      { form: 'name=x', headers: { 'content-type': 'text/plain' } },
      { form: 'name=x', headers: { 'content-type': 'application/xml' } },
      { form: `name=${'a'.repeat(1024 * 1024 + 10)}`, status: 413 },
      { form: 'name[]=a&name[]=b' },
      { form: 'name[x]=a' },
    ];
    for (const c of cases) {
      const response = await request('POST', update, { form: c.form, headers: c.headers });
      assert.ok(response.status >= 400 && response.status < 500, `${c.form.slice(0, 60)} → ${response.status}`);
      if (c.status) assert.equal(response.status, c.status);
      assertStripeError(response, response.status);
    }
    // Past the parameter limit the request is refused, never silently truncated.
    const tooManyParams = await request('POST', update, { form: `${Array.from({ length: 1000 }, (_, i) => `metadata[k${i}]=`).join('&')}&name=late` });
    assertStripeError(tooManyParams, 400);
    assert.match(tooManyParams.body.error.message, /Parameter limit exceeded/);
    const longArray = await request('POST', update, { form: Array.from({ length: 101 }, () => 'preferred_locales[]=en').join('&') });
    assertStripeError(longArray, 400);
    // Queries are decoded with the same rules.
    for (const query of ['limit=%E0%A4%A', 'expand[a][b][c][d][e][f][g][h]=x', Array.from({ length: 1001 }, (_, i) => `k${i}=1`).join('&')]) {
      const response = await request('GET', `/v1/customers?${query}`);
      assertStripeError(response, 400);
    }
    const after = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    assert.equal(after.name, 'before');
    assert.deepEqual(after.metadata, {});
    // Well-formed percent-encoding still decodes.
    const good = await request('POST', update, { form: 'name=%C3%A9t%C3%A9+%26+co' });
    assert.equal(good.status, 200);
    assert.equal(good.body.name, 'été & co');
  });
});
