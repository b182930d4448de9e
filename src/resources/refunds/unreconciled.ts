// Money that arrived and was reversed or never used: funding reversals with their overdraft
// correction, the automatic return at 75 days and the sweep to the merchant balance at 90.
import { isLot, lotAmount, lotRemainder, returnable, SWEEP_AFTER_SECONDS } from '../../core/refund.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { bookMerchant } from '../balance-transactions/service.ts';
import { postCashTransactions, type CashBalanceTransaction, type CashMovementRequest } from '../cash-balance/service.ts';
import type { Customer } from '../customers/service.ts';
import { registerJobHandler, scheduleJob, type ScheduledJob } from '../scheduler/jobs.ts';
import { withdrawForReversal } from './lifecycle.ts';
import type { Refund } from './object.ts';
import { createReturn } from './service.ts';

/**
 * The sending bank pulled a transfer back: `funding_reversed` for the whole amount and, when
 * the money was already used, `adjusted_for_overdraft` bringing the balance back to zero,
 * paid from the merchant balance (an `adjustment` balance transaction). Both rows are written
 * together, so no reader sees a negative balance; succeeded payments stay succeeded. Money that
 * is out in a return nobody has been paid yet is taken from the return first (takeFromWaitingReturns).
 */
export async function reverseFunding(tx: Tx, ctx: RequestContext, customer: Customer, funded: CashBalanceTransaction): Promise<CashBalanceTransaction[]> {
  const before = await tx.lockCashBalance(ctx.accountId, customer.id, funded.currency);
  const given = await takeFromWaitingReturns(tx, ctx, customer.id, funded, before);
  const available = given > 0 ? await tx.lockCashBalance(ctx.accountId, customer.id, funded.currency) : before;
  const shortfall = funded.net_amount - available;
  const reversedId = ctx.ids('ccsbtxn');
  const movements: CashMovementRequest[] = [{ type: 'funding_reversed', netAmount: -funded.net_amount, id: reversedId }];
  let adjustment: { entryId: string; txnId: string } | undefined;
  if (shortfall > 0) {
    adjustment = { entryId: ctx.ids('ccsbtxn'), txnId: ctx.ids('txn') };
    movements.push({
      type: 'adjusted_for_overdraft',
      netAmount: shortfall,
      id: adjustment.entryId,
      detail: { balance_transaction: adjustment.txnId, linked_transaction: reversedId },
    });
  }
  const entries = await postCashTransactions(tx, ctx, customer.id, funded.currency, movements);
  // The reversed funding is no longer money that ages: no 75-day return pays it out again.
  const lot = lotAmount(funded);
  if (lot > 0) {
    await tx.update('cash_balance_transactions', ctx.accountId, { ...funded, _lot: 0 });
    await tx.uncreditCash(ctx.accountId, customer.id, funded.currency, funded.id, lot);
  }
  if (adjustment) {
    // The cash entry posts merchant -> cash balance; the balance transaction only records it.
    await bookMerchant(tx, ctx, { id: adjustment.txnId, amount: -shortfall, currency: funded.currency, type: 'adjustment', source: adjustment.entryId, description: 'CASH BALANCE OVERDRAFT ADJUSTMENT', counter: null });
  }
  return entries;
}

/**
 * The bank takes back `funded` while returns of this customer hold money nobody has been paid
 * (waiting for bank details, or pending with no payment file): paying out the funding's money
 * would pay the customer twice, the second time with the merchant's money. FIFO ageing says how
 * much of the funding's money they hold: its remainder with those returns put back, less its
 * remainder now. They give that back, the funding's own 75-day return first, then the newest;
 * a return giving part of its money is replaced by one for the rest (withdrawForReversal).
 * The funding's money that was spent, swept or paid out is not theirs to give: the reversal
 * takes it from the balance and the merchant covers what that lacks. Returns what they gave.
 */
