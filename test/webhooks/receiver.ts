// A local HTTP server that receives webhook deliveries and records them raw, with a
// switchable behaviour: answer a status, hang (to trigger timeouts), or be down.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

export interface Received {
  body: string;
  signature: string;
  headers: http.IncomingHttpHeaders;
  at: number;
  /** What the receiver answered. */
  answer?: Behaviour;
}

export type Behaviour = number | 'hang';

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** What the next requests get; a function sees each request in turn. */
  behave: Behaviour | ((request: Received, index: number) => Behaviour);
  /** Stops listening (the endpoint is "down"); `up()` listens again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
  /** Resolves once `predicate` holds, polling; rejects after `timeoutMs`. */
  waitFor(predicate: (received: Received[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Event ids received so far (duplicates included). */
  eventIds(): string[];
  /** Event ids the receiver acknowledged with a 2xx. */
  ackedIds(): Set<string>;
}

export async function startReceiver(port = 0): Promise<Receiver> {
  const hanging = new Set<http.ServerResponse>();
  let server: http.Server;
  const receiver: Receiver = {
    url: '',
    port,
    received: [],
    behave: 200,
    async down() {
      for (const response of hanging) response.destroy();
      hanging.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    async up() {
      await listen();
    },
    async close() {
      await receiver.down().catch(() => undefined);
    },
    async waitFor(predicate, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(receiver.received)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting; received ${receiver.received.length} deliveries`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    ackedIds() {
      return new Set(receiver.received.filter((r) => typeof r.answer === 'number' && r.answer < 300).map((r) => (JSON.parse(r.body) as { id: string }).id));
    },
    eventIds() {
      return receiver.received.map((r) => (JSON.parse(r.body) as { id: string }).id);
    },
  };
  function listen(): Promise<void> {
    server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const entry: Received = { body: Buffer.concat(chunks).toString('utf8'), signature: String(request.headers['stripe-signature'] ?? ''), headers: request.headers, at: Date.now() };
        const index = receiver.received.length;
        receiver.received.push(entry);
        const behaviour = typeof receiver.behave === 'function' ? receiver.behave(entry, index) : receiver.behave;
        entry.answer = behaviour;
        if (behaviour === 'hang') {
          hanging.add(response);
          return;
        }
        response.writeHead(behaviour, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    return new Promise((resolve) => {
      server.listen(receiver.port, '127.0.0.1', () => {
        receiver.port = (server.address() as AddressInfo).port;
        receiver.url = `http://127.0.0.1:${receiver.port}/webhooks`;
        resolve();
      });
    });
  }
  await listen();
  return receiver;
}

/** Verifies a delivery with the official SDK, as a user's handler would. */
export function verify(received: Received, secret: string, tolerance?: number): Stripe.Event {
  return Stripe.webhooks.constructEvent(received.body, received.signature, secret, tolerance);
}
