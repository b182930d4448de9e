// The merchant's balance transactions (`txn_`): one per movement of the merchant balance.
import { MERCHANT, transfer } from '../../core/double-entry.ts';
import { assert } from '../../core/errors.ts';
import type { StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { writeJournal } from '../balance/journal.ts';

export type BalanceTransactionType = 'payment' | 'payment_refund' | 'payment_failure_refund' | 'adjustment' | 'payment_unreconciled';

const REPORTING_CATEGORY: Record<BalanceTransactionType, string> = {
  payment: 'charge',
  payment_refund: 'refund',
  payment_failure_refund: 'refund_failure',
  adjustment: 'other_adjustment',
  payment_unreconciled: 'unreconciled_customer_funds',
};

export interface BalanceTransaction extends StoredObject {
  object: 'balance_transaction';
  amount: number;
  currency: string;
  net: number;
  type: BalanceTransactionType;
  source: string | null;
}

export interface MerchantMovement {
  /** Signed: + credits the merchant balance, - debits it. */
  amount: number;
  currency: string;
  type: BalanceTransactionType;
  source: string | null;
  description: string | null;
  /**
   * The double-entry account on the other side, or null when the same movement is already
   * posted by a cash balance entry against the merchant (overdraft, sweep, refund to cash).
   */
  counter: string | null;
  id?: string;
}

/** Books one merchant balance transaction (and its postings unless a cash entry carries them). */
export async function bookMerchant(tx: Tx, ctx: RequestContext, movement: MerchantMovement): Promise<BalanceTransaction> {
  assert(Number.isSafeInteger(movement.amount) && movement.amount !== 0, `merchant movement of ${movement.amount}`);
  const created = ctx.clock.nowSeconds();
  const txn: BalanceTransaction = {
    id: movement.id ?? ctx.ids('txn'),
    object: 'balance_transaction',
    amount: movement.amount,
    available_on: created,
    created,
    currency: movement.currency,
    description: movement.description,
    exchange_rate: null,
    fee: 0, // no fees in Cashbook: net = amount
    fee_details: [],
    net: movement.amount,
    reporting_category: REPORTING_CATEGORY[movement.type],
    source: movement.source,
    status: 'available',
    type: movement.type,
  };
  await tx.insert('balance_transactions', ctx.accountId, txn);
  if (movement.counter !== null) {
    const postings = movement.amount > 0
      ? transfer(movement.counter, MERCHANT, movement.currency, movement.amount)
      : transfer(MERCHANT, movement.counter, movement.currency, -movement.amount);
    await writeJournal(tx, ctx, postings);
  }
  return txn;
}
