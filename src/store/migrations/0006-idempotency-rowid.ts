import type { Migration } from './types.ts';

/**
 * SQLite: idempotency keys move from a WITHOUT ROWID table keyed by (account_id, key) to a
 * rowid table with a unique index on the same pair. Keys are random (UUIDs from the SDK), so
 * the old table stored each ~1 KiB record, response included, in a random leaf page and split
 * pages constantly: 40% of the WAL written per write request. Now records are appended and
 * only a small index entry lands on a random page. Same columns, same uniqueness.
 * PostgreSQL heap tables already append; nothing changes there.
 */
export const idempotencyRowid: Migration = {
  version: 6,
  name: 'idempotency-rowid',
  steps: [
    {
      kind: 'sql',
      sqlite: `CREATE TABLE idempotency_keys_new (
          account_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, method TEXT NOT NULL,
          path TEXT NOT NULL, status_code INTEGER NOT NULL, response_body TEXT NOT NULL,
          request_id TEXT NOT NULL, created_at INTEGER NOT NULL);
        INSERT INTO idempotency_keys_new (account_id, key, request_hash, method, path, status_code, response_body, request_id, created_at)
          SELECT account_id, key, request_hash, method, path, status_code, response_body, request_id, created_at
          FROM idempotency_keys ORDER BY created_at;
        DROP TABLE idempotency_keys;
        ALTER TABLE idempotency_keys_new RENAME TO idempotency_keys;
        CREATE UNIQUE INDEX idempotency_keys_key ON idempotency_keys (account_id, key);
        CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);`,
      postgres: 'SELECT 1',
    },
  ],
};
