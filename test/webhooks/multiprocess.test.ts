// Two server processes on one PostgreSQL database, both running the delivery worker: each
// delivery is claimed (with a lease, FOR UPDATE SKIP LOCKED) by one of them, so a healthy
// receiver gets every event exactly once although both workers poll the same rows.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startServerProcess, type ChildServer } from '../support/process.ts';
import { STORES, databaseUrlFor, sdk } from '../support/server.ts';
import { startReceiver, verify, type Receiver } from './receiver.ts';

const KEY = 'sk_test_cashbook_webhook_multi_00000000000';
const ENV = { CASHBOOK_WEBHOOK_POLL_MS: '10', CASHBOOK_WEBHOOK_TIMEOUT_MS: '2000', CASHBOOK_WEBHOOK_BATCH: '4' };

if (STORES.includes('postgres')) {
  describe('webhook workers in two processes [postgres]', () => {
    const children: ChildServer[] = [];
    let receiver: Receiver | undefined;
    after(async () => {
      for (const child of children) await child.kill('SIGKILL');
      await receiver?.close();
    });

    it('sends each event once, whichever worker claims it', async () => {
      const databaseUrl = await databaseUrlFor('postgres');
      receiver = await startReceiver();
      const a = await startServerProcess({ databaseUrl, apiKey: KEY, env: ENV });
      children.push(a);
      const b = await startServerProcess({ databaseUrl, apiKey: KEY, env: ENV });
      children.push(b);
      const stripeA = sdk(a.url, KEY);
      const stripeB = sdk(b.url, KEY);
      const endpoint = await stripeA.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
      await Promise.all(
        Array.from({ length: 60 }, (_, i) => (i % 2 ? stripeA : stripeB).customers.create({ name: `multi ${i}` })),
      );
      const expected = new Set<string>();
      for await (const event of stripeA.events.list({ type: 'customer.created', limit: 100 })) expected.add(event.id);
      assert.equal(expected.size, 60);
      await receiver.waitFor(() => [...expected].every((id) => receiver!.ackedIds().has(id)), 20_000);
      await new Promise((r) => setTimeout(r, 300));
      const ids = receiver.received.map((r) => verify(r, endpoint.secret!).id);
      const duplicates = ids.filter((id, i) => ids.indexOf(id) !== i);
      assert.deepEqual(duplicates, [], 'no event sent twice by the two workers');
    });
  });
}
