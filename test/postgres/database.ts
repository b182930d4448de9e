// Databases for tests on PostgreSQL: one server per test run, one fresh database per suite.
// The server is CASHBOOK_TEST_DATABASE_URL when set (test/run.ts sets it to the embedded
// server it started; a user may point it at their own); otherwise, when a test file is run
// on its own, this process starts an embedded server and removes it when it exits.
import pg from 'pg';
import { createDatabase, startEmbeddedPostgres } from './embedded.ts';

let server: Promise<string> | undefined;

function testServerUrl(): Promise<string> {
  server ??= (async () => {
    const url = process.env.CASHBOOK_TEST_DATABASE_URL;
    if (url) return url;
    const embedded = await startEmbeddedPostgres({ cleanupOnExit: true });
    // Child processes a test spawns see the same server.
    process.env.CASHBOOK_TEST_DATABASE_URL = embedded.url;
    process.env.CASHBOOK_TEST_EMBEDDED = '1';
    return embedded.url;
  })();
  return server;
}

/** A fresh, empty database on the test server. */
export async function freshPostgresDatabase(): Promise<string> {
  return createDatabase(await testServerUrl());
}

/** Drops a database made by freshPostgresDatabase(), except on a throwaway embedded server (it goes whole). */
export async function dropPostgresDatabase(url: string): Promise<void> {
  if (process.env.CASHBOOK_TEST_EMBEDDED === '1') return;
  const name = new URL(url).pathname.slice(1);
  if (!/^cashbook_test_[a-z0-9_]+$/.test(name)) return;
  const client = new pg.Client({ connectionString: await testServerUrl() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
