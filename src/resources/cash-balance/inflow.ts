// Money arriving in a cash balance from outside: a bank transfer (or the test helper).
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import type { Customer } from '../customers/service.ts';
import { emitEvent } from '../events/emit.ts';
import { cashBalanceObject, postCashTransactions, type CashBalanceTransaction } from './service.ts';

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
  const [funded] = await postCashTransactions(tx, ctx, customer.id, currency, [
    { type: 'funded', netAmount: amount, detail: { bank_transfer: { ...transfer.sender, reference: transfer.reference, type: transfer.type } } },
  ]);
  await afterCashInflow(tx, ctx, customer, currency, transfer.reference);
  return funded;
}

/** Runs after money lands in a cash balance: tells listeners that funds are available. */
export async function afterCashInflow(tx: Tx, ctx: RequestContext, customer: Customer, currency: string, _reference: string | null): Promise<void> {
  const balance = await cashBalanceObject(tx, ctx, customer);
  const available = (balance.available as Record<string, number> | null)?.[currency] ?? 0;
  if (available > 0) await emitEvent(tx, ctx, 'cash_balance.funds_available', balance);
}
