// Graceful shutdown on PostgreSQL: SIGTERM while writes are in flight finishes them (each
// acknowledged write is in the database), then the process exits 0 promptly.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { startServerProcess, type ChildServer } from '../support/process.ts';
import { dropPostgresDatabase, freshPostgresDatabase } from './database.ts';

const KEY = 'sk_test_cashbook_shutdown_00000000000000';

describe('postgres: graceful shutdown', () => {
  let databaseUrl: string | undefined;
  let server: ChildServer | undefined;

  after(async () => {
    await server?.kill('SIGKILL');
    if (databaseUrl) await dropPostgresDatabase(databaseUrl);
  });

  it('finishes in-flight writes on SIGTERM, then exits 0', async () => {
    databaseUrl = await freshPostgresDatabase();
    server = await startServerProcess({ databaseUrl, apiKey: KEY, logLevel: 'error', env: { CASHBOOK_DATABASE_POOL_SIZE: '3' } });
    const url = server.url;
    const requests = Array.from({ length: 30 }, (_, i) =>
      fetch(`${url}/v1/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: `shutdown${i}@example.com` }),
      }).then(
        async (response) => ({ status: response.status, body: (await response.json()) as { id?: string } }),
        () => ({ status: 0, body: {} as { id?: string } }), // refused: arrived after the listener closed
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    const started = Date.now();
    const status = await server.stop(20_000);
    const results = await Promise.all(requests);
    assert.deepEqual(status, { code: 0, signal: null }, `exit after SIGTERM:\n${server.output()}`);
    assert.ok(Date.now() - started < 10_000, 'shutdown is prompt');
    const acknowledged = results.filter((r) => r.status === 200).map((r) => r.body.id!);
    assert.ok(results.every((r) => [0, 200, 503].includes(r.status)), `statuses: ${results.map((r) => r.status)}`);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT id FROM customers WHERE id = ANY($1)', [acknowledged]);
      assert.equal(rows.length, acknowledged.length, 'every acknowledged customer was committed');
    } finally {
      await client.end();
    }
  });
});
