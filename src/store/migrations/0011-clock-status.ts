import type { Migration } from './types.ts';

/** A cash entry's share of money in: positive, other than an overdraft correction (FIFO lots). */
const LOT = (row: string) => `CASE WHEN ${row}.net_amount > 0 AND ${row}.type <> 'adjusted_for_overdraft' THEN ${row}.net_amount ELSE 0 END`;

/** Each row's `credited`: the running total of lots of its customer and currency, through it. */
const BACKFILL = `UPDATE cash_balance_transactions SET credited = w.credited
  FROM (SELECT account_id AS a, id AS i, SUM(${LOT('c')}) OVER (PARTITION BY account_id, customer, currency ORDER BY seq) AS credited
        FROM cash_balance_transactions c) AS w
  WHERE cash_balance_transactions.account_id = w.a AND cash_balance_transactions.id = w.i`;

const PREVIOUS = (row: string) => `(SELECT p.credited FROM cash_balance_transactions p
  WHERE p.account_id = ${row}.account_id AND p.customer = ${row}.customer AND p.currency = ${row}.currency AND p.seq < ${row}.seq
  ORDER BY p.seq DESC LIMIT 1)`;

/**
 * Test clocks advance in the background: `status` and `frozen_time` become columns so that a
 * start finds the advances a restart interrupted. Clocks stored before this were all `ready`
 * (advances ran inside their request), so their empty columns never match `advancing`.
 *
 * What is left of a funding (FIFO ageing, for its day-75 return and day-90 sweep) was a
 * replay of the customer's whole history per job, which made an advance over N fundings
 * O(N^2). Each cash entry now carries `credited`, the running total of money in for its
 * customer and currency, kept by the database on insert (a trigger: the store interface and
 * the objects are unchanged), so "money in since this funding" is two indexed reads.
 */
export const clockStatus: Migration = {
  version: 11,
  name: 'clock-status',
  steps: [
    { kind: 'addColumn', table: 'test_clocks', column: 'status', type: 'text' },
    { kind: 'addColumn', table: 'test_clocks', column: 'frozen_time', type: 'integer' },
    { kind: 'addIndex', table: 'test_clocks', columns: ['status'] },
    { kind: 'addColumn', table: 'cash_balance_transactions', column: 'net_amount', type: 'integer' },
    {
      kind: 'sql',
      sqlite: `UPDATE cash_balance_transactions SET net_amount = json_extract(data, '$.net_amount')`,
      postgres: `UPDATE cash_balance_transactions SET net_amount = (data::json ->> 'net_amount')::bigint`,
    },
    { kind: 'addIndex', table: 'cash_balance_transactions', columns: ['customer', 'currency', 'seq'] },
    // Not a declared column: object writes never touch it; only the trigger and cashCreditsAfter do.
    { kind: 'sql', sqlite: 'ALTER TABLE cash_balance_transactions ADD COLUMN credited INTEGER', postgres: 'ALTER TABLE cash_balance_transactions ADD COLUMN credited BIGINT' },
    { kind: 'sql', sqlite: BACKFILL, postgres: BACKFILL },
    {
      kind: 'sql',
      sqlite: `CREATE TRIGGER cash_balance_transactions_credited AFTER INSERT ON cash_balance_transactions BEGIN
        UPDATE cash_balance_transactions SET credited = COALESCE(${PREVIOUS('NEW')}, 0) + ${LOT('NEW')} WHERE seq = NEW.seq;
      END`,
      postgres: `CREATE FUNCTION cashbook_cash_credited() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          NEW.credited := COALESCE((SELECT p.credited FROM cash_balance_transactions p
            WHERE p.account_id = NEW.account_id AND p.customer = NEW.customer AND p.currency = NEW.currency
            ORDER BY p.seq DESC LIMIT 1), 0) + ${LOT('NEW')};
          RETURN NEW;
        END $$`,
    },
    {
      kind: 'sql',
      sqlite: 'SELECT 1',
      postgres: 'CREATE TRIGGER cash_balance_transactions_credited BEFORE INSERT ON cash_balance_transactions FOR EACH ROW EXECUTE FUNCTION cashbook_cash_credited()',
    },
  ],
};
