import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { STORES, startTestServer, type TestServer } from '../support/server.ts';

function rejectsWith(status: number, check: (error: Stripe.errors.StripeError) => void = () => undefined) {
  return (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, status, error.message);
    check(error);
    return true;
  };
}

describeEachStore('events', (server) => {
  it('records customer changes with a snapshot, previous attributes and the request', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'ev@example.com', name: 'Ev' }, { idempotencyKey: 'create-ev-1' });
    const updated = await stripe.customers.update(customer.id, { name: 'Eve', metadata: { a: '1' } });
    const events = await stripe.events.list({ type: 'customer.*', limit: 100 });
    const mine = events.data.filter((e) => (e.data.object as { id: string }).id === customer.id);
    assert.deepEqual(mine.map((e) => e.type), ['customer.updated', 'customer.created'], 'newest first');
    const [updateEvent, createEvent] = mine;
    assert.match(createEvent.id, /^evt_/);
    assert.equal(createEvent.object, 'event');
    assert.equal(createEvent.api_version, '2024-04-10');
    assert.equal(createEvent.livemode, false);
    assert.equal(createEvent.pending_webhooks, 0);
    assert.deepEqual(createEvent.request, { id: customer.lastResponse.requestId, idempotency_key: 'create-ev-1' });
    assert.equal((createEvent.data.object as Stripe.Customer).name, 'Ev', 'snapshot at the moment of the change');
    assert.equal(createEvent.data.previous_attributes, undefined);
    assert.deepEqual(updateEvent.data.previous_attributes, { name: 'Ev', metadata: {} });
    assert.equal((updateEvent.data.object as Stripe.Customer).name, 'Eve');
    assert.equal(updateEvent.request?.id, updated.lastResponse.requestId);
    assert.equal(updateEvent.request?.idempotency_key?.startsWith('stripe-node-retry-'), true, 'the SDK sends its own key on POSTs');

    const fetched = await stripe.events.retrieve(createEvent.id);
    assert.deepEqual(fetched.data, createEvent.data);
  });

  it('filters by exact type, wildcard, types[] and created, and pages each event once', async () => {
    const { stripe } = server();
    const start = Math.floor(Date.now() / 1000);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await stripe.customers.create({ name: `p${i}` })).id);
    await stripe.customers.del(ids[0]);
    const created = await stripe.events.list({ type: 'customer.created', created: { gte: start }, limit: 100 });
    assert.equal(created.data.every((e) => e.type === 'customer.created'), true);
    assert.equal(created.url, '/v1/events');
    const deleted = await stripe.events.list({ types: ['customer.deleted', 'refund.failed'], limit: 100 });
    assert.equal(deleted.data.some((e) => (e.data.object as { id: string }).id === ids[0]), true);
    assert.equal(deleted.data.every((e) => e.type === 'customer.deleted'), true);
    const none = await stripe.events.list({ type: 'payment_intent.*' });
    assert.equal(none.data.some((e) => e.type.startsWith('customer.')), false);
    const future = await stripe.events.list({ created: { gt: start + 3600 } });
    assert.deepEqual(future.data, []);

    const seen: string[] = [];
    let page = await stripe.events.list({ type: 'customer.created', limit: 3 });
    seen.push(...page.data.map((e) => e.id));
    while (page.has_more) {
      page = await stripe.events.list({ type: 'customer.created', limit: 3, starting_after: page.data[page.data.length - 1].id });
      seen.push(...page.data.map((e) => e.id));
    }
    assert.equal(new Set(seen).size, seen.length, 'no event twice');
    for (const id of ids) {
      assert.equal(seen.filter((e) => e).length >= ids.length, true);
      assert.ok(created.data.some((e) => (e.data.object as { id: string }).id === id));
    }
    const auto: string[] = [];
    for await (const event of stripe.events.list({ type: 'customer.created', limit: 2 })) auto.push(event.id);
    assert.deepEqual(auto, seen);
  });

  it('records cash balance events, and none for a request that failed or was replayed', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create();
    const key = `fund-${Date.now()}`;
    const txn = await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 500, currency: 'usd' }, { idempotencyKey: key });
    await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 500, currency: 'usd' }, { idempotencyKey: key });
    await assert.rejects(stripe.customers.update(customer.id, { email: 'not-an-email' }), rejectsWith(400));
    const events = (await stripe.events.list({ limit: 20 })).data.filter((e) => JSON.stringify(e.data.object).includes(customer.id));
    const funded = events.filter((e) => e.type === 'customer_cash_balance_transaction.created');
    assert.equal(funded.length, 1, 'the replay did not emit again');
    assert.equal((funded[0].data.object as { id: string }).id, txn.id);
    assert.equal(funded[0].request?.idempotency_key, key);
    assert.equal(events.some((e) => e.type === 'customer.updated'), false, 'the failed update left no event');
  });

  it('refuses bad filters with a Stripe error', async () => {
    const { stripe, request } = server();
    await assert.rejects(stripe.events.list({ type: 'customer.created', types: ['customer.updated'] }), rejectsWith(400, (e) => assert.equal(e.param, 'types')));
    await assert.rejects(stripe.events.list({ type: 'cus*tomer' }), rejectsWith(400, (e) => assert.equal(e.param, 'type')));
    await assert.rejects(stripe.events.list({ limit: 101 }), rejectsWith(400, (e) => assert.equal(e.param, 'limit')));
    await assert.rejects(stripe.events.retrieve('evt_missing'), rejectsWith(404, (e) => assert.equal(e.code, 'resource_missing')));
    await assert.rejects(stripe.events.list({ starting_after: 'evt_missing' }), rejectsWith(404));
    const tooMany = Array.from({ length: 21 }, (_, i) => `types[${i}]=customer.created`).join('&');
    assert.equal((await request('GET', `/v1/events?${tooMany}`)).status, 400);
    assert.equal((await request('GET', '/v1/events?delivery_success=maybe')).status, 400);
  });
});

