// Takes a migration back out of a test database (its SQL, then its schema_migrations row), so
// that reopening the store runs it again over data written before it: how migration tests
// check what a migration does to an older database.
import Database from 'better-sqlite3';
import pg from 'pg';
import type { StoreKind } from './server.ts';

export async function undoMigration(kind: StoreKind, url: string, version: number, statements: string[]): Promise<void> {
  const all = [...statements, `DELETE FROM schema_migrations WHERE version = ${version}`];
  if (kind === 'sqlite') {
    const db = new Database(url);
    for (const sql of all) db.exec(sql);
    db.close();
    return;
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  for (const sql of all) await client.query(sql);
  await client.end();
}
