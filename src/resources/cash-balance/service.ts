// The cash balance: reading it, its settings, and the one function that writes its ledger.
import { assert } from '../../core/errors.ts';
import { cashEntryPostings, DEFAULT_COUNTER_ACCOUNT } from '../../core/double-entry.ts';
import { postCashMovements, type CashTransactionType } from '../../core/ledger.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { loadAccount, type ReconciliationMode } from '../accounts/service.ts';
import type { Customer } from '../customers/service.ts';
import { emitEvent } from '../events/emit.ts';
import { writeJournal } from '../balance/journal.ts';

export interface CashBalanceTransaction extends StoredObject {
  object: 'customer_cash_balance_transaction';
  currency: string;
  customer: string;
  ending_balance: number;
  net_amount: number;
  type: CashTransactionType;
  /** See core/refund.ts AgedEntry. */
  _lot?: number;
  _aged?: boolean;
  _sweep_at?: number;
}

export interface CashMovementRequest {
  type: CashTransactionType;
  netAmount: number;
  /** The type's child hash (`funded`, `applied_to_payment`, ...); omitted for types without one. */
  detail?: Record<string, unknown>;
  /** The entry's id, when the caller must link to it in the same call (overdraft). */
  id?: string;
  /** The double-entry account the money comes from or goes to; by default the type's. */
  counterAccount?: string;
  /** Its share of money in that ages, when not its net amount (core/refund.ts lotAmount). */
  lot?: number;
  /** Money back that ages as a lot (since migration 17; the auditor checks its jobs). */
  aged?: boolean;
  /** Money of a canceled 75-day return: when it is swept (refunds/money-back.ts). */
  sweepAt?: number;
}

export async function effectiveReconciliationMode(tx: ReadTx, ctx: RequestContext, customer: Customer): Promise<ReconciliationMode> {
  if (customer._reconciliation_mode) return customer._reconciliation_mode;
  return (await loadAccount(tx, ctx.accountId)).settings.default_reconciliation_mode;
}

export async function cashBalanceObject(tx: ReadTx, ctx: RequestContext, customer: Customer): Promise<Record<string, unknown>> {
  const available = await tx.cashBalances(ctx.accountId, customer.id);
  return {
    object: 'cash_balance',
    available: Object.keys(available).length > 0 ? available : null,
    customer: customer.id,
    livemode: ctx.livemode,
    settings: {
      reconciliation_mode: await effectiveReconciliationMode(tx, ctx, customer),
      using_merchant_default: customer._reconciliation_mode === null,
    },
  };
}

/**
 * Posts movements to one customer's cash balance in one currency: locks the balance row,
 * checks the arithmetic in the pure ledger, writes one immutable entry per movement and the
 * new balance, and emits `customer_cash_balance_transaction.created` for each entry.
 */
export async function postCashTransactions(
  tx: Tx,
  ctx: RequestContext,
  customerId: string,
  currency: string,
  movements: CashMovementRequest[],
): Promise<CashBalanceTransaction[]> {
  assert(movements.length > 0, 'postCashTransactions needs at least one movement');
  const starting = await tx.lockCashBalance(ctx.accountId, customerId, currency);
  const posted = postCashMovements(starting, movements);
  const created = ctx.clock.nowSeconds();
  const entries: CashBalanceTransaction[] = [];
  for (const [index, movement] of posted.entries()) {
    const entry: CashBalanceTransaction = {
      id: movements[index].id ?? ctx.ids('ccsbtxn'),
      object: 'customer_cash_balance_transaction',
      created,
      currency,
      customer: customerId,
      ending_balance: movement.endingBalance,
      livemode: ctx.livemode,
      net_amount: movement.netAmount,
      type: movement.type,
    };
    const detail = movements[index].detail;
    if (detail) entry[movement.type] = detail;
    if (movements[index].lot !== undefined) entry._lot = movements[index].lot;
    if (movements[index].aged) entry._aged = true;
    if (movements[index].sweepAt !== undefined) entry._sweep_at = movements[index].sweepAt;
    await tx.insert('cash_balance_transactions', ctx.accountId, entry);
    await writeJournal(tx, ctx, cashEntryPostings(customerId, currency, movement.netAmount, movements[index].counterAccount ?? DEFAULT_COUNTER_ACCOUNT[movement.type]));
    entries.push(entry);
  }
  const ending = posted[posted.length - 1].endingBalance;
  await tx.setCashBalance(ctx.accountId, customerId, currency, ending);
  // Read back what was written: the stored balance must be the ledger's ending balance.
  assert((await tx.cashBalances(ctx.accountId, customerId))[currency] === ending, 'stored balance differs from ledger');
  for (const entry of entries) await emitEvent(tx, ctx, 'customer_cash_balance_transaction.created', entry);
  return entries;
}
