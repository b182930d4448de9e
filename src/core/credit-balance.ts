// The credit ("invoice") balance: pure arithmetic over one customer's balance in one currency.
// Negative = credit (the merchant owes the customer), positive = debit, as Stripe's `balance`.
import { assert } from './errors.ts';
import { assertMinorUnits } from './money.ts';

export const CREDIT_TRANSACTION_TYPES = [
  'adjustment',
  'applied_to_invoice',
  'credit_note',
  'initial',
  'invoice_overpaid',
  'invoice_too_large',
  'invoice_too_small',
  'migration',
  'unapplied_from_invoice',
  'unspent_receiver_credit',
] as const;

export type CreditTransactionType = (typeof CREDIT_TRANSACTION_TYPES)[number];

/** Required sign of a type's amount: +1 debit, -1 credit, 0 either. */
export const CREDIT_TRANSACTION_SIGN: Record<CreditTransactionType, 1 | -1 | 0> = {
  adjustment: 0,
  applied_to_invoice: 0,
  credit_note: -1,
  initial: 0,
  invoice_overpaid: -1,
  invoice_too_large: 1,
  invoice_too_small: 1,
  migration: 0,
  unapplied_from_invoice: 0,
  unspent_receiver_credit: -1,
};

export interface PostedCredit {
  type: CreditTransactionType;
  amount: number;
  startingBalance: number;
  endingBalance: number;
}

/** Posts one movement against a balance; the amount is never zero and its sign fits the type. */
export function postCredit(startingBalance: number, type: CreditTransactionType, amount: number): PostedCredit {
  assertMinorUnits(startingBalance, 'starting credit balance');
  assertMinorUnits(amount, 'credit amount');
  assert(amount !== 0, `${type} moves nothing`);
  const sign = CREDIT_TRANSACTION_SIGN[type];
  assert(sign === 0 || Math.sign(amount) === sign, `${type} has the wrong sign: ${amount}`);
  const endingBalance = startingBalance + amount;
  assertMinorUnits(endingBalance, 'ending credit balance');
  return { type, amount, startingBalance, endingBalance };
}

/**
 * The movement that takes a balance to a target value (customer `balance` set directly), or
 * null when nothing changes. On create it is an `initial` transaction, on update an `adjustment`.
 */
export function movementToReach(current: number, target: number, onCreate: boolean): { type: CreditTransactionType; amount: number } | null {
  assertMinorUnits(current, 'current credit balance');
  assertMinorUnits(target, 'target credit balance');
  if (current === target) return null;
  return { type: onCreate ? 'initial' : 'adjustment', amount: target - current };
}

/** A customer holding a cash balance may not owe a debit on its credit balance (Stripe's rule). */
export function debitAllowed(endingBalance: number, hasCashBalance: boolean): boolean {
  return !(hasCashBalance && endingBalance > 0);
}

/** Checks a chain of transactions, oldest first, in one currency against the stored balance. */
export function checkCreditChain(entries: readonly { amount: number; ending_balance: number }[], finalBalance: number): void {
  let balance = 0;
  for (const entry of entries) {
    assert(entry.ending_balance === balance + entry.amount, `credit chain broken at ending_balance ${entry.ending_balance}`);
    balance = entry.ending_balance;
  }
  assert(balance === finalBalance, `credit balance ${finalBalance} differs from the sum of its transactions ${balance}`);
}
