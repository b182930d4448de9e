// Replies the HTTP layer makes before any route runs are Stripe-shaped too: sent over a raw
// socket, since an SDK or fetch would refuse to send most of these requests.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type Stripe from 'stripe';
import { startTestServer, type TestServer } from '../support/server.ts';
import { describeEachStore } from '../support/suite.ts';
import { intent } from './payments-helpers.ts';

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Sends `request` as is and reads the reply until the server closes or the body is complete. */
export async function rawRequest(url: string, request: string | Buffer): Promise<RawReply> {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const chunks: Buffer[] = [];
  const text = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no complete reply to ${JSON.stringify(String(request).slice(0, 80))}`)), 15_000);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const sofar = Buffer.concat(chunks).toString('utf8');
      const split = sofar.indexOf('\r\n\r\n');
      const length = /content-length: *(\d+)/i.exec(sofar.slice(0, split))?.[1];
      if (split >= 0 && length !== undefined && Buffer.byteLength(sofar.slice(split + 4)) >= Number(length)) finish();
    });
    socket.on('end', finish);
    socket.on('error', (error) => (chunks.length ? finish() : reject(error)));
    socket.write(request);
  });
  const split = text.indexOf('\r\n\r\n');
  const [statusLine, ...headerLines] = text.slice(0, split).split('\r\n');
  const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  const rawBody = text.slice(split + 4);
  let body: unknown = rawBody;
  try {
    body = JSON.parse(rawBody);
  } catch {
    // the assertion below shows the text
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

function assertStripeError(reply: RawReply, status: number, expected: { code?: string; message?: RegExp } = {}) {
  assert.equal(reply.status, status, JSON.stringify(reply.body));
  assert.equal(typeof reply.body, 'object', `a JSON body, not ${JSON.stringify(reply.body)}`);
  const error = (reply.body as { error?: Record<string, unknown> }).error;
  assert.ok(error, `an error object: ${JSON.stringify(reply.body)}`);
  assert.equal(error.type, 'invalid_request_error');
  assert.equal(typeof error.message, 'string');
  assert.doesNotMatch(JSON.stringify(reply.body), /FST_ERR|statusCode|Client Error/);
  if (expected.code) assert.equal(error.code, expected.code);
  if (expected.message) assert.match(String(error.message), expected.message);
  assert.match(reply.headers['content-type'] ?? '', /application\/json/);
  assert.match(reply.headers['request-id'] ?? '', /^req_[0-9A-Za-z]{14}$/, 'a Request-Id on every reply');
}

describe('the HTTP layer answers in Stripe\'s shape', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => server.close());
  const auth = () => `Authorization: Bearer ${server.key}\r\n`;
  const get = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${auth()}${extra}Connection: close\r\n\r\n`;

  it('an id over the router\'s length limit is an unknown id (404 resource_missing)', async () => {
    const { stripe } = server;
    const long = `cus_${'a'.repeat(150)}`;
    await assert.rejects(stripe.customers.retrieve(long), (error: Stripe.errors.StripeError) => error.statusCode === 404 && error.code === 'resource_missing');
    assertStripeError(await rawRequest(server.url, get(`/v1/customers/cus_${'b'.repeat(5000)}`)), 404, { code: 'resource_missing' });
    assertStripeError(await rawRequest(server.url, get(`/v1/payment_intents/pi_${'b'.repeat(3000)}/cancel`.replace('GET', 'POST'))), 404);
  });

  it('a malformed percent escape in the path is a 400, for the API and the hosted page alike', async () => {
    assertStripeError(await rawRequest(server.url, get('/v1/customers/%ZZ')), 400, { message: /malformed/ });
    assertStripeError(await rawRequest(server.url, get('/bank_transfers/instructions/%ZZ')), 400, { message: /malformed/ });
    assertStripeError(await rawRequest(server.url, get('/v1/customers/cus_1%E0%A4%A')), 400);
  });

  it('headers or a query over Node\'s limit get 431 with Stripe\'s body', async () => {
    assertStripeError(await rawRequest(server.url, get(`/v1/customers?email=${'x'.repeat(20_000)}`)), 431);
    assertStripeError(await rawRequest(server.url, get('/v1/customers', `X-Big: ${'y'.repeat(20_000)}\r\n`)), 431);
  });

  it('malformed HTTP gets a 400 with Stripe\'s body', async () => {
    const cases = {
      'Content-Length: abc': `POST /v1/customers HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: abc\r\n\r\nemail=a`,
      'a control character in a header': `GET /v1/customers HTTP/1.1\r\nHost: x\r\n${auth()}X-Evil: a\u0001b\r\n\r\n`,
      'Content-Length and Transfer-Encoding': `POST /v1/customers HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nemail=a\r\n0\r\n\r\n`,
      'an unknown method': `FROB /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n`,
      'not HTTP at all': 'hello there\r\n\r\n',
      'two Content-Length headers': `POST /v1/customers HTTP/1.1\r\nHost: x\r\n${auth()}Content-Length: 5\r\nContent-Length: 6\r\n\r\nemail=`,
      'HTTP/1.1 without Host': `GET /v1/customers HTTP/1.1\r\n${auth()}\r\n`,
    };
    const messages: Record<string, RegExp> = {
      'Content-Length and Transfer-Encoding': /both Content-Length and Transfer-Encoding/,
      'two Content-Length headers': /more than one Content-Length/,
      'HTTP/1.1 without Host': /requires a Host header/,
    };
    for (const [name, request] of Object.entries(cases)) {
      const reply = await rawRequest(server.url, request);
      assert.ok(reply.status >= 400 && reply.status < 500, `${name}: ${reply.status}`);
      assertStripeError(reply, reply.status, { message: messages[name] });
    }
    // HTTP/1.0 needs no Host.
    assert.equal((await rawRequest(server.url, `GET /healthz HTTP/1.0\r\n\r\n`)).status, 200);
    // The server still serves afterwards.
    assert.ok((await server.stripe.customers.list({ limit: 1 })).object === 'list');
  });

  it('a request pipelined before a malformed one is answered before the 400', async () => {
    const email = `pipelined-${Date.now()}@example.com`;
    const body = `email=${encodeURIComponent(email)}`;
    const valid = `POST /v1/customers HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    for (const malformed of ['GARBAGE\r\n\r\n', `GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Evil: a\u0001b\r\n\r\n`]) {
      const text = await new Promise<string>((resolve, reject) => {
        const { hostname, port } = new URL(server.url);
        const socket = net.connect(Number(port), hostname);
        const chunks: Buffer[] = [];
        const timer = setTimeout(() => reject(new Error('the server did not close the connection')), 15_000);
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        socket.on('error', () => undefined);
        socket.write(valid + malformed); // one write: both reach the parser together
      });
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      assert.deepEqual(statuses, [200, 400], `the customer's 200, then the 400: ${text.slice(0, 300)}`);
      const created = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4, text.indexOf('HTTP/1.1 400'))) as { id: string; email: string };
      assert.equal(created.email, email);
      assert.equal((await server.stripe.customers.retrieve(created.id) as Stripe.Customer).email, email);
    }
  });

  it('a request pipelined behind a refused body, or behind one without Host, is answered too', async () => {
    const form = (body: string, type = 'application/x-www-form-urlencoded', extra = '') =>
      `POST /v1/customers HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;
    const noHost = `GET /v1/customers HTTP/1.1\r\n${auth()}\r\n`;
    for (const [name, first] of [
      ['bad JSON', form('{bad', 'application/json')],
      ['a malformed escape', form('a%ZZ=1')],
      ['__proto__', form('__proto__=1')],
      ['an unsupported type', form('a,b', 'text/csv')],
      ['too deep', form('a[b][c][d][e][f][g][h]=1')],
      ['no Host', noHost],
    ] as const) {
      const nameParam = `pipelined-behind-${Date.now()}-${Math.random().toString(36).slice(2)}`;
      const second = form(`name=${nameParam}`, 'application/x-www-form-urlencoded', 'Connection: close\r\n');
      const text = await new Promise<string>((resolve, reject) => {
        const { hostname, port } = new URL(server.url);
        const socket = net.connect(Number(port), hostname);
        const chunks: Buffer[] = [];
        const timer = setTimeout(() => reject(new Error(`${name}: the server did not close the connection`)), 15_000);
        socket.on('data', (chunk) => chunks.push(chunk));
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(Buffer.concat(chunks).toString('utf8'));
        });
        socket.on('error', () => undefined);
        socket.write(first + second);
      });
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      assert.deepEqual(statuses, [400, 200], `${name}: ${text.slice(0, 300)}`);
      const found = await server.stripe.customers.search({ query: `name:'${nameParam}'` });
      assert.equal(found.data.length, 1, `${name}: the second request ran once`);
    }
  });

  it("Node's own replies are Stripe-shaped too: an Expect it does not know, a CONNECT", async () => {
    const expect = await rawRequest(server.url, `POST /v1/customers HTTP/1.1\r\nHost: x\r\n${auth()}Expect: foo\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 6\r\n\r\nname=x`);
    assertStripeError(expect, 417, { message: /Expect/ });
    const connect = await rawRequest(server.url, 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n');
    assertStripeError(connect, 405, { message: /CONNECT/ });
    // An empty text/plain body (fetch's default for body: '') is no parameters.
    const plain = await fetch(`${server.url}/v1/customers`, { method: 'POST', headers: { authorization: `Bearer ${server.key}` }, body: '' });
    assert.equal(plain.status, 200);
  });

  it('a request whose own chunked body is malformed gets its 400 at once', async () => {
    // rawRequest gives up after 15 s: before, the server waited for the connection's idle timeout.
    const reply = await rawRequest(server.url, `POST /v1/customers HTTP/1.1\r\nHost: x\r\n${auth()}Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`);
    assertStripeError(reply, 400);
  });

  it('paths Cashbook does not serve are Unrecognized request URLs, other methods on search paths included', async () => {
    for (const resource of ['customers', 'payment_intents', 'invoices', 'charges']) {
      for (const method of ['POST', 'DELETE']) {
        const reply = await server.request(method, `/v1/${resource}/search?query=email:'a@b.c'`);
        assert.equal(reply.status, 404, `${method} /v1/${resource}/search`);
        assert.match((reply.body as { error: { message: string } }).error.message, new RegExp(`^Unrecognized request URL \\(${method}: /v1/${resource}/search\\)`));
      }
    }
    const reply = await server.request('GET', '/v1/subscriptions');
    assert.match((reply.body as { error: { message: string } }).error.message, /^Unrecognized request URL \(GET: \/v1\/subscriptions\)/);
  });
});

describeEachStore('idempotent replays and expansion of deleted customers', (server) => {
  it('concurrent replays of a finished request all get its stored answer, never 409', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'replay@example.com' });
    const key = `replay-${Date.now()}`;
    const path = `/v1/test_helpers/customers/${customer.id}/fund_cash_balance`;
    const first = await server().request('POST', path, { form: 'amount=700&currency=eur', headers: { 'idempotency-key': key } });
    assert.equal(first.status, 200);
    // Other writes in the same moments keep the write queue busy, as a loaded server's is.
    const busy = Array.from({ length: 20 }, (_, i) => stripe.customers.create({ email: `busy${i}@example.com` }));
    const replays = await Promise.all(
      Array.from({ length: 30 }, () => server().request('POST', path, { form: 'amount=700&currency=eur', headers: { 'idempotency-key': key } })),
    );
    await Promise.all(busy);
    assert.deepEqual(replays.map((r) => r.status), replays.map(() => 200), JSON.stringify(replays.find((r) => r.status !== 200)?.body));
    for (const replay of replays) {
      assert.deepEqual(replay.body, first.body);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    }
    const txns = await stripe.customers.listCashBalanceTransactions(customer.id, { limit: 100 });
    assert.equal(txns.data.length, 1, 'one funding, however many replays');
  });

  it('expanding a deleted customer\'s cash balance gives the deleted stub, not a 404', async () => {
    const { stripe } = server();
    const customer = await stripe.customers.create({ email: 'gone@example.com' });
    const pi = await intent(stripe, customer.id, 1000, { currency: 'eur', confirm: false });
    await stripe.customers.del(customer.id);
    for (const expand of ['customer', 'customer.cash_balance', 'customer.invoice_credit_balance']) {
      const read = await stripe.paymentIntents.retrieve(pi.id, { expand: [expand] });
      assert.deepEqual(read.customer, { id: customer.id, object: 'customer', deleted: true }, expand);
    }
    const list = await stripe.paymentIntents.list({ customer: customer.id, expand: ['data.customer.cash_balance'] });
    assert.deepEqual(list.data.map((pi) => pi.customer), [{ id: customer.id, object: 'customer', deleted: true }]);
  });
});
