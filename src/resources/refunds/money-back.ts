// Money coming back into a cash balance, and the ageing every lot of money in gets: its
// 75-day return and 90-day sweep (the jobs are run by unreconciled.ts).
import { AUTO_RETURN_AFTER_SECONDS } from '../../core/refund.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { postCashTransactions, type CashBalanceTransaction, type CashMovementRequest } from '../cash-balance/service.ts';
import type { Customer } from '../customers/service.ts';
import { scheduleJob } from '../scheduler/jobs.ts';

/**
 * How money coming back into the cash balance ages:
 * - `new`: as new money, with its own 75-day return and 90-day sweep (spec refunds §2: a failed
 *   refund's money follows the unreconciled-funds rules). No return pays out the merchant's
 *   overdraft cover (core/refund.ts returnable): the 90-day sweep gives that back.
 * - `sweepAt`: the money of a 75-day return that was canceled or bounced: a lot of its own that
 *   no second return pays out; it is swept when its funding turns 90 days old (spec refunds §6).
 * - `swept`: put back and swept in the same step (`then`): no lot.
 * - `taken`: put back for a bank reversal that takes it in the same transaction: no lot.
 */
export type MoneyBackAge = { age: 'new' } | { age: 'sweepAt'; at: number } | { age: 'swept' } | { age: 'taken' };

export async function postMoneyBack(
  tx: Tx,
  ctx: RequestContext,
  customerId: string,
  currency: string,
  back: CashMovementRequest,
  how: MoneyBackAge,
  then: CashMovementRequest[] = [],
): Promise<CashBalanceTransaction[]> {
  const noLot = how.age === 'swept' || how.age === 'taken';
  const entry: CashMovementRequest = { ...back, aged: true, ...(noLot ? { lot: 0 } : {}), ...(how.age === 'sweepAt' ? { sweepAt: how.at } : {}) };
  const entries = await postCashTransactions(tx, ctx, customerId, currency, [entry, ...then]);
  const customer = noLot ? undefined : await tx.get<Customer>('customers', ctx.accountId, customerId);
  if (customer && how.age === 'new') await scheduleFundingAge(tx, ctx, customer, entries[0]);
  if (customer && how.age === 'sweepAt') {
    await scheduleJob(tx, ctx, { kind: 'funding_sweep', target: entries[0].id, customer: customer.id, currency, dueAt: how.at, testClock: customer.test_clock });
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
