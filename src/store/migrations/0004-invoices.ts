import type { Migration } from './types.ts';

// The credit balance's transactions, invoices and invoice items.
export const invoices: Migration = {
  version: 4,
  name: 'invoices',
  steps: [
    {
      kind: 'objectTable',
      table: 'customer_balance_transactions',
      columns: { customer: 'text', currency: 'text', invoice: 'text', type: 'text' },
      indexes: [['customer', 'seq'], ['customer', 'currency', 'seq'], ['customer', 'invoice', 'seq']],
    },
    {
      kind: 'objectTable',
      table: 'invoices',
      columns: { customer: 'text', status: 'text', collection_method: 'text', currency: 'text', number: 'text' },
      indexes: [['customer', 'seq'], ['status', 'seq'], ['customer', 'status', 'currency']],
    },
    {
      kind: 'objectTable',
      table: 'invoice_items',
      columns: { customer: 'text', invoice: 'text' },
      indexes: [['customer', 'seq'], ['invoice', 'seq']],
    },
    // Invoice numbers are bank-transfer references: unique per account (drafts have none).
    {
      kind: 'sql',
      sqlite: 'CREATE UNIQUE INDEX invoices_account_number ON invoices (account_id, number)',
      postgres: 'CREATE UNIQUE INDEX invoices_account_number ON invoices (account_id, number)',
    },
  ],
};
