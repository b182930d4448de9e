// The cash balance ledger: pure arithmetic over one customer's balance in one currency.
// Callers load the balance, ask for entries here, and persist both in one transaction.
import { assert } from './errors.ts';
import { assertMinorUnits } from './money.ts';

export const CASH_TRANSACTION_TYPES = [
  'adjusted_for_overdraft',
  'applied_to_payment',
  'funded',
  'funding_reversed',
  'refunded_from_payment',
  'return_canceled',
  'return_initiated',
  'transferred_to_balance',
  'unapplied_from_payment',
] as const;

export type CashTransactionType = (typeof CASH_TRANSACTION_TYPES)[number];

/** +1: the type adds money to the cash balance; -1: it removes money. */
export const CASH_TRANSACTION_SIGN: Record<CashTransactionType, 1 | -1> = {
  adjusted_for_overdraft: 1,
  applied_to_payment: -1,
  funded: 1,
  funding_reversed: -1,
  refunded_from_payment: 1,
  return_canceled: 1,
  return_initiated: -1,
  transferred_to_balance: -1,
  unapplied_from_payment: 1,
};

export interface CashMovement {
  type: CashTransactionType;
  /** Signed change in minor units; its sign must match the type. */
  netAmount: number;
}

export interface PostedCashMovement extends CashMovement {
  startingBalance: number;
  endingBalance: number;
}

/**
 * Posts movements in order against a starting balance. The balance may dip below zero only
 * through a funding reversal that the very next movement (an overdraft adjustment) brings
 * back to exactly zero.
 */
export function postCashMovements(startingBalance: number, movements: readonly CashMovement[]): PostedCashMovement[] {
  assertMinorUnits(startingBalance, 'starting balance');
  assert(startingBalance >= 0, `starting balance is negative: ${startingBalance}`);
  const posted: PostedCashMovement[] = [];
  let balance = startingBalance;
  for (const [index, movement] of movements.entries()) {
    assertMinorUnits(movement.netAmount, 'net amount');
    assert(movement.netAmount !== 0, `${movement.type} moves nothing`);
    assert(
      Math.sign(movement.netAmount) === CASH_TRANSACTION_SIGN[movement.type],
      `${movement.type} has the wrong sign: ${movement.netAmount}`,
    );
    const endingBalance = balance + movement.netAmount;
    assertMinorUnits(endingBalance, 'ending balance');
    if (endingBalance < 0) {
      const next = movements[index + 1];
      assert(movement.type === 'funding_reversed', `${movement.type} would overdraw the balance to ${endingBalance}`);
      assert(
        next?.type === 'adjusted_for_overdraft' && next.netAmount === -endingBalance,
        'an overdraft must be corrected by the next movement',
      );
    }
    if (movement.type === 'adjusted_for_overdraft') {
      assert(balance < 0 && endingBalance === 0, 'an overdraft adjustment must bring a negative balance to zero');
    }
    posted.push({ ...movement, startingBalance: balance, endingBalance });
    balance = endingBalance;
  }
  assert(balance >= 0, `balance left negative: ${balance}`);
  return posted;
}

/** Checks a whole chain of entries, oldest first: each ending balance follows from the last. */
export function checkCashChain(entries: readonly { net_amount: number; ending_balance: number }[], finalBalance: number): void {
  let balance = 0;
  for (const entry of entries) {
    assert(entry.ending_balance === balance + entry.net_amount, `chain broken at ending_balance ${entry.ending_balance}`);
    balance = entry.ending_balance;
  }
  assert(balance === finalBalance, `balance ${finalBalance} differs from the sum of its entries ${balance}`);
}
