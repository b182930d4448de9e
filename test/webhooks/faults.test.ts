// Faults on the receiving side: errors, timeouts, a receiver that is down, a slow endpoint
// beside a healthy one, and retries that run out. The test server's worker retries within
// ~1.5 s (TEST_WEBHOOKS in test/support/server.ts) and times out attempts after 500 ms.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import type Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { startReceiver, verify, type Receiver } from './receiver.ts';

async function eventIdsFor(stripe: Stripe, customers: string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for await (const event of stripe.events.list({ type: 'customer.created', limit: 100 })) {
    if (customers.includes((event.data.object as { id: string }).id)) ids.add(event.id);
  }
  return ids;
}

async function createCustomers(stripe: Stripe, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await stripe.customers.create({ name: `fault ${i}` })).id);
  return ids;
}

async function withReceiver<T>(fn: (receiver: Receiver) => Promise<T>): Promise<T> {
  const receiver = await startReceiver();
  try {
    return await fn(receiver);
  } finally {
    await receiver.close();
  }
}

function assertSubset(expected: Set<string>, actual: Set<string>) {
  assert.deepEqual([...expected].filter((id) => !actual.has(id)), [], 'every event arrives');
}

describeEachStore('webhook delivery under faults', (server) => {
  it('retries after 500s until the receiver recovers; same event ids, fresh signatures', () =>
    withReceiver(async (receiver) => {
      const { stripe } = server();
      receiver.behave = (_, index) => (index < 6 ? 500 : 200);
      const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
      const customers = await createCustomers(stripe, 4);
      const expected = await eventIdsFor(stripe, customers);
      await receiver.waitFor(() => [...expected].every((id) => receiver.ackedIds().has(id)));
      assertSubset(expected, receiver.ackedIds());
      for (const delivery of receiver.received) assert.equal(expected.has(verify(delivery, endpoint.secret!).id), true, 'only these events, each verifiable');
      assert.ok(receiver.received.length > expected.size, 'some were retried');
      const first = receiver.received.findIndex((r) => r.answer === 500);
      const again = receiver.received.findIndex((r, i) => i > first && r.body === receiver.received[first].body);
      assert.ok(again > first, 'a failed event is sent again with the same body');
      await stripe.webhookEndpoints.del(endpoint.id);
    }));

  it('retries after timeouts (a receiver that never answers)', () =>
    withReceiver(async (receiver) => {
      const { stripe } = server();
      receiver.behave = (_, index) => (index < 2 ? 'hang' : 200);
      const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
      const customers = await createCustomers(stripe, 3);
      const expected = await eventIdsFor(stripe, customers);
      await receiver.waitFor(() => [...expected].every((id) => receiver.ackedIds().has(id)));
      assert.ok(receiver.received.filter((r) => r.answer === 'hang').length === 2);
      await stripe.webhookEndpoints.del(endpoint.id);
    }));

  it('delivers everything once a receiver that was down comes back', () =>
    withReceiver(async (receiver) => {
      const { stripe } = server();
      const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
      await receiver.down();
      const customers = await createCustomers(stripe, 5);
      const expected = await eventIdsFor(stripe, customers);
      await new Promise((r) => setTimeout(r, 300));
      const pending = await stripe.events.list({ delivery_success: false, limit: 100 });
      assert.equal([...expected].every((id) => pending.data.some((e) => e.id === id && e.pending_webhooks === 1)), true);
      await receiver.up();
      await receiver.waitFor(() => [...expected].every((id) => receiver.ackedIds().has(id)));
      await stripe.webhookEndpoints.del(endpoint.id);
    }));

  it('a slow endpoint does not delay a healthy one', () =>
    withReceiver((slow) =>
      withReceiver(async (fast) => {
        const { stripe } = server();
        slow.behave = 'hang';
        const slowEndpoint = await stripe.webhookEndpoints.create({ url: slow.url, enabled_events: ['customer.created'] });
        const fastEndpoint = await stripe.webhookEndpoints.create({ url: fast.url, enabled_events: ['customer.created'] });
        const customers = await createCustomers(stripe, 30);
        const started = Date.now();
        const expected = await eventIdsFor(stripe, customers);
        await fast.waitFor(() => [...expected].every((id) => fast.ackedIds().has(id)), 5000);
        const elapsed = Date.now() - started;
        // Sending the slow endpoint's 30 deliveries alone takes >= 30 × 500 ms / 4 = 3.75 s.
        assert.ok(elapsed < 3750, `healthy endpoint served ${elapsed} ms after the last event`);
        assert.ok(slow.received.length < expected.size, 'the slow one is still being worked through');
        await stripe.webhookEndpoints.del(slowEndpoint.id);
        await stripe.webhookEndpoints.del(fastEndpoint.id);
      }),
    ));

  it('stops after the retry schedule runs out; the event stays pending', () =>
    withReceiver(async (receiver) => {
      const { stripe } = server();
      receiver.behave = 500;
      const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
      const [customer] = await createCustomers(stripe, 1);
      const [eventId] = await eventIdsFor(stripe, [customer]);
      // Five retries in the test schedule: six attempts in all, within ~1.6 s.
      await receiver.waitFor((r) => r.length >= 6);
      await new Promise((r) => setTimeout(r, 1200));
      assert.equal(receiver.received.length, 6);
      const event = await stripe.events.retrieve(eventId);
      assert.equal(event.pending_webhooks, 1);
      const failed = await stripe.events.list({ delivery_success: false, limit: 100 });
      assert.equal(failed.data.some((e) => e.id === eventId), true);
      await stripe.webhookEndpoints.del(endpoint.id);
    }));

  it('stops retrying for an endpoint disabled before its retry is due', () =>
    withReceiver(async (receiver) => {
      const { stripe } = server();
      receiver.behave = 500;
      const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
      await createCustomers(stripe, 1);
      await receiver.waitFor((r) => r.length >= 1);
      await stripe.webhookEndpoints.update(endpoint.id, { disabled: true });
      const count = receiver.received.length;
      await new Promise((r) => setTimeout(r, 1800));
      assert.ok(receiver.received.length <= count + 1, 'at most an attempt already in flight');
      await stripe.webhookEndpoints.del(endpoint.id);
    }));
});
