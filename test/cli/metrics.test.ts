// GET /metrics through the built command: off by default, on with --metrics (or on a port of
// its own), never behind a key; a scrape, read by a strict parser of the Prometheus text format
// (test/support/prometheus.ts), holds the counts
// of the traffic the test sent. Every request leaves one JSON log line.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parsePrometheus, seriesValue, type Family } from '../support/prometheus.ts';
import { databaseUrlFor, sdk, STORES, tempDir } from '../support/server.ts';
import { startCliServer, type CliServer } from './binary.ts';

async function scrape(url: string): Promise<Map<string, Family>> {
  const response = await fetch(url);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

function value(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const found = seriesValue(families, name, labels);
  assert.ok(found !== undefined, `${name} ${JSON.stringify(labels)} is exported`);
  return found;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await fn();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

for (const kind of STORES) {
  describe(`GET /metrics [${kind}]`, () => {
    let dir: string;
    let server: CliServer;
    let receiver: http.Server;
    let receiverUrl: string;
    const database = async (name: string) => (kind === 'sqlite' ? path.join(dir, name) : databaseUrlFor('postgres'));

    before(async () => {
      dir = tempDir('cashbook-metrics-');
      receiver = http.createServer((request, response) => request.resume().on('end', () => response.writeHead(200).end('ok')));
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
      server = await startCliServer(await database('m.db'), { args: ['--metrics'], env: { CASHBOOK_LOG_LEVEL: 'info', CASHBOOK_WEBHOOK_POLL_MS: '50' } });
    });
    after(async () => {
      await server?.stop();
      receiver?.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('counts requests, commits, idempotent replays and webhook attempts, without a key', async () => {
      const stripe = sdk(server.url, server.createdKey!);
      await stripe.webhookEndpoints.create({ url: receiverUrl, enabled_events: ['customer.created'] });
      const customers = [];
      for (let i = 0; i < 3; i++) customers.push(await stripe.customers.create({ email: `m${i}@example.com` }));
      await stripe.testHelpers.customers.fundCashBalance(customers[0].id, { amount: 500, currency: 'usd' }, { idempotencyKey: 'metrics-a' });
      await stripe.testHelpers.customers.fundCashBalance(customers[0].id, { amount: 700, currency: 'usd' }, { idempotencyKey: 'metrics-b' });
      const replay = await stripe.testHelpers.customers.fundCashBalance(customers[0].id, { amount: 500, currency: 'usd' }, { idempotencyKey: 'metrics-a' });
      assert.equal(replay.lastResponse.headers['idempotent-replayed'], 'true');
      await assert.rejects(stripe.customers.retrieve('cus_missing'));

      const families = await until('three webhook attempts', async () => {
        const now = await scrape(`${server.url}/metrics`);
        return (seriesValue(now, 'cashbook_webhook_attempts_total', { result: 'succeeded' }) ?? 0) >= 3 ? now : undefined;
      });
      const requests = (labels: Record<string, string>) => value(families, 'cashbook_http_requests_total', labels);
      assert.equal(requests({ method: 'POST', route: '/v1/customers', status: '200' }), 3);
      assert.equal(requests({ method: 'POST', route: '/v1/test_helpers/customers/:customer/fund_cash_balance', status: '200' }), 3);
      assert.equal(requests({ method: 'GET', route: '/v1/customers/:customer', status: '404' }), 1);
      assert.equal(families.get('cashbook_http_requests_total')!.type, 'counter');
      assert.equal(families.get('cashbook_http_request_duration_seconds')!.type, 'histogram');
      const post = { method: 'POST', route: '/v1/customers', status: '200' };
      assert.equal(value(families, 'cashbook_http_request_duration_seconds_count', post), 3);
      assert.equal(value(families, 'cashbook_http_request_duration_seconds_bucket', { ...post, le: '+Inf' }), 3);
      assert.ok(value(families, 'cashbook_http_request_duration_seconds_sum', post) > 0);
      assert.equal(value(families, 'cashbook_idempotency_total', { outcome: 'replayed' }), 1);
      assert.equal(value(families, 'cashbook_idempotency_total', { outcome: 'in_progress' }), 0);
      // At least the 6 writes above (endpoint, 3 customers, 2 fundings), however they were grouped.
      const engine = { engine: kind };
      const written = value(families, 'cashbook_commit_transactions_sum', engine);
      const commits = value(families, 'cashbook_commit_transactions_count', engine);
      assert.ok(written >= 6 && commits >= 1 && commits <= written, `${commits} commits of ${written} transactions`);
      assert.equal(value(families, 'cashbook_commit_duration_seconds_count', engine), commits);
      assert.equal(value(families, 'cashbook_webhook_attempts_total', { result: 'failed' }), 0);
      assert.ok(value(families, 'cashbook_webhook_deliveries', { status: 'succeeded' }) >= 0);
      assert.ok(value(families, 'cashbook_webhook_oldest_pending_seconds') >= 0);
      assert.equal(value(families, 'cashbook_scheduler_lag_seconds'), 0, 'no real-clock job is due');
      assert.ok(value(families, 'cashbook_process_cpu_user_seconds_total') > 0);
      assert.equal(value(families, 'cashbook_write_retries_total', { code: '40001' }), 0);
      if (kind === 'postgres') assert.ok(value(families, 'cashbook_postgres_pool_connections', { state: 'max' }) > 0);
      else assert.equal(families.has('cashbook_postgres_pool_connections'), false);
    });

    it('counts a reused key with other parameters, and a failing receiver as failed attempts with its delivery pending', async () => {
      const stripe = sdk(server.url, server.createdKey!);
      const failing = http.createServer((request, response) => request.resume().on('end', () => response.writeHead(500).end('down')));
      await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
      try {
        const customer = await stripe.customers.create();
        await stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 300, currency: 'usd' }, { idempotencyKey: 'metrics-reused' });
        await assert.rejects(stripe.testHelpers.customers.fundCashBalance(customer.id, { amount: 301, currency: 'usd' }, { idempotencyKey: 'metrics-reused' }), { type: 'StripeIdempotencyError' });
        await stripe.webhookEndpoints.create({ url: `http://127.0.0.1:${(failing.address() as { port: number }).port}/down`, enabled_events: ['customer.updated'] });
        await stripe.customers.update(customer.id, { name: 'Pending Delivery' });
        // The event's time is in whole seconds: its age shows once it is past the second it was made in.
        const families = await until('a failed attempt, its delivery pending, and an age', async () => {
          const now = await scrape(`${server.url}/metrics`);
          const failed = seriesValue(now, 'cashbook_webhook_attempts_total', { result: 'failed' }) ?? 0;
          const pending = seriesValue(now, 'cashbook_webhook_deliveries', { status: 'pending' }) ?? 0;
          const age = seriesValue(now, 'cashbook_webhook_oldest_pending_seconds') ?? 0;
          return failed >= 1 && pending >= 1 && age > 0 ? now : undefined;
        });
        assert.equal(value(families, 'cashbook_idempotency_total', { outcome: 'mismatch' }), 1);
        assert.equal(value(families, 'cashbook_http_requests_total', { method: 'POST', route: '/v1/test_helpers/customers/:customer/fund_cash_balance', status: '400' }), 1);
      } finally {
        failing.close();
      }
    });

    it('logs one JSON line per request: request id, account, route, status, duration', async () => {
      const stripe = sdk(server.url, server.createdKey!);
      const made = await stripe.customers.create({ email: 'logged@example.com' });
      const requestId = made.lastResponse.requestId;
      const line = await until('the request log line', async () =>
        server.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.reqId === requestId && l.msg === 'request'),
      );
      assert.equal(line.account, 'acct_default');
      assert.equal(line.route, '/v1/customers');
      assert.equal(line.method, 'POST');
      assert.equal(line.status, 200);
      assert.equal(typeof line.duration_ms, 'number');
    });

    it('is off by default, and on a port of its own with --metrics-port', async () => {
      const plain = await startCliServer(await database('off.db'));
      try {
        const off = await fetch(`${plain.url}/metrics`);
        assert.equal(off.status, 404);
        assert.equal(((await off.json()) as { error: { type: string } }).error.type, 'invalid_request_error');
      } finally {
        await plain.stop();
      }
      const separate = await startCliServer(await database('port.db'), { args: ['--metrics-port', '0'] });
      try {
        const at = /metrics: (http:\/\/\S+\/metrics)/.exec(separate.output())?.[1];
        assert.ok(at && !at.startsWith(separate.url), separate.output());
        assert.ok((await scrape(at)).has('cashbook_http_requests_total'));
        assert.equal((await fetch(`${separate.url}/metrics`)).status, 404, 'not on the API port too');
      } finally {
        await separate.stop();
      }
    });
  });
}