for (const store of STORES) {
  describe(`events retention [${store}]`, () => {
    let server: TestServer;
    const clock = { offset: 0, nowSeconds: () => Math.floor(Date.now() / 1000) + clock.offset };
    before(async () => {
      server = await startTestServer({ store, clock });
    });
    after(() => server.close());

    it('keeps events 30 days: older ones are 404 and not listed', async () => {
      const { stripe } = server;
      clock.offset = -31 * 24 * 3600;
      const old = await stripe.customers.create({ name: 'old' });
      clock.offset = -29 * 24 * 3600;
      const recent = await stripe.customers.create({ name: 'recent' });
      clock.offset = 0;
      const list = await stripe.events.list({ limit: 100 });
      const subjects = list.data.map((e) => (e.data.object as { id: string }).id);
      assert.equal(subjects.includes(recent.id), true);
      assert.equal(subjects.includes(old.id), false);
      const oldEvents = await stripe.events.list({ created: { lt: Math.floor(Date.now() / 1000) - 30 * 24 * 3600 } });
      assert.deepEqual(oldEvents.data, []);
      assert.deepEqual(server.violations, []);
    });

    it('an event of a customer on a back-dated test clock carries the clock time and is kept 30 days from when it was made', async () => {
      const { stripe } = server;
      clock.offset = 0;
      const frozen = Math.floor(Date.now() / 1000) - 40 * 24 * 3600;
      const testClock = await stripe.testHelpers.testClocks.create({ frozen_time: frozen });
      const customer = await stripe.customers.create({ test_clock: testClock.id });
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 100, currency: 'eur' });
      const listed = await stripe.events.list({ type: 'customer_cash_balance_transaction.created', limit: 100 });
      const event = listed.data.find((e) => (e.data.object as { customer?: string }).customer === customer.id);
      assert.ok(event, 'listed');
      assert.equal(event.created, frozen, "created is the clock's time");
      assert.equal((await stripe.events.retrieve(event.id)).id, event.id, 'retrievable, as a webhook handler fetching it expects');
      clock.offset = 31 * 24 * 3600;
      await assert.rejects(stripe.events.retrieve(event.id), (error: { statusCode?: number }) => error.statusCode === 404, 'gone 30 days after it was made');
      clock.offset = 0;
      assert.deepEqual(server.violations, []);
    });
  });
}
