// Starts Cashbook in-process for a test, on a fresh database, with the official SDK pointed
// at it. Every response is checked against the OpenAPI subset; `violations` collects failures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Stripe from 'stripe';
import { buildApp } from '../../src/app.ts';
import { ensureDefaultAccount } from '../../src/resources/accounts/service.ts';
import { openStore } from '../../src/store/open.ts';
import { closeApp } from '../../src/connections.ts';
import type { Store } from '../../src/store/types.ts';
import type { Clock } from '../../src/core/clock.ts';
import { checkResponse, type Violation } from './openapi.ts';
import { startWebhookWorker, type WorkerOptions } from '../../src/webhooks/worker.ts';
import { dropPostgresDatabase, freshPostgresDatabase } from '../postgres/database.ts';
import { registerServerDatabase, rememberClientDatabase } from './databases.ts';

export const TEST_KEY = 'sk_test_cashbook_suite_0000000000000000';

export interface TestServer {
  stripe: Stripe;
  url: string;
  key: string;
  store: Store;
  violations: Violation[];
  /** Sends a raw request (for what the SDK cannot express) with the test key unless told otherwise. */
  request(method: string, path: string, options?: { form?: string; json?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any }>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'cashbook-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export type StoreKind = 'sqlite' | 'postgres';

/** The stores every integration suite runs over (CASHBOOK_TEST_STORES=sqlite,postgres narrows it). */
export const STORES: StoreKind[] = process.env.CASHBOOK_TEST_STORES
  ? (process.env.CASHBOOK_TEST_STORES.split(',') as StoreKind[])
  : ['sqlite', 'postgres'];

/** A fresh database: a new SQLite file, or a new database on the test run's PostgreSQL server. */
export async function databaseUrlFor(kind: StoreKind): Promise<string> {
  if (kind === 'postgres') return freshPostgresDatabase();
  return path.join(tempDir(), 'cashbook.db');
}

export function sdk(url: string, key: string): Stripe {
  const { hostname, port } = new URL(url);
  const stripe = new Stripe(key, { host: hostname, port: Number(port), protocol: 'http', maxNetworkRetries: 0, telemetry: false });
  rememberClientDatabase(stripe, url); // for the ledger checks (invariants.ts)
  return stripe;
}

/** Webhook delivery in tests: fast polls, short timeouts, retries within a second or two. */
export const TEST_WEBHOOKS = { liveSchedule: [0.05, 0.1, 0.2, 0.4, 0.8], testSchedule: [0.05, 0.1, 0.2, 0.4, 0.8], timeoutMs: 500, concurrency: 4, pollMs: 20, batchSize: 32 };

export async function startTestServer(options: { store?: StoreKind; clock?: Clock; webhooks?: Partial<Omit<WorkerOptions, 'store'>> } = {}): Promise<TestServer> {
  const databaseUrl = await databaseUrlFor(options.store ?? 'sqlite');
  const store = await openStore(databaseUrl);
  const { app } = await buildApp({ store, clock: options.clock, logLevel: 'error' });
  await ensureDefaultAccount(store, Math.floor(Date.now() / 1000), TEST_KEY);
  const violations: Violation[] = [];
  app.addHook('onSend', async (request, reply, payload) => {
    if (typeof payload === 'string' && String(reply.getHeader('content-type') ?? '').includes('json')) {
      const violation = checkResponse(request.method, request.url, reply.statusCode, payload);
      if (violation) violations.push(violation);
      if (reply.statusCode >= 500) violations.push({ method: request.method, url: request.url, status: reply.statusCode, problem: `server error: ${payload}` });
    }
    return payload;
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const worker = startWebhookWorker({ ...TEST_WEBHOOKS, ...options.webhooks, store, log: app.log });
  const address = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  registerServerDatabase(url, databaseUrl);
  return {
    stripe: sdk(url, TEST_KEY),
    url,
    key: TEST_KEY,
    store,
    violations,
    async request(method, requestPath, requestOptions = {}) {
      const headers: Record<string, string> = { authorization: `Bearer ${TEST_KEY}`, ...requestOptions.headers };
      let body: string | undefined;
      if (requestOptions.form !== undefined) {
        headers['content-type'] ??= 'application/x-www-form-urlencoded';
        body = requestOptions.form;
      } else if (requestOptions.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(requestOptions.json);
      }
      const response = await fetch(url + requestPath, { method, headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // Not JSON: the test sees the raw text.
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
    async close() {
      await worker.stop();
      await closeApp(app); // a browser's keep-alive sockets would hold a plain close open
      await store.close();
      if (options.store === 'postgres') await dropPostgresDatabase(databaseUrl);
      else fs.rmSync(path.dirname(databaseUrl), { recursive: true, force: true }); // the test's own temp folder
    },
  };
}
