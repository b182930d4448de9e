import type { Migration } from './types.ts';

/** A cash entry's share of money in (core/refund.ts lotAmount): a credit other than an overdraft correction, unless `_lot` says otherwise. */
const LOT = (row: string) => `CASE WHEN ${row}.net_amount > 0 AND ${row}.type <> 'adjusted_for_overdraft' THEN COALESCE(${row}._lot, ${row}.net_amount) ELSE 0 END`;
/**
 * The merchant's outstanding overdraft cover after a cash entry, from the one before it: up by
 * a correction (the merchant paid a reversal's hole), down by a sweep to the merchant balance
 * (which takes the merchant's own money first), never below zero.
 */
const COVER = (row: string, previous: string, greatest: string) =>
  `CASE ${row}.type WHEN 'adjusted_for_overdraft' THEN ${previous} + ${row}.net_amount WHEN 'transferred_to_balance' THEN ${greatest}(0, ${previous} + ${row}.net_amount) ELSE ${previous} END`;

const LATEST = (column: string) => `(SELECT p.${column} FROM cash_balance_transactions p
  WHERE p.account_id = NEW.account_id AND p.customer = NEW.customer AND p.currency = NEW.currency AND p.seq < NEW.seq
  ORDER BY p.seq DESC LIMIT 1)`;

// Entries of before this migration that were a funding reversed in the same step (the test
// helper's `reversal_` reference), or a return canceled and swept in the same step (an
// automatic return that expired): neither is money that ages.
const MARK_LEGACY = `UPDATE cash_balance_transactions SET _lot = 0, data = substr(data, 1, length(data) - 1) || ',"_lot":0}'
  WHERE (account_id, seq) IN (
    SELECT account_id, seq FROM (
      SELECT account_id, seq, type, net_amount, created,
        LEAD(type) OVER w AS next_type, LEAD(net_amount) OVER w AS next_amount, LEAD(created) OVER w AS next_created
      FROM cash_balance_transactions
      WINDOW w AS (PARTITION BY account_id, customer, currency ORDER BY seq)) x
    WHERE next_amount = -net_amount AND next_created = created
      AND ((type = 'return_canceled' AND next_type = 'transferred_to_balance') OR (type = 'funded' AND next_type = 'funding_reversed')))`;

// `covered` starts at 0: money back written before this migration never recorded what it
// repaid, so summing the old corrections would hold back cover that was long settled.
const BACKFILL = `UPDATE cash_balance_transactions SET credited = w.credited, covered = 0
  FROM (SELECT account_id AS a, id AS i,
          SUM(${LOT('c')}) OVER (PARTITION BY account_id, customer, currency ORDER BY seq) AS credited
        FROM cash_balance_transactions c) AS w
  WHERE cash_balance_transactions.account_id = w.a AND cash_balance_transactions.id = w.i`;

/**
 * Money that comes back into a cash balance (a payment canceled, a refund that failed, a
 * return canceled) ages as a lot of its own, with a 75-day return and a 90-day sweep (spec
 * refunds §2: it follows the unreconciled-funds rules). Three things make that safe:
 * - `_lot`: a return canceled and swept in the same step, and a funding that was reversed,
 *   are not lots. Before, the swept return's `return_canceled` counted as new money and hid
 *   a later funding from its own 75-day return, which then never happened.
 * - `covered`: the merchant's overdraft cover not yet recovered (see COVER). A 75-day return
 *   pays the customer at most the balance less that cover: the rest is the merchant's, and the
 *   day-90 sweep gives it back.
 * - the `credited` trigger counts `_lot`, and keeps `covered` beside it.
 */
export const cashLots: Migration = {
  version: 17,
  name: 'cash-lots',
  steps: [
    { kind: 'addColumn', table: 'cash_balance_transactions', column: '_lot', type: 'integer' },
    // Like `credited`, not a declared column: only the trigger and cashCover touch it.
    { kind: 'sql', sqlite: 'ALTER TABLE cash_balance_transactions ADD COLUMN covered INTEGER', postgres: 'ALTER TABLE cash_balance_transactions ADD COLUMN covered BIGINT' },
    { kind: 'sql', sqlite: MARK_LEGACY, postgres: MARK_LEGACY },
    { kind: 'sql', sqlite: BACKFILL, postgres: BACKFILL },
    { kind: 'sql', sqlite: 'DROP TRIGGER cash_balance_transactions_credited', postgres: 'SELECT 1' },
    {
      kind: 'sql',
      sqlite: `CREATE TRIGGER cash_balance_transactions_credited AFTER INSERT ON cash_balance_transactions BEGIN
        UPDATE cash_balance_transactions SET credited = COALESCE(${LATEST('credited')}, 0) + ${LOT('NEW')},
          covered = (SELECT ${COVER('NEW', 'q.previous', 'MAX')} FROM (SELECT COALESCE(${LATEST('covered')}, 0) AS previous) q)
        WHERE seq = NEW.seq;
      END`,
      postgres: `CREATE OR REPLACE FUNCTION cashbook_cash_credited() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          previous_credited BIGINT;
          previous_covered BIGINT;
        BEGIN
          SELECT p.credited, p.covered INTO previous_credited, previous_covered FROM cash_balance_transactions p
            WHERE p.account_id = NEW.account_id AND p.customer = NEW.customer AND p.currency = NEW.currency
            ORDER BY p.seq DESC LIMIT 1;
          NEW.credited := COALESCE(previous_credited, 0) + ${LOT('NEW')};
          NEW.covered := ${COVER('NEW', 'COALESCE(previous_covered, 0)', 'GREATEST')};
          RETURN NEW;
        END $$`,
    },
  ],
};
