// PostgreSQL stops answering without closing its connections (a stopped host, a partition with
// no reset): a TCP proxy between the server and the database holds every byte. Requests must
// not wait as long as the database does: each is answered with a Stripe-shaped 500, the
// health check says 503, and once the database answers again the server serves without a
// restart, with a retried funding booked once by its Idempotency-Key.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { startServerProcess, type ChildServer } from '../support/process.ts';
import { dropPostgresDatabase, freshPostgresDatabase } from './database.ts';

const KEY = 'sk_test_cashbook_hungdb_0000000000000';

/** A proxy to `target` that can stop forwarding: what it holds it forwards, in order, once let go. */
async function freezableProxy(target: URL): Promise<{ port: number; freeze(): void; thaw(): void; close(): Promise<void> }> {
  let frozen = false;
  const held: [net.Socket, Buffer][] = [];
  const sockets = new Set<net.Socket>();
  const forward = (from: net.Socket, to: net.Socket) => {
    from.on('data', (data) => (frozen ? held.push([to, data]) : to.write(data)));
    from.on('close', () => to.destroy());
    from.on('error', () => to.destroy());
  };
  const proxy = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return {
    port: (proxy.address() as net.AddressInfo).port,
    freeze: () => void (frozen = true),
    thaw: () => {
      frozen = false;
      for (const [to, data] of held.splice(0)) if (!to.destroyed) to.write(data);
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe('postgres: a database that stops answering', () => {
  let databaseUrl: string | undefined;
  let server: ChildServer | undefined;
  let proxy: Awaited<ReturnType<typeof freezableProxy>> | undefined;

  after(async () => {
    await server?.kill('SIGKILL');
    await proxy?.close();
    if (databaseUrl) await dropPostgresDatabase(databaseUrl);
  });

  it('fails requests with a 500 instead of holding them, and serves again once it answers', async () => {
    databaseUrl = await freshPostgresDatabase();
    const direct = new URL(databaseUrl);
    proxy = await freezableProxy(direct);
    const proxied = new URL(databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    server = await startServerProcess({ databaseUrl: proxied.toString(), apiKey: KEY, logLevel: 'fatal', env: { CASHBOOK_DATABASE_TIMEOUT_MS: '1500', CASHBOOK_DATABASE_POOL_SIZE: '3' } });
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' };
    const call = (path: string, init: RequestInit = {}) => fetch(`${server!.url}${path}`, { ...init, headers: { ...headers, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(60_000) });
    const customer = (await (await call('/v1/customers', { method: 'POST', body: 'email=hung@example.com' })).json()) as { id: string };
    const fund = (key: string) => call(`/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, { method: 'POST', headers: { 'idempotency-key': key }, body: 'amount=100&currency=eur' });
    assert.equal((await fund('before')).status, 200);

    proxy.freeze();
    try {
      // Without a bound these would wait for as long as the database does: here, until the end of the test.
      const answers = await Promise.all([fund('during'), call(`/v1/customers/${customer.id}/cash_balance`), fund('during-2'), call('/v1/customers?limit=3')]);
      for (const answer of answers) {
        const body = (await answer.json()) as { error?: { type?: string; message?: string } };
        assert.deepEqual([answer.status, body.error?.type], [500, 'api_error'], JSON.stringify(body));
        assert.doesNotMatch(body.error!.message!, /timeout|pg|postgres/i, 'the cause stays in the log');
      }
      assert.equal((await call('/healthz')).status, 503);
    } finally {
      proxy.thaw();
    }

    // The database answers again: the server serves without a restart; the retried fundings book once each.
    let health = 0;
    for (let i = 0; i < 100 && health !== 200; i++) {
      health = (await call('/healthz')).status;
      if (health !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(health, 200);
    for (const key of ['during', 'during-2', 'during']) assert.equal((await fund(key)).status, 200, key);
    const balance = (await (await call(`/v1/customers/${customer.id}/cash_balance`)).json()) as { available: { eur: number } };
    assert.equal(balance.available.eur, 300, 'before, during and during-2, each once');
    assert.equal(server.child.exitCode, null, server.output());
  });
});