async function takeFromWaitingReturns(tx: Tx, ctx: RequestContext, customerId: string, funded: CashBalanceTransaction, balance: number): Promise<number> {
  const waiting = (await tx.all<Refund>('refunds', ctx.accountId, { status: 'requires_action', currency: funded.currency }))
    .concat(await tx.all<Refund>('refunds', ctx.accountId, { status: 'pending', currency: funded.currency, _outbound_file: null }))
    .filter((refund) => refund._customer === customerId && refund._origin === 'customer_balance' && refund.instructions_email !== undefined);
  if (waiting.length === 0) return 0;
  const held = waiting.reduce((sum, refund) => sum + refund.amount, 0);
  const after = await tx.cashCreditsAfter(ctx.accountId, customerId, funded.currency, funded.id);
  const lot = lotAmount(funded);
  const owed = Math.min(funded.net_amount, lotRemainder(balance + held, after, lot) - lotRemainder(balance, after, lot));
  const order = waiting.sort((a, b) => Number(b._funding === funded.id) - Number(a._funding === funded.id) || b.created - a.created || (b.id < a.id ? -1 : 1));
  let given = 0;
  for (const refund of order) {
    if (given >= owed) break;
    given += await withdrawForReversal(tx, ctx, refund.id, owed - given);
  }
  return given;
}

/**
 * What is left of one lot: FIFO ageing from the balance and the lots that came in after it.
 * `owned` is what of it a return may pay the customer (not the merchant's overdraft cover).
 */
async function fundingRemainder(tx: Tx, ctx: RequestContext, job: ScheduledJob): Promise<{ remaining: number; owned: number; created: number } | null> {
  const funded = await tx.get<CashBalanceTransaction>('cash_balance_transactions', ctx.accountId, job.target);
  if (!funded || !isLot(funded)) return null;
  const balance = (await tx.cashBalances(ctx.accountId, job.customer))[job.currency] ?? 0;
  const after = await tx.cashCreditsAfter(ctx.accountId, job.customer, job.currency, funded.id);
  const remaining = lotRemainder(balance, after, lotAmount(funded));
  const cover = await tx.cashCover(ctx.accountId, job.customer, job.currency);
  return remaining > 0 ? { remaining, owned: returnable(remaining, balance, cover), created: funded.created } : null;
}

async function liveCustomer(tx: Tx, ctx: RequestContext, id: string): Promise<Customer | null> {
  const customer = await tx.getForUpdate<Customer>('customers', ctx.accountId, id);
  return customer && !customer._deleted ? customer : null;
}

// Day 75: try to return what is left of the funding to the customer's bank. The return waits
// for bank details until day 90, then its money is swept (see expireRefund; a canceled or
// bounced one's money gets a sweep of its own, money-back.ts). A day-90 sweep of the funding is
// scheduled as well: it takes what the return did not (the merchant's overdraft cover). Without
// an email to ask for details the money waits for the day-90 sweep.
registerJobHandler('funding_return', async (tx, ctx, job) => {
  const customer = await liveCustomer(tx, ctx, job.customer);
  if (!customer) return;
  const left = await fundingRemainder(tx, ctx, job);
  if (!left) return;
  const sweepAt = left.created + SWEEP_AFTER_SECONDS;
  const sweep = await scheduleJob(tx, ctx, { kind: 'funding_sweep', target: job.target, customer: customer.id, currency: job.currency, dueAt: sweepAt, testClock: customer.test_clock });
  if (customer.email && left.owned > 0) {
    const refund = await createReturn(tx, ctx, { origin: 'customer_balance', customer: customer.id, currency: job.currency, amount: left.owned }, { expiresAt: sweepAt, sweepOnExpiry: true, funding: job.target });
    return refund.id;
  }
  return sweep.id;
});

// Day 90: whatever is left of the funding moves to the merchant balance (the merchant's overdraft cover included).
registerJobHandler('funding_sweep', async (tx, ctx, job) => {
  const customer = await liveCustomer(tx, ctx, job.customer);
  if (!customer) return;
  const left = await fundingRemainder(tx, ctx, job);
  if (!left) return;
  const sweepId = ctx.ids('ccsbtxn');
  const txnId = ctx.ids('txn');
  await postCashTransactions(tx, ctx, customer.id, job.currency, [
    { type: 'transferred_to_balance', netAmount: -left.remaining, id: sweepId, detail: { balance_transaction: txnId } },
  ]);
  await bookMerchant(tx, ctx, { id: txnId, amount: left.remaining, currency: job.currency, type: 'payment_unreconciled', source: sweepId, description: 'UNRECONCILED CUSTOMER FUNDS', counter: null });
});
