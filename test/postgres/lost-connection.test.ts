// PostgreSQL ends a connection Cashbook is using (a restart, a DBA's pg_terminate_backend,
// idle_in_transaction_session_timeout): the requests on it fail with a Stripe-shaped 500,
// the pool replaces the connection, and the process keeps serving. It used to exit
// (an unhandled 'error' from the pg client while checked out of the pool).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { startServerProcess, type ChildServer } from '../support/process.ts';
import { dropPostgresDatabase, freshPostgresDatabase } from './database.ts';

const KEY = 'sk_test_cashbook_lostconn_000000000000';

describe('postgres: a connection lost while in use', () => {
  let databaseUrl: string | undefined;
  let server: ChildServer | undefined;

  after(async () => {
    await server?.kill('SIGKILL');
    if (databaseUrl) await dropPostgresDatabase(databaseUrl);
  });

  it('fails only the requests on it (500 api_error), and the server keeps serving', async () => {
    databaseUrl = await freshPostgresDatabase();
    server = await startServerProcess({ databaseUrl, apiKey: KEY, logLevel: 'error', env: { CASHBOOK_DATABASE_POOL_SIZE: '4' } });
    const url = server.url;
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' };
    const customer = (await (await fetch(`${url}/v1/customers`, { method: 'POST', headers, body: 'email=lost@example.com' })).json()) as { id: string };
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const name = new URL(databaseUrl).pathname.slice(1);
    let running = true;
    const statuses: number[] = [];
    const acknowledged: string[] = [];
    const client = async (n: number) => {
      for (let i = 0; running; i++) {
        const response = await fetch(`${url}/v1/test_helpers/customers/${customer.id}/fund_cash_balance`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': `lost-${n}-${i}` },
          body: 'amount=1&currency=eur',
        }).catch(() => undefined);
        if (!response) continue; // the server process is checked below
        statuses.push(response.status);
        const body = (await response.json()) as { id?: string; error?: { type?: string; message?: string } };
        if (response.status === 200) acknowledged.push(body.id!);
        else assert.equal(body.error?.type, 'api_error', `a Stripe-shaped error: ${JSON.stringify(body)}`);
      }
    };
    const clients = Array.from({ length: 6 }, (_, n) => client(n));
    try {
      // Each round ends every connection of the server's that is running a statement.
      for (let round = 0; round < 15; round++) {
        await new Promise((resolve) => setTimeout(resolve, 60));
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'",
          [name],
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      running = false;
      await Promise.all(clients);
    }
    assert.equal(server.child.exitCode, null, `the server is still running:\n${server.output()}`);
    assert.ok(statuses.every((s) => s === 200 || s === 500), `statuses: ${[...new Set(statuses)]}`);
    // Still serving, and every acknowledged funding is there.
    const after = await fetch(`${url}/v1/customers/${customer.id}/cash_balance`, { headers });
    assert.equal(after.status, 200);
    const { rows } = await admin.query('SELECT COUNT(*)::int AS n FROM cash_balance_transactions WHERE id = ANY($1)', [acknowledged]);
    assert.equal(rows[0].n, acknowledged.length);
    assert.equal(((await after.json()) as { available: { eur: number } }).available.eur, acknowledged.length);
    await admin.end();
  });
});
