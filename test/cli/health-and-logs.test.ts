// What operators read: the start-up banner never prints a key they supplied; the request log
// never holds the token of a public page (refund bank details, hosted instructions); /healthz
// answers 503 while the database cannot answer (PostgreSQL behind a proxy the test cuts), 200
// again once it can. The banner used to print CASHBOOK_API_KEY in full on a new database, the
// log the tokens, and /healthz 200 with PostgreSQL down.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { sdk, STORES } from '../support/server.ts';
import { intent } from '../integration/payments-helpers.ts';
import { databasesOf, serveSource } from './source.ts';

const KEY = 'sk_test_cashbook_operator_supplied_1234';

/** A TCP proxy to PostgreSQL that the test can make refuse every connection, or swallow them. */
async function pgProxy(target: URL): Promise<{ url: string; set(mode: 'pass' | 'refuse' | 'swallow'): void; close(): void }> {
  let mode: 'pass' | 'refuse' | 'swallow' = 'pass';
  const open = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    socket.on('error', () => undefined);
  };
  const server = net.createServer((client) => {
    track(client);
    if (mode === 'refuse') return client.destroy();
    if (mode === 'swallow') return; // accepted, never answered: a database that hangs
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target.href);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.href,
    set(next) {
      mode = next;
      for (const socket of open) socket.destroy();
    },
    close() {
      for (const socket of open) socket.destroy();
      server.close();
    },
  };
}

async function health(url: string): Promise<{ status: number; body: any; ms: number }> {
  const started = Date.now();
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.json(), ms: Date.now() - started };
}

for (const kind of STORES) {
  describe(`what operators read [${kind}]`, () => {
    const database = databasesOf(kind, 'cashbook-operators-');

    it('never prints a supplied key, on a new database too; a key Cashbook makes is shown once', async () => {
      const server = await serveSource(await database('banner.db'), { CASHBOOK_API_KEY: KEY, CASHBOOK_LOG_LEVEL: 'info' });
      await server.stop();
      assert.match(server.output(), /Cashbook is serving/);
      assert.equal(server.output().includes(KEY.slice(8)), false, `the key is not in the output:\n${server.output()}`);
      assert.match(server.output(), new RegExp(`CASHBOOK_API_KEY \\(…${KEY.slice(-4)}\\) is a key of the default account\\n`));
      assert.doesNotMatch(server.output(), /test secret key:|made now/);
      // A live key on a new database: the test-mode key is Cashbook's own, made now, and shown.
      const live = 'sk_live_cashbook_operator_supplied_5678';
      const second = await serveSource(await database('banner-live.db'), { CASHBOOK_API_KEY: live });
      await second.stop();
      assert.equal(second.output().includes(live.slice(8)), false);
      assert.match(second.output(), /test secret key: sk_test_\w+\n/);
      assert.match(second.output(), /CASHBOOK_API_KEY \(…5678\) is a key of the default account's live mode/);
    });

    it('logs the public pages’ paths without their tokens', async () => {
      const server = await serveSource(await database('logs.db'), { CASHBOOK_API_KEY: KEY, CASHBOOK_LOG_LEVEL: 'info' });
      const stripe = sdk(server.url, KEY);
      const customer = await stripe.customers.create({ email: 'logs@example.com' });
      await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 5000, currency: 'eur' });
      const refund = await stripe.refunds.create({ origin: 'customer_balance', customer: customer.id, amount: 1000, currency: 'eur' } as never);
      const link = (await (await fetch(`${server.url}/cashbook/v1/refunds/${refund.id}/bank_details_link`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } })).json()) as { url: string };
      const pending = await intent(stripe, customer.id, 90_000, { currency: 'eur' });
      const hosted = pending.next_action!.display_bank_transfer_instructions!.hosted_instructions_url!;
      const tokens = [new URL(link.url).pathname.split('/').pop()!, new URL(hosted).pathname.split('/').pop()!];
      for (const page of [link.url, hosted, `${link.url}?x=1`]) assert.equal((await fetch(page)).status, 200, page);
      await server.stop();
      const lines = server.output().split('\n').filter((line) => line.startsWith('{'));
      for (const token of tokens) assert.deepEqual(lines.filter((line) => line.includes(token.slice(5))), [], `token ${token.slice(0, 5)}… is in no log line`);
      const urls = lines.map((line) => JSON.parse(line) as { route?: string; url?: string }).filter((line) => line.route?.endsWith('/*')).map((line) => line.url);
      assert.deepEqual(urls, ['/refund_details/test_[redacted]', '/bank_transfers/instructions/test_[redacted]', '/refund_details/test_[redacted]']);
    });

    it('answers /healthz 503 in Stripe’s shape while the database cannot answer, 200 once it can', async () => {
      if (kind === 'sqlite') {
        // A SQLite file cannot be taken away from an open connection: the PostgreSQL run cuts its database.
        const server = await serveSource(await database('health.db'));
        assert.deepEqual((await health(server.url)).body, { ok: true });
        await server.stop();
        return;
      }
      const proxy = await pgProxy(new URL(await database('')));
      const server = await serveSource(proxy.url, { CASHBOOK_API_KEY: KEY });
      try {
        assert.deepEqual((await health(server.url)).body, { ok: true });
        proxy.set('refuse');
        const refused = await health(server.url);
        assert.equal(refused.status, 503);
        assert.deepEqual(refused.body, { error: { type: 'api_error', message: 'Cashbook cannot read its database.' } });
        proxy.set('swallow');
        const hung = await health(server.url);
        assert.equal(hung.status, 503);
        // It waited for the health timeout (2 s) and then answered, rather than hang with the database.
        assert.ok(hung.ms >= 1_500, `a hung database is reported after the health timeout (${hung.ms} ms)`);
        // Probes while the database hangs share one check: no pile of waiting connections.
        const probes = await Promise.all(Array.from({ length: 20 }, () => health(server.url)));
        assert.ok(probes.every((probe) => probe.status === 503));
        proxy.set('pass');
        let back = await health(server.url);
        for (let i = 0; back.status !== 200 && i < 50; i++) back = await health(server.url);
        assert.equal(back.status, 200);
        assert.deepEqual(back.body, { ok: true });
        assert.equal((await sdk(server.url, KEY).customers.list({ limit: 1 })).object, 'list', 'the API serves again');
      } finally {
        await server.stop();
        proxy.close();
      }
    });
  });
}
