// Creating refunds: of a customer_balance payment to the customer's bank (POST /v1/refunds),
// of a payment into the cash balance (Cashbook extension), and returns of the cash balance
// (origin=customer_balance). Each books its money in the request's transaction.
import { REFUNDS_PENDING } from '../../core/double-entry.ts';
import { ApiError, assert, errors } from '../../core/errors.ts';
import { isCashCurrency } from '../../core/money.ts';
import { initialRefundStatus, instructionsEmail, refundAmount, RESPONSE_WINDOW_SECONDS, returnAmount } from '../../core/refund.ts';
import type { Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { bookMerchant } from '../balance-transactions/service.ts';
import { afterCashInflow } from '../cash-balance/inflow.ts';
import { postCashTransactions } from '../cash-balance/service.ts';
import { postMoneyBack } from './money-back.ts';
import type { Charge } from '../charges/service.ts';
import { changedAttributes, lockCustomer, type Customer } from '../customers/service.ts';
import { emitEvent } from '../events/emit.ts';
import { loadIntent } from '../payment-intents/service.ts';
import { scheduleJob } from '../scheduler/jobs.ts';
import { customerContext } from '../test-clocks/service.ts';
import { buildRefund, type Refund } from './object.ts';
import type { CreateRefundParams, RefundToCashBalanceParams } from './params.ts';

/** Bank details are never known up front in Cashbook (transfers carry no account number): refunds ask. */
const BANK_DETAILS_KNOWN = false;

export async function loadRefund(tx: Tx, ctx: RequestContext, id: string, forUpdate = false): Promise<Refund> {
  const refund = forUpdate ? await tx.getForUpdate<Refund>('refunds', ctx.accountId, id) : await tx.get<Refund>('refunds', ctx.accountId, id);
  if (!refund) throw errors.noSuch('refund', id, 'refund');
  return refund;
}

async function scheduleExpiry(tx: Tx, ctx: RequestContext, refund: Refund, customer: Customer): Promise<void> {
  if (refund.status !== 'requires_action' || refund._expires_at === null) return;
  await scheduleJob(tx, ctx, {
    kind: 'refund_expire',
    target: refund.id,
    customer: customer.id,
    currency: refund.currency,
    dueAt: refund._expires_at,
    testClock: customer.test_clock,
  });
}

interface PaidCharge {
  charge: Charge;
  customer: Customer;
  intentId: string;
}

/** The succeeded customer_balance charge a refund targets, locked (customer first, then charge). */
async function refundableCharge(tx: Tx, ctx: RequestContext, params: { charge?: string; payment_intent?: string }): Promise<PaidCharge> {
  let chargeId = params.charge;
  if (params.payment_intent !== undefined) {
    const intent = await loadIntent(tx, ctx, params.payment_intent, 'payment_intent');
    if (intent.status !== 'succeeded' || !intent.latest_charge) {
      throw new ApiError(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, { param: 'payment_intent' });
    }
    if (chargeId !== undefined && chargeId !== intent.latest_charge) {
      throw new ApiError(`The charge ${chargeId} does not belong to the PaymentIntent ${intent.id}.`, { param: 'charge' });
    }
    chargeId = intent.latest_charge;
  }
  if (chargeId === undefined) {
    throw new ApiError('One of the following params should be provided for this request: payment_intent or charge.', { code: 'parameter_missing', param: 'payment_intent' });
  }
  const unlocked = await tx.get<Charge>('charges', ctx.accountId, chargeId);
  if (!unlocked) throw errors.noSuch('charge', chargeId, 'charge');
  assert(unlocked.customer !== null, 'a customer_balance charge has a customer');
  const payer = await tx.get<Customer>('customers', ctx.accountId, unlocked.customer);
  if (payer?._deleted) {
    // Stripe is silent; a failed or expired refund comes back to the cash balance, which a deleted customer no longer has.
    throw new ApiError(
      `This payment's customer (${unlocked.customer}) was deleted, so it cannot be refunded: a refund of a cash balance payment goes through the customer's cash balance, and comes back to it if it fails. Refund payments before deleting their customer.`,
      { param: params.payment_intent !== undefined ? 'payment_intent' : 'charge' },
    );
  }
  const customer = await lockCustomer(tx, ctx, unlocked.customer);
  const charge = (await tx.getForUpdate<Charge>('charges', ctx.accountId, chargeId))!;
  if (charge.status !== 'succeeded') throw new ApiError(`Charge ${charge.id} has not succeeded and cannot be refunded.`, { param: 'charge' });
  return { charge, customer, intentId: charge.payment_intent };
}

async function addRefunded(tx: Tx, ctx: RequestContext, charge: Charge, delta: number): Promise<void> {
  const before = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += delta;
  assert(charge.amount_refunded >= 0 && charge.amount_refunded <= charge.amount, `charge ${charge.id} refunded ${charge.amount_refunded} of ${charge.amount}`);
  charge.refunded = charge.amount_refunded === charge.amount;
  // Only what changed: `refunded` stays false through partial refunds.
  const previous = changedAttributes(before, { amount_refunded: charge.amount_refunded, refunded: charge.refunded });
  await tx.update('charges', ctx.accountId, charge);
  if (delta > 0) await emitEvent(tx, ctx, 'charge.refunded', charge, previous);
}

/** POST /v1/refunds for a payment: the bank-account flow (email, then details, then paid). */
export async function createPaymentRefund(tx: Tx, requestCtx: RequestContext, params: CreateRefundParams): Promise<Refund> {
  if (params.customer !== undefined) throw new ApiError('customer can only be set on a refund with origin=customer_balance.', { param: 'customer' });
  const { charge, customer, intentId } = await refundableCharge(tx, requestCtx, params);
  const ctx = await customerContext(tx, requestCtx, customer);
  if (params.currency !== undefined && params.currency.toLowerCase() !== charge.currency) {
    throw new ApiError(`The currency ${params.currency} does not match the charge's currency ${charge.currency}.`, { param: 'currency' });
  }
  const now = ctx.clock.nowSeconds();
  const amount = refundAmount(charge.amount, charge.amount_refunded, params.amount, charge.created, now);
  const email = instructionsEmail(params.instructions_email, customer.email);
  const refund = buildRefund(
    { id: ctx.ids('re'), created: now, amount, currency: charge.currency, customer: customer.id, charge: charge.id, paymentIntent: intentId, origin: 'payment', metadata: params.metadata ?? {}, reason: params.reason ?? null, email, expiresAt: now + RESPONSE_WINDOW_SECONDS },
    initialRefundStatus(BANK_DETAILS_KNOWN),
  );
  const txn = await bookMerchant(tx, ctx, { amount: -amount, currency: charge.currency, type: 'payment_refund', source: refund.id, description: 'REFUND FOR PAYMENT', counter: REFUNDS_PENDING });
  refund.balance_transaction = txn.id;
  await tx.insert('refunds', ctx.accountId, refund);
  await emitEvent(tx, ctx, 'refund.created', refund);
  await addRefunded(tx, ctx, charge, amount);
  await scheduleExpiry(tx, ctx, refund, customer);
  return refund;
}

/** POST /v1/refunds with origin=customer_balance: returns cash balance money to the customer's bank. */
export async function createReturn(
  tx: Tx,
  requestCtx: RequestContext,
  params: CreateRefundParams,
  options: { expiresAt?: number; sweepOnExpiry?: boolean; funding?: string } = {},
): Promise<Refund> {
  if (params.charge !== undefined || params.payment_intent !== undefined) {
    throw new ApiError('A refund with origin=customer_balance returns cash balance money: it cannot name a charge or PaymentIntent.', { param: params.charge !== undefined ? 'charge' : 'payment_intent' });
  }
  if (params.customer === undefined) throw errors.missing('customer');
  if (params.currency === undefined) throw errors.missing('currency');
  const currency = params.currency.toLowerCase();
  if (!isCashCurrency(currency)) throw new ApiError(`Invalid currency: ${params.currency}. A cash balance holds eur, gbp, jpy, mxn or usd.`, { param: 'currency' });
  const customer = await lockCustomer(tx, requestCtx, params.customer);
  const ctx = await customerContext(tx, requestCtx, customer);
  const available = await tx.lockCashBalance(ctx.accountId, customer.id, currency);
  const amount = returnAmount(available, params.amount, currency);
  const email = instructionsEmail(params.instructions_email, customer.email);
  const now = ctx.clock.nowSeconds();
  const refund = buildRefund(
    { id: ctx.ids('re'), created: now, amount, currency, customer: customer.id, charge: null, paymentIntent: null, origin: 'customer_balance', metadata: params.metadata ?? {}, reason: params.reason ?? null, email, expiresAt: options.expiresAt ?? now + RESPONSE_WINDOW_SECONDS, sweepOnExpiry: options.sweepOnExpiry },
    initialRefundStatus(BANK_DETAILS_KNOWN),
  );
  if (options.funding) refund._funding = options.funding;
  // Event order as the spec lists it: the return_initiated entry, then refund.created.
  await postCashTransactions(tx, ctx, customer.id, currency, [{ type: 'return_initiated', netAmount: -amount }]);
  await tx.insert('refunds', ctx.accountId, refund);
  await emitEvent(tx, ctx, 'refund.created', refund);
  await scheduleExpiry(tx, ctx, refund, customer);
  return refund;
}

/** Cashbook extension: refunds a succeeded payment into the customer's cash balance, at once. */
export async function refundToCashBalance(tx: Tx, requestCtx: RequestContext, intentId: string, params: RefundToCashBalanceParams): Promise<Refund> {
  const { charge, customer } = await refundableCharge(tx, requestCtx, { payment_intent: intentId });
  const ctx = await customerContext(tx, requestCtx, customer);
  const now = ctx.clock.nowSeconds();
  const amount = refundAmount(charge.amount, charge.amount_refunded, params.amount, charge.created, now);
  const refund = buildRefund(
    { id: ctx.ids('re'), created: now, amount, currency: charge.currency, customer: customer.id, charge: charge.id, paymentIntent: intentId, origin: 'cash_balance', metadata: params.metadata ?? {}, reason: params.reason ?? null, email: null, expiresAt: null },
    'succeeded',
  );
  const [entry] = await postMoneyBack(tx, ctx, customer.id, charge.currency, { type: 'refunded_from_payment', netAmount: amount, detail: { refund: refund.id } }, { age: 'new' });
  // The cash entry posts merchant -> cash balance; the balance transaction only records it.
  const txn = await bookMerchant(tx, ctx, { amount: -amount, currency: charge.currency, type: 'payment_refund', source: refund.id, description: `REFUND TO CASH BALANCE (${entry.id})`, counter: null });
  refund.balance_transaction = txn.id;
  await tx.insert('refunds', ctx.accountId, refund);
  await emitEvent(tx, ctx, 'refund.created', refund);
  await addRefunded(tx, ctx, charge, amount);
  await afterCashInflow(tx, ctx, customer, charge.currency, null);
  return refund;
}

export { addRefunded };
