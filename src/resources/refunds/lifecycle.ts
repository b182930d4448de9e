// What happens to a refund after creation: bank details arrive (test helper), the money
// settles or bounces, the merchant cancels, or the 45-day window runs out. The status
// machine is src/core/refund.ts; here each transition books its money and emits its events.
import { OUTSIDE, REFUNDS_PENDING, transfer } from '../../core/double-entry.ts';
import { ApiError } from '../../core/errors.ts';
import { nextRefundStatus, testBankAccountOutcome, type RefundAction } from '../../core/refund.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { toWire } from '../../wire/wire-object.ts';
import { writeJournal } from '../balance/journal.ts';
import { bookMerchant } from '../balance-transactions/service.ts';
import { afterCashInflow } from '../cash-balance/inflow.ts';
import type { Charge } from '../charges/service.ts';
import { changedAttributes, lockCustomer } from '../customers/service.ts';
import { emitEvent } from '../events/emit.ts';
import { registerJobHandler } from '../scheduler/jobs.ts';
import { customerContext } from '../test-clocks/service.ts';
import { mergeMetadata } from '../../wire/params.ts';
import { bankDestination, setStatus, type Refund } from './object.ts';
import { addRefunded, createReturn, loadRefund } from './service.ts';
import { postMoneyBack, type MoneyBackAge } from './money-back.ts';
import type { CreateRefundParams, SubmitBankDetailsParams } from './params.ts';
import type { PayoutAccount } from '../../core/payout-account.ts';

const REFUSALS: Record<RefundAction, string> = {
  submit_details: 'Bank details can only be submitted for a refund in requires_action.',
  settle: 'Only a pending refund can settle.',
  bounce: 'Only a succeeded refund can bounce.',
  cancel: "You can't cancel refunds in other states than requires_action.",
  expire: 'Only a refund in requires_action can be expired.',
  bank_return: 'Only a paid refund can come back from the bank.',
  withdraw: 'Only a refund nobody has been paid yet can give its money to a bank reversal.',
};

async function save(tx: Tx, ctx: RequestContext, refund: Refund, before: Record<string, unknown>, extraEvent?: string): Promise<void> {
  await tx.update('refunds', ctx.accountId, refund);
  const previous = changedAttributes(before, toWire(refund));
  await emitEvent(tx, ctx, 'refund.updated', refund, previous);
  if (refund.charge !== null) await emitEvent(tx, ctx, 'charge.refund.updated', refund, previous);
  if (extraEvent) await emitEvent(tx, ctx, extraEvent, refund);
}

/** Locks the refund's customer, then the refund, and returns the customer's context. */
async function lockRefund(tx: Tx, requestCtx: RequestContext, id: string): Promise<{ refund: Refund; ctx: RequestContext }> {
  const unlocked = await loadRefund(tx, requestCtx, id);
  const customer = await lockCustomer(tx, requestCtx, unlocked._customer);
  const refund = await loadRefund(tx, requestCtx, id, true);
  return { refund, ctx: await customerContext(tx, requestCtx, customer) };
}

function step(refund: Refund, action: RefundAction): void {
  const next = nextRefundStatus(refund.status, action);
  if (next === null) throw new ApiError(REFUSALS[action], { param: action === 'cancel' || action === 'expire' ? undefined : 'refund' });
  setStatus(refund, next);
}

/**
 * How a canceled or bounced return's money comes back: a return the merchant made is new
 * money; a 75-day return's is swept when its funding turns 90 days old (its `expires_at`).
 */
function returnedMoney(refund: Refund): MoneyBackAge {
  return refund._sweep_on_expiry && refund._expires_at !== null ? { age: 'sweepAt', at: refund._expires_at } : { age: 'new' };
}

/** A 75-day return that came to nothing at day 90: its money comes back and goes to the merchant balance in one step. */
async function sweepBack(tx: Tx, ctx: RequestContext, refund: Refund): Promise<void> {
  const sweepId = ctx.ids('ccsbtxn');
  const txnId = ctx.ids('txn');
  await postMoneyBack(tx, ctx, refund._customer, refund.currency, { type: 'return_canceled', netAmount: refund.amount }, { age: 'swept' }, [
    { type: 'transferred_to_balance', netAmount: -refund.amount, id: sweepId, detail: { balance_transaction: txnId } },
  ]);
  await bookMerchant(tx, ctx, { id: txnId, amount: refund.amount, currency: refund.currency, type: 'payment_unreconciled', source: sweepId, description: 'UNRECONCILED CUSTOMER FUNDS', counter: null });
}

/**
 * A refund's money back into the cash balance (canceled, expired, bounced by the bank):
 * `return_canceled` for a return, `refunded_from_payment` for a payment refund, aged as
 * returnedMoney says. A 75-day return expiring, or canceled or bounced once its funding is 90
 * days old, is swept at once. Returns whether the money stays in the balance.
 */
