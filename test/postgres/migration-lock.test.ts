// A second instance starts while another migrates for longer than the lock timeout of requests
// (10 s): it waits for the migration lock and then starts, instead of failing with 55P03.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/open.ts';
import { MIGRATION_LOCK } from '../../src/store/postgres/store.ts';
import { dropPostgresDatabase, freshPostgresDatabase } from './database.ts';

describe('postgres: the migration lock', () => {
  let databaseUrl: string | undefined;
  after(async () => {
    if (databaseUrl) await dropPostgresDatabase(databaseUrl);
  });

  it('is waited for past the request lock timeout, and the store then opens with that timeout back', async () => {
    databaseUrl = await freshPostgresDatabase();
    const other = new pg.Client({ connectionString: databaseUrl });
    await other.connect();
    await other.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
    const opening = openStore(databaseUrl, { poolSize: 1 });
    let opened = false;
    void opening.then(() => (opened = true), () => undefined);
    await new Promise((resolve) => setTimeout(resolve, 11_000));
    assert.equal(opened, false, 'it waits while the other instance migrates');
    await other.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
    await other.end();
    const store = await opening;
    try {
      // The one pooled connection migrated: requests on it have their lock timeout again.
      const timeout = await store.read(async (tx) => (tx as unknown as { db: pg.PoolClient }).db.query('SHOW lock_timeout'));
      assert.equal(timeout.rows[0].lock_timeout, '10s');
    } finally {
      await store.close();
    }
  });
});
