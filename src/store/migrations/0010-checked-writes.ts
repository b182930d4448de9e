import type { Migration } from './types.ts';

/**
 * PostgreSQL only: `cashbook_one_row(n, stale, what)` raises unless a write touched exactly one row,
 * with SQLSTATE 40001 (retried) when the row changed since the transaction read it, P0002
 * otherwise. The store sends writes in one message with COMMIT; a check made in the database
 * stops that message before COMMIT, where a check made on the answer would come after it.
 */
export const checkedWrites: Migration = {
  version: 10,
  name: 'checked-writes',
  steps: [
    {
      kind: 'sql',
      sqlite: 'SELECT 1',
      postgres: `CREATE FUNCTION cashbook_one_row(n bigint, stale boolean, what text) RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN
          IF n = 1 THEN RETURN 1; END IF;
          IF stale THEN RAISE EXCEPTION '% changed since it was read', what USING ERRCODE = '40001'; END IF;
          RAISE EXCEPTION 'expected to write one row (%), wrote %', what, n USING ERRCODE = 'P0002';
        END $$`,
    },
  ],
};
