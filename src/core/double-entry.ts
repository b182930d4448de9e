// Double-entry postings, pure. Every movement of money takes an amount out of one account
// and puts it into another; a posting of +x means "x arrived in this account", -x "x left it".
// A journal (the postings of one movement) sums to zero per currency, so over all journals
// every currency sums to zero across all accounts.
import { assert } from './errors.ts';
import type { CashTransactionType } from './ledger.ts';
import { assertMinorUnits } from './money.ts';

/** The merchant's Stripe balance (what `GET /v1/balance` shows). */
export const MERCHANT = 'merchant_available';
/** Cash applied to PaymentIntents that have not succeeded yet. */
export const PAYMENTS_IN_FLIGHT = 'payments_in_flight';
/** Refunds and returns on their way to a customer's bank (waiting for details or paying out). */
export const REFUNDS_PENDING = 'refunds_pending';
/** Banks and the world outside Cashbook: where transfers come from and refunds go to. */
export const OUTSIDE = 'outside';

/** One customer's cash balance (in any currency: the posting carries the currency). */
export function cashAccount(customerId: string): string {
  return `cash_balance:${customerId}`;
}

export interface Posting {
  account: string;
  currency: string;
  /** Signed minor units: + arrives in the account, - leaves it. */
  amount: number;
}

/** Money moving `amount` (> 0) from one account to another: two postings. */
export function transfer(from: string, to: string, currency: string, amount: number): Posting[] {
  assertMinorUnits(amount, 'transfer amount');
  assert(amount > 0, `a transfer moves a positive amount, got ${amount}`);
  assert(from !== to, `a transfer needs two different accounts (${from})`);
  return [
    { account: from, currency, amount: -amount },
    { account: to, currency, amount },
  ];
}

/** Where a cash balance movement's money comes from or goes to, unless the caller says otherwise. */
export const DEFAULT_COUNTER_ACCOUNT: Record<CashTransactionType, string> = {
  funded: OUTSIDE,
  funding_reversed: OUTSIDE,
  applied_to_payment: PAYMENTS_IN_FLIGHT,
  unapplied_from_payment: PAYMENTS_IN_FLIGHT,
  refunded_from_payment: MERCHANT,
  return_initiated: REFUNDS_PENDING,
  return_canceled: REFUNDS_PENDING,
  transferred_to_balance: MERCHANT,
  adjusted_for_overdraft: MERCHANT,
};

/** The postings of one cash balance entry: its net amount against its counter account. */
export function cashEntryPostings(customerId: string, currency: string, netAmount: number, counter: string): Posting[] {
  assert(netAmount !== 0, 'a cash entry moves something');
  const cash = cashAccount(customerId);
  return netAmount > 0 ? transfer(counter, cash, currency, netAmount) : transfer(cash, counter, currency, -netAmount);
}

/** Asserts that postings sum to zero in each currency. */
export function assertBalanced(postings: readonly Posting[]): void {
  assert(postings.length > 0, 'a journal has postings');
  const sums = sumByCurrency(postings);
  for (const [currency, sum] of Object.entries(sums)) assert(sum === 0, `journal does not balance in ${currency}: ${sum}`);
}

export function sumByCurrency(postings: readonly Posting[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const posting of postings) {
    assertMinorUnits(posting.amount, 'posting amount');
    assert(posting.amount !== 0, 'a posting moves something');
    sums[posting.currency] = (sums[posting.currency] ?? 0) + posting.amount;
  }
  return sums;
}

/** Balance of each (account, currency): the sum of its postings. Key `account|currency`. */
export function accountBalances(postings: readonly Posting[]): Map<string, number> {
  const balances = new Map<string, number>();
  for (const posting of postings) {
    const key = `${posting.account}|${posting.currency}`;
    balances.set(key, (balances.get(key) ?? 0) + posting.amount);
  }
  return balances;
}