async function moneyComesBack(tx: Tx, ctx: RequestContext, refund: Refund, expiring: boolean): Promise<boolean> {
  if (refund._origin !== 'customer_balance') {
    await postMoneyBack(tx, ctx, refund._customer, refund.currency, { type: 'refunded_from_payment', netAmount: refund.amount, detail: { refund: refund.id }, counterAccount: REFUNDS_PENDING }, { age: 'new' });
    return true;
  }
  if (refund._sweep_on_expiry && (expiring || ctx.clock.nowSeconds() >= (refund._expires_at ?? 0))) {
    await sweepBack(tx, ctx, refund);
    return false;
  }
  await postMoneyBack(tx, ctx, refund._customer, refund.currency, { type: 'return_canceled', netAmount: refund.amount }, returnedMoney(refund));
  return true;
}

export async function cancelRefund(tx: Tx, requestCtx: RequestContext, id: string): Promise<Refund> {
  const { refund, ctx } = await lockRefund(tx, requestCtx, id);
  const before = toWire(refund);
  step(refund, 'cancel');
  let moneyLeft = false;
  if (refund._origin === 'customer_balance') {
    moneyLeft = await moneyComesBack(tx, ctx, refund, false);
  } else {
    const charge = (await tx.getForUpdate<Charge>('charges', ctx.accountId, refund.charge!))!;
    const txn = await bookMerchant(tx, ctx, { amount: refund.amount, currency: refund.currency, type: 'payment_failure_refund', source: refund.id, description: 'REFUND CANCELED', counter: REFUNDS_PENDING });
    refund.failure_balance_transaction = txn.id;
    await addRefunded(tx, ctx, charge, -refund.amount);
  }
  await save(tx, ctx, refund, before);
  if (moneyLeft) await afterCashInflow(tx, ctx, await lockCustomer(tx, ctx, refund._customer), refund.currency, null);
  return refund;
}

/**
 * A bank reversal takes back money that this return holds while nobody has been paid (it waits
 * for bank details, or has them and no payment file holds it yet): the return is canceled and
 * its money put back for the reversal to take in the same transaction (no lot, no
 * reconciliation). What the reversal does not need goes out again in a new return with the
 * same deadline, email, reason, metadata and bank details; the old one's links open it.
 * Returns what it gives the reversal: at most `needed`.
 */
export async function withdrawForReversal(tx: Tx, requestCtx: RequestContext, id: string, needed: number): Promise<number> {
  const { refund, ctx } = await lockRefund(tx, requestCtx, id);
  if (refund._outbound_file) return 0;
  const before = toWire(refund);
  step(refund, 'withdraw');
  await postMoneyBack(tx, ctx, refund._customer, refund.currency, { type: 'return_canceled', netAmount: refund.amount }, { age: 'taken' });
  const given = Math.min(needed, refund.amount);
  if (refund.amount > given) {
    // Stripe has no partial cancel of a refund; a new one for the rest, with the old deadline, is the nearest (Cashbook's choice).
    const rest = await createReturn(
      tx,
      ctx,
      { origin: 'customer_balance', customer: refund._customer, currency: refund.currency, amount: refund.amount - given, instructions_email: refund.instructions_email, reason: (refund.reason ?? undefined) as CreateRefundParams['reason'], metadata: refund.metadata },
      { expiresAt: refund._expires_at ?? undefined, sweepOnExpiry: refund._sweep_on_expiry, funding: refund._funding },
    );
    refund._replaced_by = rest.id;
    if (refund._payout_account) await acceptBankDetails(tx, ctx, rest.id, refund._payout_account);
  }
  await save(tx, ctx, refund, before);
  return given;
}

/**
 * The 45-day window ran out (or the test helper says so): `failed`, and the money goes back
 * to the customer's cash balance: `return_canceled` for a return, `refunded_from_payment` for
 * a payment refund (spec: the docs disagree; the merchant balance is not re-credited). A
 * return started by the 75-day process is then swept to the merchant balance. The charge
 * keeps its amount_refunded: the money did leave the merchant, into the cash balance.
 */
export async function expireRefund(tx: Tx, requestCtx: RequestContext, id: string): Promise<Refund> {
  const { refund, ctx } = await lockRefund(tx, requestCtx, id);
  const before = toWire(refund);
  step(refund, 'expire');
  refund.failure_reason = 'unknown';
  const moneyLeft = await moneyComesBack(tx, ctx, refund, true);
  await save(tx, ctx, refund, before, 'refund.failed');
  if (moneyLeft) await afterCashInflow(tx, ctx, await lockCustomer(tx, ctx, refund._customer), refund.currency, null);
  return refund;
}

/**
 * Cashbook test helper standing in for the hosted bank-details page: a succeeding test
 * account takes the refund through `pending` to `succeeded`; a failing one through
 * `succeeded` and back to `requires_action` (the bank returned the money).
 */
