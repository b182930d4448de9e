// Money coming back into a cash balance, and the ageing every lot of money in gets: its
// 75-day return and 90-day sweep (the jobs are run by unreconciled.ts).
import { AUTO_RETURN_AFTER_SECONDS, repaidCover } from '../../core/refund.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { postCashTransactions, type CashBalanceTransaction, type CashMovementRequest } from '../cash-balance/service.ts';
import type { Customer } from '../customers/service.ts';
import { scheduleJob } from '../scheduler/jobs.ts';

/**
 * Money coming back into the cash balance: a canceled payment's (`unapplied_from_payment`), a
 * failed refund's (`refunded_from_payment`), a canceled or bounced return's (`return_canceled`).
 * - `lot`: it ages as new money, with its own 75-day return and 90-day sweep (spec refunds §2:
 *   a failed refund's money follows the unreconciled-funds rules).
 * - `refill`: it puts back what a 75-day return took, so it keeps its funding's age, and the
 *   funding's day-90 sweep takes it (spec refunds §6). Not a lot of its own.
 * Money that is not a refund first repays the merchant's outstanding overdraft cover: that
 * part is never returned to the customer (the 90-day sweep gives it back to the merchant).
 * `then` are movements posted after it in the same step (a sweep).
 */
export async function postMoneyBack(
  tx: Tx,
  ctx: RequestContext,
  customerId: string,
  currency: string,
  back: CashMovementRequest,
  how: 'lot' | 'refill',
  then: CashMovementRequest[] = [],
): Promise<CashBalanceTransaction[]> {
  const repaid = back.type === 'refunded_from_payment' ? 0 : repaidCover(back.netAmount, await tx.cashCover(ctx.accountId, customerId, currency));
  const entries = await postCashTransactions(tx, ctx, customerId, currency, [{ ...back, repaid, ...(how === 'refill' ? { lot: 0 } : {}) }, ...then]);
  if (how === 'lot') {
    const customer = await tx.get<Customer>('customers', ctx.accountId, customerId);
    if (customer) await scheduleFundingAge(tx, ctx, customer, entries[0]);
  }
  return entries;
}

/** Called when money lands: schedules its 75-day check on the customer's clock. */
export async function scheduleFundingAge(tx: Tx, ctx: RequestContext, customer: Customer, funded: CashBalanceTransaction): Promise<void> {
  await scheduleJob(tx, ctx, {
    kind: 'funding_return',
    target: funded.id,
    customer: customer.id,
    currency: funded.currency,
    dueAt: funded.created + AUTO_RETURN_AFTER_SECONDS,
    testClock: customer.test_clock,
  });
}
