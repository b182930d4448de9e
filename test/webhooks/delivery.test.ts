import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';
import { startReceiver, verify, type Receiver } from './receiver.ts';
import { DEFAULT_ACCOUNT_ID } from '../../src/resources/accounts/service.ts';
import type { EventObject, OutboxRow } from '../../src/resources/events/emit.ts';

describeEachStore('webhook delivery', (server) => {
  let receiver: Receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  after(() => receiver.close());

  it('sends each matching event, signed so that stripe.webhooks.constructEvent accepts it', async () => {
    const { stripe } = server();
    receiver.received.length = 0;
    const all = await stripe.webhookEndpoints.create({ url: `${receiver.url}?all`, enabled_events: ['*'] });
    const createdOnly = await stripe.webhookEndpoints.create({ url: `${receiver.url}?created`, enabled_events: ['customer.created'] });
    const customer = await stripe.customers.create({ name: 'Hook' }, { idempotencyKey: `hook-${Date.now()}` });
    await stripe.customers.update(customer.id, { name: 'Hooked' });
    await receiver.waitFor((r) => r.length >= 3);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.received.length, 3, 'one delivery per matching endpoint, nothing to the other');

    const events = (await stripe.events.list({ limit: 10 })).data.filter((e) => (e.data.object as { id: string }).id === customer.id);
    for (const delivery of receiver.received) assert.match(String(delivery.headers['user-agent']), /^Stripe\/1\.0/);
    const viaAll = receiver.received.map((delivery) => {
      // Each endpoint signs with its own secret: exactly one of the two verifies.
      const results = [all.secret!, createdOnly.secret!].map((s) => {
        try {
          return verify(delivery, s);
        } catch {
          return undefined;
        }
      });
      assert.equal(results.filter(Boolean).length, 1);
      return { event: results.find(Boolean)!, secret: results[0] ? 'all' : 'created' };
    });
    assert.deepEqual(viaAll.filter((d) => d.secret === 'created').map((d) => d.event.type), ['customer.created']);
    assert.deepEqual(viaAll.filter((d) => d.secret === 'all').map((d) => d.event.type).sort(), ['customer.created', 'customer.updated']);
    for (const { event } of viaAll) {
      const listed = events.find((e) => e.id === event.id)!;
      assert.ok(listed, 'the delivered event is the one the API lists');
      assert.deepEqual(event.data, listed.data);
      assert.equal(event.type, listed.type);
      assert.deepEqual(event.request, listed.request);
    }
    assert.equal(receiver.received[0].headers['content-type'], 'application/json; charset=utf-8');

    // pending_webhooks counts down as endpoints acknowledge.
    const createdEvent = events.find((e) => e.type === 'customer.created')!;
    let current = await stripe.events.retrieve(createdEvent.id);
    for (let i = 0; i < 100 && current.pending_webhooks > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      current = await stripe.events.retrieve(createdEvent.id);
    }
    assert.equal(current.pending_webhooks, 0);
    const succeeded = await stripe.events.list({ delivery_success: true, limit: 100 });
    assert.equal(succeeded.data.some((e) => e.id === createdEvent.id), true);
    const failed = await stripe.events.list({ delivery_success: false, limit: 100 });
    assert.equal(failed.data.some((e) => e.id === createdEvent.id), false);

    await stripe.webhookEndpoints.del(all.id);
    await stripe.webhookEndpoints.del(createdOnly.id);
  });

  it('a tampered body, a wrong secret or a stale timestamp fail verification in the SDK', async () => {
    const { stripe } = server();
    receiver.received.length = 0;
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
    await stripe.customers.create({ name: 'Tamper' });
    await receiver.waitFor((r) => r.length >= 1);
    const delivery = receiver.received[0];
    const event = verify(delivery, endpoint.secret!);
    assert.equal(event.type, 'customer.created');
    const t = Number(/t=(\d+)/.exec(delivery.signature)![1]);
    assert.ok(Math.abs(t - Date.now() / 1000) < 5, 'signed when sent');

    const tampered = { ...delivery, body: delivery.body.replace('Tamper', 'Tamperd') };
    assert.throws(() => verify(tampered, endpoint.secret!), Stripe.errors.StripeSignatureVerificationError);
    assert.throws(() => verify(delivery, 'whsec_not_the_secret'), Stripe.errors.StripeSignatureVerificationError);
    assert.throws(
      () => Stripe.webhooks.constructEvent(delivery.body, delivery.signature, endpoint.secret!, 300, undefined, Date.now() + 301_000),
      /Timestamp outside the tolerance zone/,
    );
    await stripe.webhookEndpoints.del(endpoint.id);
  });

  it('fans out an event once and clears its mark; an outbox row written before migration 8 is still delivered', async () => {
    const { stripe, store } = server();
    receiver.received.length = 0;
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
    const customer = await stripe.customers.create({ name: 'Marked' });
    await receiver.waitFor((r) => r.length >= 1);
    const [event] = (await stripe.events.list({ type: 'customer.created', limit: 1 })).data;
    assert.equal((event.data.object as { id: string }).id, customer.id);
    const stored = await store.read((tx) => tx.get<EventObject>('events', DEFAULT_ACCOUNT_ID, event.id));
    assert.equal(stored?._fanout_due_at, null, 'the fan-out mark is cleared');
    assert.equal(stored?._endpoints, undefined);
    assert.equal(Object.keys(event).some((k) => k.startsWith('_')), false, 'internal fields never reach the API');

    // What a server before migration 8 left behind: an outbox row naming the event and endpoint.
    receiver.received.length = 0;
    const legacy: OutboxRow = { id: `${event.id}_legacy`, created: event.created, event: event.id, endpoints: [endpoint.id], due_at: Date.now() };
    await store.write((tx) => tx.insert('webhook_outbox', DEFAULT_ACCOUNT_ID, legacy));
    await receiver.waitFor((r) => r.length >= 1);
    assert.equal(verify(receiver.received[0], endpoint.secret!).id, event.id);
    assert.equal(await store.read((tx) => tx.get('webhook_outbox', DEFAULT_ACCOUNT_ID, legacy.id)), undefined, 'the outbox row is gone');
    await stripe.webhookEndpoints.del(endpoint.id);
  });

  it('does not send to disabled endpoints, nor events of other types', async () => {
    const { stripe } = server();
    receiver.received.length = 0;
    const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.deleted'] });
    const disabled = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['*'] });
    await stripe.webhookEndpoints.update(disabled.id, { disabled: true });
    const customer = await stripe.customers.create();
    await stripe.customers.del(customer.id);
    await receiver.waitFor((r) => r.length >= 1);
    await new Promise((r) => setTimeout(r, 150));
    assert.deepEqual(receiver.received.map((r) => verify(r, endpoint.secret!).type), ['customer.deleted']);
    await stripe.webhookEndpoints.del(endpoint.id);
    await stripe.webhookEndpoints.del(disabled.id);
  });
});
