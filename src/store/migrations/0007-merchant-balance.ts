import type { Migration } from './types.ts';

/**
 * The merchant balance as running totals, so `GET /v1/balance` reads a few rows instead of
 * every posting ever made to the merchant account. Each (currency) total is split over
 * `MERCHANT_SLOTS` rows (`merchant_available:<currency>:<slot>`), so concurrent payments of
 * one account on PostgreSQL rarely wait on the same row lock; the balance is their sum.
 * Existing postings are summed into slot 0.
 */
export const merchantBalance: Migration = {
  version: 7,
  name: 'merchant-balance',
  steps: [
    { kind: 'objectTable', table: 'ledger_balances', columns: { account: 'text', currency: 'text' }, indexes: [['account', 'currency']] },
    {
      kind: 'sql',
      sqlite: `INSERT INTO ledger_balances (account_id, id, created, account, currency, data)
        SELECT account_id, 'merchant_available:' || currency || ':0', 0, 'merchant_available', currency,
          json_object('id', 'merchant_available:' || currency || ':0', 'object', 'ledger_balance', 'created', 0,
            'account', 'merchant_available', 'currency', currency, 'amount', SUM(json_extract(data, '$.amount')))
        FROM ledger_postings WHERE account = 'merchant_available' GROUP BY account_id, currency`,
      postgres: `INSERT INTO ledger_balances (account_id, id, created, account, currency, data)
        SELECT account_id, 'merchant_available:' || currency || ':0', 0, 'merchant_available', currency,
          json_build_object('id', 'merchant_available:' || currency || ':0', 'object', 'ledger_balance', 'created', 0,
            'account', 'merchant_available', 'currency', currency, 'amount', SUM((data::json->>'amount')::bigint))::text
        FROM ledger_postings WHERE account = 'merchant_available' GROUP BY account_id, currency`,
    },
  ],
};
