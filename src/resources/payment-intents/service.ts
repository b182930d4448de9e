// PaymentIntents paid from the cash balance: create, confirm, apply_customer_balance, update,
// cancel. Each locks the customer first, so operations on one balance serialize.
import { ApiError, assert, errors } from '../../core/errors.ts';
import { minimumChargeAmount } from '../../core/invoice.ts';
import { formatAmount } from '../../core/money.ts';
import { decideAmountChange, decideApply, decideCancel, decideConfirm, transitionError } from '../../core/payment-intent.ts';
import { randomBase62 } from '../../core/ids.ts';
import type { ReadTx, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { mergeMetadata } from '../../wire/params.ts';
import { afterCashInflow } from '../cash-balance/inflow.ts';
import { effectiveReconciliationMode } from '../cash-balance/service.ts';
import { lockCustomer, type Customer } from '../customers/service.ts';
import { customerContext } from '../test-clocks/service.ts';
import { emitEvent } from '../events/emit.ts';
import { createCustomerBalancePaymentMethod, loadPaymentMethod } from '../payment-methods/service.ts';
import { bookApplication, releaseApplied, saveIntent, succeed } from './funding.ts';
import { showInstructions } from './instructions.ts';
import { checkAction, customerBalanceOptions, unexpectedState, type PaymentIntent } from './object.ts';
import { FIXED_AFTER_CREATE, type ConfirmIntentParams, type CreateIntentParams, type PaymentMethodDataParam, type UpdateIntentParams } from './params.ts';

export interface ServiceOptions {
  /** Public base URL for hosted instructions links; defaults to the server's. */
  baseUrl?: string;
}

export interface CreateIntentInput extends CreateIntentParams {
  /** Set by invoices: the intent pays that invoice and is funded through it, never partially. */
  invoice?: string;
}

export async function loadIntent(tx: ReadTx, ctx: RequestContext, id: string, param = 'intent'): Promise<PaymentIntent> {
  const intent = await tx.get<PaymentIntent>('payment_intents', ctx.accountId, id);
  if (!intent) throw errors.noSuch('payment_intent', id, param);
  return intent;
}

/** Locks the intent's customer, then reads the intent (customer before intent, always); with the context at the customer's time (its test clock's, if it has one). */
export async function lockIntent(tx: Tx, ctx: RequestContext, id: string): Promise<{ intent: PaymentIntent; customer: Customer; ctx: RequestContext }> {
  const first = await loadIntent(tx, ctx, id);
  // A deleted customer's intents can still be canceled or updated, so lock the row as it is.
  const customer = await tx.getForUpdate<Customer>('customers', ctx.accountId, first.customer);
  assert(customer, `intent ${id} has no customer row`);
  const intent = (await tx.getForUpdate<PaymentIntent>('payment_intents', ctx.accountId, id))!;
  return { intent, customer, ctx: await customerContext(tx, ctx, customer) };
}

function checkLiveCustomer(customer: Customer): void {
  if (customer._deleted) throw new ApiError(`The customer ${customer.id} of this PaymentIntent has been deleted; its cash balance cannot pay it.`, { param: 'customer' });
}

function checkPaymentMethodTypes(types: string[] | undefined): void {
  const unsupported = types?.find((type) => type !== 'customer_balance');
  if (unsupported !== undefined) {
    // Cashbook only runs customer_balance payments.
    throw new ApiError(`The payment method type "${unsupported}" is invalid. Cashbook supports only customer_balance.`, { param: 'payment_method_types' });
  }
  if (types && types.length === 0) throw new ApiError('payment_method_types must include customer_balance.', { param: 'payment_method_types' });
}

async function attachPaymentMethod(tx: Tx, ctx: RequestContext, intent: PaymentIntent, id: string | undefined, data: PaymentMethodDataParam | undefined): Promise<void> {
  if (id !== undefined) {
    const method = await loadPaymentMethod(tx, ctx, id);
    if (method.type !== 'customer_balance') throw new ApiError('The PaymentMethod must be of type customer_balance.', { param: 'payment_method' });
    intent.payment_method = method.id;
  } else if (data !== undefined) {
    intent.payment_method = (await createCustomerBalancePaymentMethod(tx, ctx, data)).id;
  }
}

/** Stripe's minimum charge amount per currency (`amount_too_small`), as for invoices. */
function checkMinimumCharge(amount: number, currency: string): void {
  const minimum = minimumChargeAmount(currency);
  if (amount < minimum) {
    throw new ApiError(`Amount must be at least ${formatAmount(minimum, currency)}.`, { code: 'amount_too_small', param: 'amount' });
  }
}

export async function createIntent(tx: Tx, ctx: RequestContext, params: CreateIntentInput, options: ServiceOptions = {}): Promise<PaymentIntent> {
  checkPaymentMethodTypes(params.payment_method_types);
  checkPaymentMethodTypes(params.allowed_payment_method_types);
  if (params.customer === undefined) {
    throw new ApiError('A customer is required to use the customer_balance payment method: bank transfers are not available on a PaymentIntent without a customer.', { code: 'parameter_missing', param: 'customer' });
  }
  if (params.setup_future_usage !== undefined) {
    throw new ApiError('The customer_balance payment method cannot be set up for future usage.', { param: 'setup_future_usage' });
  }
  if (params.payment_method !== undefined && params.payment_method_data !== undefined) {
    throw new ApiError('You may only specify one of these parameters: payment_method, payment_method_data.', { param: 'payment_method_data' });
  }
  checkMinimumCharge(params.amount, params.currency);
  const customer = await lockCustomer(tx, ctx, params.customer);
  ctx = await customerContext(tx, ctx, customer); // a customer on a test clock lives at its time
  const id = ctx.ids('pi');
  const automatic = params.payment_method_types === undefined && params.allowed_payment_method_types === undefined;
  const intent: PaymentIntent = {
    id,
    object: 'payment_intent',
    amount: params.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    // Without payment_method_types, automatic payment methods; here that means customer_balance.
    automatic_payment_methods: automatic ? { allow_redirects: params.automatic_payment_methods?.allow_redirects ?? 'always', enabled: true } : null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic',
    client_secret: `${id}_secret_${randomBase62(25)}`,
    confirmation_method: 'automatic',
    created: ctx.clock.nowSeconds(),
    currency: params.currency,
    customer: customer.id,
    description: params.description ?? null,
    invoice: params.invoice ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: ctx.livemode,
    metadata: mergeMetadata({}, params.metadata, true),
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: { customer_balance: customerBalanceOptions(params.currency, params.payment_method_options) },
    payment_method_types: ['customer_balance'],
    processing: null,
    receipt_email: params.receipt_email ?? null,
    review: null,
    setup_future_usage: null,
    shipping: null,
    statement_descriptor: params.statement_descriptor ?? null,
    statement_descriptor_suffix: params.statement_descriptor_suffix ?? null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
    _applied: 0,
    _confirmed_at: null,
    _reference: null,
    _hosted_token: null,
  };
  await attachPaymentMethod(tx, ctx, intent, params.payment_method, params.payment_method_data);
  if (intent.payment_method) intent.status = 'requires_confirmation';
  await tx.insert('payment_intents', ctx.accountId, intent);
  await emitEvent(tx, ctx, 'payment_intent.created', intent);
  if (params.confirm) return confirmLocked(tx, ctx, customer, intent, {}, options);
  return intent;
}

export async function confirmIntent(tx: Tx, ctx: RequestContext, id: string, params: ConfirmIntentParams, options: ServiceOptions = {}): Promise<PaymentIntent> {
  const { intent, customer, ctx: clocked } = await lockIntent(tx, ctx, id);
  ctx = clocked; // a customer on a test clock lives at its time
  return confirmLocked(tx, ctx, customer, intent, params, options);
}

async function confirmLocked(tx: Tx, ctx: RequestContext, customer: Customer, intent: PaymentIntent, params: ConfirmIntentParams, options: ServiceOptions): Promise<PaymentIntent> {
  checkAction(intent, 'confirm');
  checkLiveCustomer(customer);
  checkPaymentMethodTypes(params.payment_method_types);
  checkPaymentMethodTypes(params.allowed_payment_method_types);
  if (params.payment_method !== undefined && params.payment_method_data !== undefined) {
    throw new ApiError('You may only specify one of these parameters: payment_method, payment_method_data.', { param: 'payment_method_data' });
  }
  if (params.payment_method_options) {
    intent.payment_method_options = { customer_balance: customerBalanceOptions(intent.currency, params.payment_method_options, intent.payment_method_options.customer_balance) };
  }
  if (params.receipt_email !== undefined) intent.receipt_email = params.receipt_email;
  await attachPaymentMethod(tx, ctx, intent, params.payment_method, params.payment_method_data);
  // customer_balance is the only method allowed: confirming without one uses a new one.
  if (!intent.payment_method) intent.payment_method = (await createCustomerBalancePaymentMethod(tx, ctx)).id;
  intent._confirmed_at ??= ctx.clock.nowSeconds();
  intent.last_payment_error = null;
  const balance = (await tx.cashBalances(ctx.accountId, customer.id))[intent.currency] ?? 0;
  const decision = decideConfirm({
    amount: intent.amount,
    applied: intent._applied,
    balance,
    mode: await effectiveReconciliationMode(tx, ctx, customer),
    fundingType: intent.payment_method_options.customer_balance.funding_type,
    forInvoice: intent.invoice !== null,
  });
  if (decision.kind === 'succeed') {
    await bookApplication(tx, ctx, intent, decision.apply);
    await succeed(tx, ctx, intent);
    return intent;
  }
  if (decision.kind === 'requires_action') {
    await showInstructions(tx, ctx, customer, intent, intent.amount - intent._applied, options.baseUrl);
    intent.status = 'requires_action';
    if (decision.apply > 0) await bookApplication(tx, ctx, intent, decision.apply);
    await saveIntent(tx, ctx, intent);
    // Never partially_funded at confirmation, even when balance was applied.
    await emitEvent(tx, ctx, 'payment_intent.requires_action', intent);
    return intent;
  }
  const method = await loadPaymentMethod(tx, ctx, intent.payment_method);
  intent.last_payment_error = {
    code: 'payment_intent_payment_attempt_failed',
    doc_url: 'https://stripe.com/docs/error-codes/payment-intent-payment-attempt-failed',
    message: `The customer's cash balance (${formatAmount(balance, intent.currency)}) is insufficient to pay this PaymentIntent, and no funding_type was set to request a bank transfer for the rest.`,
    payment_method: method,
    payment_method_type: 'customer_balance',
    type: 'invalid_request_error',
  };
  intent.payment_method = null;
  intent.status = 'requires_payment_method';
  await saveIntent(tx, ctx, intent);
  await emitEvent(tx, ctx, 'payment_intent.payment_failed', intent);
  return intent;
}

/** POST /v1/payment_intents/:id/apply_customer_balance (spec §7). */
export async function applyCustomerBalance(tx: Tx, ctx: RequestContext, id: string, params: { amount?: number; currency?: string }, options: ServiceOptions = {}): Promise<PaymentIntent> {
  const { intent, customer, ctx: clocked } = await lockIntent(tx, ctx, id);
  ctx = clocked; // a customer on a test clock lives at its time
  checkAction(intent, 'apply_customer_balance');
  checkLiveCustomer(customer);
  if (params.currency !== undefined && params.currency !== intent.currency) {
    throw new ApiError(`The currency ${params.currency} does not match the PaymentIntent's currency (${intent.currency}).`, { param: 'currency' });
  }
  const available = (await tx.cashBalances(ctx.accountId, customer.id))[intent.currency] ?? 0;
  const outcome = decideApply({ amount: intent.amount, applied: intent._applied, requested: params.amount, available, currency: intent.currency, forInvoice: intent.invoice !== null });
  if (!outcome.ok) throw new ApiError(outcome.message, { param: outcome.param });
  const waiting = intent.status === 'requires_action';
  const completes = intent._applied + outcome.apply === intent.amount;
  if (!waiting && !completes && intent.payment_method_options.customer_balance.funding_type !== 'bank_transfer') {
    throw new ApiError('This amount does not fully fund the PaymentIntent, and it has no funding_type to request a bank transfer for the rest. Set payment_method_options[customer_balance][funding_type]=bank_transfer or apply the full amount.', { param: 'amount' });
  }
  if (!waiting) {
    if (!intent.payment_method) intent.payment_method = (await createCustomerBalancePaymentMethod(tx, ctx)).id;
    intent._confirmed_at ??= ctx.clock.nowSeconds();
    intent.last_payment_error = null;
    if (!completes) {
      await showInstructions(tx, ctx, customer, intent, intent.amount - intent._applied, options.baseUrl);
      intent.status = 'requires_action';
    }
  }
  const complete = await bookApplication(tx, ctx, intent, outcome.apply);
  if (complete) {
    await succeed(tx, ctx, intent);
  } else {
    await saveIntent(tx, ctx, intent);
    // Entering requires_action is announced as such; money on a waiting intent is partial funding.
    await emitEvent(tx, ctx, waiting ? 'payment_intent.partially_funded' : 'payment_intent.requires_action', intent);
  }
  return intent;
}

export async function updateIntent(tx: Tx, ctx: RequestContext, id: string, params: UpdateIntentParams): Promise<PaymentIntent> {
  const { intent, customer, ctx: clocked } = await lockIntent(tx, ctx, id);
  ctx = clocked; // a customer on a test clock lives at its time
  checkAction(intent, 'update');
  for (const name of FIXED_AFTER_CREATE) {
    if ((params as Record<string, unknown>)[name] !== undefined) {
      throw new ApiError(`Cashbook does not change a PaymentIntent's ${name} after it is created: cancel this one and create another.`, { param: name });
    }
  }
  const changesPayment = (params.amount !== undefined && params.amount !== intent.amount) || params.payment_method_options !== undefined;
  if (changesPayment && transitionError('confirm', intent.status) !== null && intent.status !== 'requires_action') {
    throw unexpectedState(intent, 'update', `You cannot update this PaymentIntent's amount or payment method options because it has a status of ${intent.status}.`);
  }
  let released = 0;
  if (params.amount !== undefined && params.amount !== intent.amount) {
    if (intent.invoice !== null) throw new ApiError("The amount of an invoice's PaymentIntent cannot be changed; update the invoice instead.", { param: 'amount' });
    checkMinimumCharge(params.amount, intent.currency);
    const change = decideAmountChange(intent.status, intent._applied);
    released = await releaseApplied(tx, ctx, intent);
    intent.amount = params.amount;
    intent.status = change.status;
    if (change.clearNextAction) intent.next_action = null;
  }
  if (params.payment_method_options !== undefined) {
    if (intent.status === 'requires_action') throw unexpectedState(intent, 'update', 'You cannot change the payment method options of a PaymentIntent that is waiting for a bank transfer; change its amount or cancel it first.');
    intent.payment_method_options = { customer_balance: customerBalanceOptions(intent.currency, params.payment_method_options, intent.payment_method_options.customer_balance) };
  }
  if (params.description !== undefined) intent.description = params.description;
  if (params.receipt_email !== undefined) intent.receipt_email = params.receipt_email;
  if (params.statement_descriptor !== undefined) intent.statement_descriptor = params.statement_descriptor;
  if (params.statement_descriptor_suffix !== undefined) intent.statement_descriptor_suffix = params.statement_descriptor_suffix;
  if (params.metadata !== undefined) intent.metadata = mergeMetadata(intent.metadata, params.metadata, Object.keys(params.metadata).length === 0);
  await saveIntent(tx, ctx, intent);
  // There is no payment_intent.updated event type; released money is reconciled again.
  if (released > 0) await afterCashInflow(tx, ctx, customer, intent.currency, null);
  return intent;
}

/**
 * Cancels an intent. `byInvoice` is the invoice canceling its own intent (void, paid out of
 * band); anyone else is refused an invoice's intent, which would leave the invoice unpayable.
 */
export async function cancelIntent(
  tx: Tx,
  ctx: RequestContext,
  id: string,
  reason?: string,
  stripeReason?: 'void_invoice' | 'failed_invoice' | 'automatic' | 'expired',
  byInvoice?: string,
): Promise<PaymentIntent> {
  const { intent, customer, ctx: clocked } = await lockIntent(tx, ctx, id);
  ctx = clocked; // a customer on a test clock lives at its time
  checkAction(intent, 'cancel');
  if (intent.invoice !== null && intent.invoice !== byInvoice) {
    throw unexpectedState(intent, 'cancel', `You cannot cancel this PaymentIntent because it was created by an invoice (${intent.invoice}). Void the invoice instead.`);
  }
  decideCancel(intent.status, intent._applied);
  const released = await releaseApplied(tx, ctx, intent);
  intent.status = 'canceled';
  intent.canceled_at = ctx.clock.nowSeconds();
  intent.cancellation_reason = stripeReason ?? reason ?? null;
  intent.next_action = null;
  await saveIntent(tx, ctx, intent);
  await emitEvent(tx, ctx, 'payment_intent.canceled', intent);
  if (released > 0) await afterCashInflow(tx, ctx, customer, intent.currency, null);
  return intent;
}

