import type { Migration } from './types.ts';

// Refunds and returns, the merchant balance (balance transactions and the double-entry
// postings behind every movement), test clocks, and the scheduler's due work (`due_at` in
// unix seconds on the real clock, or on the job's test clock when `test_clock` is set).
export const refunds: Migration = {
  version: 5,
  name: 'refunds',
  steps: [
    {
      kind: 'objectTable',
      table: 'refunds',
      columns: { charge: 'text', payment_intent: 'text', status: 'text' },
      indexes: [['charge', 'seq'], ['payment_intent', 'seq']],
    },
    {
      kind: 'objectTable',
      table: 'balance_transactions',
      columns: { currency: 'text', type: 'text', source: 'text' },
      indexes: [['currency', 'seq'], ['type', 'seq'], ['source', 'seq']],
    },
    { kind: 'objectTable', table: 'ledger_postings', columns: { account: 'text', currency: 'text', journal: 'text' }, indexes: [['account', 'currency']] },
    { kind: 'objectTable', table: 'test_clocks', columns: {}, indexes: [] },
    {
      kind: 'objectTable',
      table: 'scheduled_jobs',
      columns: { due_at: 'integer', status: 'text', test_clock: 'text', kind: 'text' },
      indexes: [['status', 'test_clock', 'due_at']],
    },
  ],
};
