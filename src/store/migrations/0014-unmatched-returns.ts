import type { Migration } from './types.ts';

/**
 * Returned unmatched transfers are paid out by the payment files: unmatched transfers get
 * `currency` and `outbound_transfer_file` columns (currency filled for existing rows) so that
 * a file finds the returned transfers of its currency that no file holds yet.
 */
export const unmatchedReturns: Migration = {
  version: 14,
  name: 'unmatched-returns',
  steps: [
    { kind: 'addColumn', table: 'unmatched_transfers', column: 'currency', type: 'text' },
    { kind: 'addColumn', table: 'unmatched_transfers', column: 'outbound_transfer_file', type: 'text' },
    {
      kind: 'sql',
      sqlite: `UPDATE unmatched_transfers SET currency = json_extract(data, '$.currency')`,
      postgres: `UPDATE unmatched_transfers SET currency = data::json ->> 'currency'`,
    },
    { kind: 'addIndex', table: 'unmatched_transfers', columns: ['status', 'currency', 'outbound_transfer_file'] },
  ],
};
