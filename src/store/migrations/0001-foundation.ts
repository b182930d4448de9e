import type { Migration } from './types.ts';

export const foundation: Migration = {
    version: 1,
    name: 'foundation',
    steps: [
      { kind: 'objectTable', table: 'accounts', columns: {}, indexes: [] },
      { kind: 'objectTable', table: 'customers', columns: { email: 'text', test_clock: 'text', _deleted: 'integer' }, indexes: [['_deleted', 'seq']] },
      {
        kind: 'objectTable',
        table: 'cash_balance_transactions',
        columns: { customer: 'text', currency: 'text', type: 'text' },
        indexes: [['customer', 'seq']],
      },
      {
        kind: 'objectTable',
        table: 'virtual_bank_accounts',
        columns: { customer: 'text', bank_transfer_type: 'text', country: 'text', account_number: 'text' },
        indexes: [['customer', 'bank_transfer_type', 'country'], ['account_number']],
      },
      { kind: 'objectTable', table: 'events', columns: { type: 'text' }, indexes: [['type', 'seq']] },
      {
        kind: 'sql',
        sqlite: `CREATE TABLE cash_balances (
          account_id TEXT NOT NULL, customer_id TEXT NOT NULL, currency TEXT NOT NULL,
          available INTEGER NOT NULL, PRIMARY KEY (account_id, customer_id, currency)) WITHOUT ROWID`,
        postgres: `CREATE TABLE cash_balances (
          account_id TEXT NOT NULL, customer_id TEXT NOT NULL, currency TEXT NOT NULL,
          available BIGINT NOT NULL, PRIMARY KEY (account_id, customer_id, currency))`,
      },
      {
        kind: 'sql',
        sqlite: `CREATE TABLE api_keys (
          key_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL, livemode INTEGER NOT NULL,
          created INTEGER NOT NULL, last4 TEXT NOT NULL) WITHOUT ROWID`,
        postgres: `CREATE TABLE api_keys (
          key_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL, livemode BOOLEAN NOT NULL,
          created BIGINT NOT NULL, last4 TEXT NOT NULL)`,
      },
      {
        kind: 'sql',
        sqlite: `CREATE TABLE idempotency_keys (
          account_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, method TEXT NOT NULL,
          path TEXT NOT NULL, status_code INTEGER NOT NULL, response_body TEXT NOT NULL,
          request_id TEXT NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY (account_id, key)) WITHOUT ROWID`,
        postgres: `CREATE TABLE idempotency_keys (
          account_id TEXT NOT NULL, key TEXT NOT NULL, request_hash TEXT NOT NULL, method TEXT NOT NULL,
          path TEXT NOT NULL, status_code INTEGER NOT NULL, response_body TEXT NOT NULL,
          request_id TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (account_id, key))`,
      },
      { kind: 'sql', sqlite: 'CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)', postgres: 'CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)' },
    ],
  };
