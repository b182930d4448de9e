// Deliveries survive the server: the real server runs as a child process and is killed with
// SIGKILL while deliveries are pending (receiver down) or in flight (receiver hanging); after
// a restart on the same database every event arrives, with the same id.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startServerProcess, type ChildServer } from '../support/process.ts';
import { STORES, databaseUrlFor, sdk, tempDir } from '../support/server.ts';
import { startReceiver, verify, type Receiver } from './receiver.ts';

const KEY = 'sk_test_cashbook_webhook_restart_000000000';
const ENV = {
  CASHBOOK_WEBHOOK_TEST_RETRY_SCHEDULE: '0.05,0.1,0.2,0.4,0.8,1,1,1,1,1',
  CASHBOOK_WEBHOOK_POLL_MS: '20',
  CASHBOOK_WEBHOOK_TIMEOUT_MS: '500',
  CASHBOOK_WEBHOOK_LEASE_MS: '1500',
};

for (const store of STORES) {
  describe(`webhook deliveries across a crash [${store}]`, () => {
    const children: ChildServer[] = [];
    const receivers: Receiver[] = [];
    after(async () => {
      for (const child of children) await child.kill('SIGKILL');
      for (const receiver of receivers) await receiver.close();
    });

    async function start(databaseUrl: string): Promise<ChildServer> {
      const child = await startServerProcess({ databaseUrl, apiKey: KEY, env: ENV });
      children.push(child);
      return child;
    }

    for (const phase of ['pending', 'in flight'] as const) {
      it(`delivers deliveries that were ${phase} when the server was killed`, async () => {
        const databaseUrl = store === 'sqlite' ? path.join(tempDir(), 'cashbook.db') : await databaseUrlFor(store);
        const receiver = await startReceiver();
        receivers.push(receiver);
        let child = await start(databaseUrl);
        let stripe = sdk(child.url, KEY);
        const endpoint = await stripe.webhookEndpoints.create({ url: receiver.url, enabled_events: ['customer.created'] });
        if (phase === 'pending') await receiver.down();
        else receiver.behave = 'hang';
        const customers: string[] = [];
        for (let i = 0; i < 8; i++) customers.push((await stripe.customers.create({ name: `crash ${i}` })).id);
        if (phase === 'in flight') await receiver.waitFor((r) => r.length >= 1);
        else await new Promise((r) => setTimeout(r, 200));
        const killed = await child.kill('SIGKILL');
        assert.equal(killed.signal, 'SIGKILL');
        const acked = receiver.ackedIds();
        assert.equal(acked.size, 0, 'nothing was acknowledged before the crash');

        if (phase === 'pending') await receiver.up();
        receiver.behave = 200;
        child = await start(databaseUrl);
        stripe = sdk(child.url, KEY);
        const expected = new Set<string>();
        for await (const event of stripe.events.list({ type: 'customer.created', limit: 100 })) expected.add(event.id);
        assert.equal(expected.size, customers.length);
        await receiver.waitFor(() => [...expected].every((id) => receiver.ackedIds().has(id)), 20_000);
        for (const delivery of receiver.received.filter((r) => r.answer === 200)) {
          assert.equal(expected.has(verify(delivery, endpoint.secret!).id), true);
        }
        let pending = 1;
        for (let i = 0; i < 100 && pending > 0; i++) {
          pending = (await stripe.events.list({ delivery_success: false, limit: 100 })).data.length;
          if (pending > 0) await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(pending, 0, 'every event acknowledged');
        await child.stop();
      });
    }
  });
}
