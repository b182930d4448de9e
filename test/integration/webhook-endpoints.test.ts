import assert from 'node:assert/strict';
import { it } from 'node:test';
import Stripe from 'stripe';
import { describeEachStore } from '../support/suite.ts';

function rejectsWith(status: number, check: (error: Stripe.errors.StripeError) => void = () => undefined) {
  return (error: Stripe.errors.StripeError) => {
    assert.equal(error.statusCode, status, error.message);
    assert.equal(error.type, 'StripeInvalidRequestError');
    check(error);
    return true;
  };
}

describeEachStore('webhook endpoints', (server) => {
  it('creates, retrieves, updates, lists and deletes endpoints; the secret only on create', async () => {
    const { stripe } = server();
    const created = await stripe.webhookEndpoints.create({
      url: 'https://example.com/hooks',
      enabled_events: ['customer.created', 'payment_intent.succeeded'],
      description: 'main',
      metadata: { team: 'billing' },
    });
    assert.match(created.id, /^we_[0-9A-Za-z]{24}$/);
    assert.match(created.secret!, /^whsec_[0-9A-Za-z]{32}$/);
    assert.equal(created.status, 'enabled');
    assert.equal(created.api_version, null);
    assert.equal(created.application, null);
    assert.deepEqual(created.enabled_events, ['customer.created', 'payment_intent.succeeded']);
    assert.deepEqual(created.metadata, { team: 'billing' });

    const fetched = await stripe.webhookEndpoints.retrieve(created.id);
    assert.equal(fetched.secret, undefined, 'secret is returned only by create');
    assert.equal(fetched.url, 'https://example.com/hooks');

    const updated = await stripe.webhookEndpoints.update(created.id, { disabled: true, enabled_events: ['*'], description: '', metadata: { team: '', x: 'y' } });
    assert.equal(updated.status, 'disabled');
    assert.deepEqual(updated.enabled_events, ['*']);
    assert.equal(updated.description, null);
    assert.deepEqual(updated.metadata, { x: 'y' });
    assert.equal(updated.secret, undefined);
    const enabled = await stripe.webhookEndpoints.update(created.id, { disabled: false, url: 'http://localhost:9/x' });
    assert.equal(enabled.status, 'enabled');
    assert.equal(enabled.url, 'http://localhost:9/x');

    const other = await stripe.webhookEndpoints.create({ url: 'https://example.org/w', enabled_events: ['*'], api_version: '2024-04-10' });
    assert.equal(other.api_version, '2024-04-10');
    const list = await stripe.webhookEndpoints.list({ limit: 1 });
    assert.equal(list.url, '/v1/webhook_endpoints');
    assert.deepEqual(list.data.map((e) => e.id), [other.id]);
    assert.equal(list.has_more, true);

    const deleted = await stripe.webhookEndpoints.del(created.id);
    assert.deepEqual({ id: deleted.id, object: deleted.object, deleted: deleted.deleted }, { id: created.id, object: 'webhook_endpoint', deleted: true });
    await assert.rejects(stripe.webhookEndpoints.retrieve(created.id), rejectsWith(404, (e) => assert.equal(e.code, 'resource_missing')));
    await stripe.webhookEndpoints.del(other.id);
  });

  it('keeps to 16 endpoints and routes events to exactly the ones that exist, under concurrent changes', async () => {
    const { stripe } = server();
    assert.deepEqual((await stripe.webhookEndpoints.list()).data, []);
    // Port 9 refuses connections: deliveries fail and every event keeps its pending count.
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => stripe.webhookEndpoints.create({ url: `http://127.0.0.1:9/${i}`, enabled_events: i % 2 === 0 ? ['*'] : ['customer.created'] })),
    );
    const created = attempts.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
    assert.equal(created.length, 16, 'concurrent creations never pass the limit');
    for (const a of attempts) if (a.status === 'rejected') assert.match((a.reason as Error).message, /maximum of 16 webhook endpoints/);
    const pendingFor = async () => {
      const customer = await stripe.customers.create({ name: 'routing' });
      const [event] = (await stripe.events.list({ type: 'customer.created', limit: 1 })).data;
      assert.equal((event.data.object as Stripe.Customer).id, customer.id);
      return event.pending_webhooks;
    };
    assert.equal(await pendingFor(), 16);
    const [first, ...rest] = created;
    await Promise.all([...rest.slice(0, 5).map((e) => stripe.webhookEndpoints.del(e.id)), stripe.webhookEndpoints.update(first.id, { disabled: true }), ...rest.slice(5, 10).map((e) => stripe.webhookEndpoints.update(e.id, { enabled_events: ['customer.updated'] }))]);
    assert.equal(await pendingFor(), 16 - 5 - 1 - 5);
    await Promise.all([first, ...rest].map((e) => stripe.webhookEndpoints.del(e.id).catch(() => undefined)));
    assert.equal(await pendingFor(), 0);
  });

  it('refuses bad input with a Stripe error and creates nothing', async () => {
    const { stripe, request } = server();
    const before = await stripe.webhookEndpoints.list({ limit: 100 });
    for (const url of ['not a url', 'ftp://example.com/x', 'javascript:alert(1)', '', 'http:///x', ' https://example.com/', 'https://example.com/a b', 'https://exa\u0000mple.com/']) {
      await assert.rejects(stripe.webhookEndpoints.create({ url, enabled_events: ['*'] }), rejectsWith(400, (e) => {
        assert.equal(e.param, 'url');
        if (url !== '') assert.equal(e.code, 'url_invalid');
      }));
    }
    await assert.rejects(
      stripe.webhookEndpoints.create({ url: 'https://example.com', enabled_events: ['customer.created', 'customer.exploded' as 'customer.created'] }),
      rejectsWith(400, (e) => assert.equal(e.param, 'enabled_events')),
    );
    await assert.rejects(stripe.webhookEndpoints.create({ url: 'https://example.com', enabled_events: [] }), rejectsWith(400, (e) => assert.equal(e.param, 'enabled_events')));
    const missing = await request('POST', '/v1/webhook_endpoints', { form: 'url=https://example.com' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'parameter_missing');
    assert.equal(missing.body.error.param, 'enabled_events');
    const unknown = await request('POST', '/v1/webhook_endpoints', { form: 'url=https://example.com&enabled_events[]=*&colour=red' });
    assert.equal(unknown.body.error.param, 'colour');
    const after = await stripe.webhookEndpoints.list({ limit: 100 });
    assert.deepEqual(after.data.map((e) => e.id), before.data.map((e) => e.id));

    const endpoint = await stripe.webhookEndpoints.create({ url: 'https://example.com/keep', enabled_events: ['*'] });
    await assert.rejects(stripe.webhookEndpoints.update(endpoint.id, { url: 'nope', description: 'changed' }), rejectsWith(400, (e) => assert.equal(e.code, 'url_invalid')));
    const unchanged = await stripe.webhookEndpoints.retrieve(endpoint.id);
    assert.equal(unchanged.description, null);
    assert.equal(unchanged.url, 'https://example.com/keep');
    await assert.rejects(stripe.webhookEndpoints.update('we_missing', { description: 'x' }), rejectsWith(404));
    await assert.rejects(stripe.webhookEndpoints.del('we_missing'), rejectsWith(404));
    await stripe.webhookEndpoints.del(endpoint.id);
  });
});
