// Idle connections cannot lock clients out: a server under `ulimit -n 256` with 400 idle
// sockets open still serves an SDK client, and idle sockets are closed after the idle timeout.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Stripe from 'stripe';
import { startServerProcess, type ChildServer } from '../support/process.ts';

const KEY = 'sk_test_connections';

function openIdle(port: number, count: number): { sockets: net.Socket[]; closed: () => number } {
  let closed = 0;
  const sockets = Array.from({ length: count }, () => {
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('close', () => closed++);
    return socket;
  });
  return { sockets, closed: () => closed };
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('connection limits', () => {
  const servers: ChildServer[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashbook-conn-'));
  after(async () => {
    for (const server of servers) await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('400 idle sockets under a 256-descriptor limit leave room for a real client', async () => {
    const server = await startServerProcess({ databaseUrl: path.join(dir, 'a.db'), apiKey: KEY, launcher: ['prlimit', '--nofile=256:256'] });
    servers.push(server);
    const idle = openIdle(server.port, 400);
    // Let the server accept (and refuse) them all before the real client comes.
    await new Promise((r) => setTimeout(r, 1000));
    const stripe = new Stripe(KEY, { host: '127.0.0.1', port: server.port, protocol: 'http', maxNetworkRetries: 2, timeout: 20_000, telemetry: false });
    const customer = await stripe.customers.create({ email: 'room@example.com' });
    assert.match(customer.id, /^cus_/);
    assert.equal((await stripe.customers.retrieve(customer.id)).id, customer.id);
    assert.ok(idle.closed() > 0, 'the server closed idle sockets to make room');
    for (const socket of idle.sockets) socket.destroy();
  });

  it('closes sockets that stay idle past CASHBOOK_IDLE_TIMEOUT_MS, and keep-alive ones past CASHBOOK_KEEP_ALIVE_TIMEOUT_MS', async () => {
    const server = await startServerProcess({
      databaseUrl: path.join(dir, 'b.db'),
      apiKey: KEY,
      env: { CASHBOOK_IDLE_TIMEOUT_MS: '500', CASHBOOK_KEEP_ALIVE_TIMEOUT_MS: '300' },
    });
    servers.push(server);
    const idle = openIdle(server.port, 10);
    await until(() => idle.closed() === 10, 'the server to close 10 idle sockets');
    // A keep-alive connection that served a request is closed once it has been idle.
    const socket = net.connect(server.port, '127.0.0.1');
    let closed = false;
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => (closed = true));
    socket.write(`GET /v1/customers?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\n\r\n`);
    await until(() => closed, 'the keep-alive socket to be closed');
    assert.match(reply, /^HTTP\/1.1 200/);
  });
  it('answers a request whose body stalls with a 408 after CASHBOOK_REQUEST_TIMEOUT_MS, before the idle timeout closes it', async () => {
    // Node used to keep its 60 s headers timeout over a shorter request timeout: the idle timeout came first, without a word.
    const server = await startServerProcess({
      databaseUrl: path.join(dir, 'c.db'),
      apiKey: KEY,
      env: { CASHBOOK_REQUEST_TIMEOUT_MS: '1500', CASHBOOK_IDLE_TIMEOUT_MS: '20000' },
    });
    servers.push(server);
    const socket = net.connect(server.port, '127.0.0.1');
    let closed = false;
    let reply = '';
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('close', () => (closed = true));
    socket.on('error', () => {});
    socket.write(`POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=slow`);
    await until(() => closed, 'the stalled request to be answered');
    assert.match(reply, /^HTTP\/1.1 408/);
    assert.match(reply, /"type":"invalid_request_error"/);
  });
});
