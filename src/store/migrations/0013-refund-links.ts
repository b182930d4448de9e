import type { Migration } from './types.ts';

/**
 * Money out: links to the customer's refund bank-details page (tokens under the `_public`
 * pseudo-account), the merchant's own bank accounts, and the payment files for its bank.
 * Refunds get `currency` and `_outbound_file` columns (filled for existing rows) so that a
 * file finds the pending refunds no file holds yet.
 */
export const refundLinks: Migration = {
  version: 13,
  name: 'money-out',
  steps: [
    { kind: 'objectTable', table: 'refund_links', columns: {}, indexes: [] },
    { kind: 'objectTable', table: 'merchant_bank_accounts', columns: { currency: 'text' }, indexes: [] },
    { kind: 'objectTable', table: 'outbound_transfer_files', columns: { currency: 'text' }, indexes: [['currency', 'seq']] },
    { kind: 'addColumn', table: 'refunds', column: 'currency', type: 'text' },
    { kind: 'addColumn', table: 'refunds', column: '_outbound_file', type: 'text' },
    {
      kind: 'sql',
      sqlite: `UPDATE refunds SET currency = json_extract(data, '$.currency')`,
      postgres: `UPDATE refunds SET currency = data::json ->> 'currency'`,
    },
    { kind: 'addIndex', table: 'refunds', columns: ['status', 'currency', '_outbound_file'] },
  ],
};