export async function submitBankDetails(tx: Tx, requestCtx: RequestContext, id: string, account: SubmitBankDetailsParams): Promise<Refund> {
  const outcome = testBankAccountOutcome(account);
  if (outcome === null) {
    throw new ApiError('Use one of the test bank accounts for refunds (see the refunds documentation): this account is not accepted in test mode.', { param: 'account_number' });
  }
  const { refund, ctx } = await lockRefund(tx, requestCtx, id);
  let before = toWire(refund);
  step(refund, 'submit_details');
  await save(tx, ctx, refund, before);
  before = toWire(refund);
  step(refund, 'settle');
  refund.destination_details = bankDestination(refund.currency, `CBRF${refund.id.slice(-10).toUpperCase()}`);
  await writeJournal(tx, ctx, transfer(REFUNDS_PENDING, OUTSIDE, refund.currency, refund.amount));
  await save(tx, ctx, refund, before);
  if (outcome === 'fails') {
    before = toWire(refund);
    step(refund, 'bounce');
    refund._email_sent_at = ctx.clock.nowSeconds();
    setStatus(refund, refund.status); // the customer is emailed again
    refund.destination_details = bankDestination(refund.currency);
    await writeJournal(tx, ctx, transfer(OUTSIDE, REFUNDS_PENDING, refund.currency, refund.amount));
    await save(tx, ctx, refund, before);
  }
  return refund;
}

/**
 * The customer gave bank details on the refund page (live mode, or any account that is not
 * one of Stripe's test accounts): `pending` with the same events as the test helper's first
 * step, the account kept for the merchant's payment file. The money leaves when the bank
 * statement shows the payment (settlement), not before.
 */
export async function acceptBankDetails(tx: Tx, requestCtx: RequestContext, id: string, account: PayoutAccount): Promise<Refund> {
  const { refund, ctx } = await lockRefund(tx, requestCtx, id);
  const before = toWire(refund);
  step(refund, 'submit_details');
  refund._payout_account = account;
  await save(tx, ctx, refund, before);
  return refund;
}

/**
 * Live money out: the merchant's bank statement shows the payment of a refund from a payment
 * file (a booked debit whose end-to-end id is the refund's): `succeeded`, with the events of
 * the test flow; `reference` is the bank's reference for it.
 */
export async function settleFromBank(tx: Tx, requestCtx: RequestContext, id: string, reference: string | null): Promise<Refund> {
  const { refund, ctx } = await lockRefund(tx, requestCtx, id);
  await settleLocked(tx, ctx, refund, reference);
  return refund;
}

async function settleLocked(tx: Tx, ctx: RequestContext, refund: Refund, reference: string | null): Promise<void> {
  const before = toWire(refund);
  step(refund, 'settle');
  refund.destination_details = bankDestination(refund.currency, reference ?? refund.id);
  await writeJournal(tx, ctx, transfer(REFUNDS_PENDING, OUTSIDE, refund.currency, refund.amount));
  await save(tx, ctx, refund, before);
}

/**
 * The customer's bank sent the payment back (a credit with return information naming the
 * refund): `failed` with the reason, and the money goes back into the cash balance as when
 * the window runs out (`return_canceled` for a return, `refunded_from_payment` for a payment
 * refund). A refund still `pending` is settled first: the money did leave, then came back.
 */
export async function returnedByBank(tx: Tx, requestCtx: RequestContext, id: string, reason: string): Promise<Refund> {
  const { refund, ctx } = await lockRefund(tx, requestCtx, id);
  if (refund.status === 'pending') await settleLocked(tx, ctx, refund, null);
  const before = toWire(refund);
  step(refund, 'bank_return');
  refund.failure_reason = reason;
  await writeJournal(tx, ctx, transfer(OUTSIDE, REFUNDS_PENDING, refund.currency, refund.amount));
  const moneyLeft = await moneyComesBack(tx, ctx, refund, false);
  await save(tx, ctx, refund, before, 'refund.failed');
  if (moneyLeft) await afterCashInflow(tx, ctx, await lockCustomer(tx, ctx, refund._customer), refund.currency, null);
  return refund;
}

export async function updateRefund(tx: Tx, ctx: RequestContext, id: string, metadata: Record<string, string> | undefined): Promise<Refund> {
  const refund = await loadRefund(tx, ctx, id, true);
  if (metadata === undefined) return refund;
  const before = toWire(refund);
  refund.metadata = mergeMetadata(refund.metadata, metadata, Object.keys(metadata).length === 0);
  await tx.update('refunds', ctx.accountId, refund);
  const previous = changedAttributes(before, toWire(refund));
  if (Object.keys(previous).length > 0) await emitEvent(tx, ctx, 'refund.updated', refund, previous);
  return refund;
}

registerJobHandler('refund_expire', async (tx, ctx, job) => {
  const refund = await loadRefund(tx, ctx, job.target);
  if (refund.status === 'requires_action') await expireRefund(tx, ctx, refund.id);
});
