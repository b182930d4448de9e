// Money arriving in a cash balance from outside: a bank transfer (or the test helper).
import { assert } from '../../core/errors.ts';
import { MAX_AMOUNT_MINOR } from '../../core/money.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import type { Customer } from '../customers/service.ts';
import { emitEvent } from '../events/emit.ts';
import { lockCustomer } from '../customers/service.ts';
import { reconcileCustomerCurrency } from '../reconciliation/service.ts';
import { scheduleFundingAge } from '../refunds/money-back.ts';
import { cashBalanceObject, effectiveReconciliationMode, postCashTransactions, type CashBalanceTransaction } from './service.ts';

export interface IncomingBankTransfer {
  type: string;
  reference: string | null;
  /** Sender details, keyed by the transfer type (`eu_bank_transfer`: {...}). */
  sender: Record<string, unknown>;
}

/** Books a `funded` entry, then lets the cash balance's consumers react in the same transaction. */
export async function receiveBankTransfer(
  tx: Tx,
  ctx: RequestContext,
  customer: Customer,
  currency: string,
  amount: number,
  transfer: IncomingBankTransfer,
): Promise<CashBalanceTransaction> {
  // Every caller bounds the amount (the fund helper's parameter, a statement line, an assigned transfer): one transfer is at most eight digits.
  assert(Number.isSafeInteger(amount) && amount > 0 && amount <= MAX_AMOUNT_MINOR, `a funding of ${amount} is out of bounds`);
  const [funded] = await postCashTransactions(tx, ctx, customer.id, currency, [
    { type: 'funded', netAmount: amount, detail: { bank_transfer: { ...transfer.sender, reference: transfer.reference, type: transfer.type } } },
  ]);
  await scheduleFundingAge(tx, ctx, customer, funded); // the 75-day return and 90-day sweep
  await afterCashInflow(tx, ctx, customer, currency, transfer.reference);
  return funded;
}

/**
 * Runs after money lands in a cash balance (a transfer, or money released from a payment), in
 * the same transaction: in automatic mode, reconciliation funds what waits for it; then, if
 * money is left in that currency, `cash_balance.funds_available` carries the whole balance.
 * (Manual mode: the event fires every time money lands.)
 */
export async function afterCashInflow(tx: Tx, ctx: RequestContext, customer: Customer, currency: string, reference: string | null): Promise<void> {
  const locked = await lockCustomer(tx, ctx, customer.id);
  if ((await effectiveReconciliationMode(tx, ctx, locked)) === 'automatic') {
    await reconcileCustomerCurrency(tx, ctx, locked, currency, { reference });
  }
  const balance = await cashBalanceObject(tx, ctx, locked);
  const available = (balance.available as Record<string, number> | null)?.[currency] ?? 0;
  if (available > 0) await emitEvent(tx, ctx, 'cash_balance.funds_available', balance);
}
