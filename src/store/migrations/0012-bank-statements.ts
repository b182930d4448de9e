import type { Migration } from './types.ts';

/**
 * Bank statements in: the imported statements with their lines, one identity row per booked
 * entry (its id a hash of the entry's identity, so an entry is booked once per account), the
 * fundings a later reversal can name, and the credits that routed to no customer.
 */
export const bankStatements: Migration = {
  version: 12,
  name: 'bank-statements',
  steps: [
    { kind: 'objectTable', table: 'bank_statements', columns: {}, indexes: [] },
    { kind: 'objectTable', table: 'statement_entries', columns: {}, indexes: [] },
    { kind: 'objectTable', table: 'unmatched_transfers', columns: { status: 'text' }, indexes: [['status', 'seq']] },
  ],
};
