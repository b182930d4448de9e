// The invoice lifecycle: draft → open → paid | void, with the credit balance applied at
// finalization and given back on void. Paying from the cash balance lives in payment.ts.
import { ApiError, errors } from '../../core/errors.ts';
import { applyCreditAtFinalization, chargeability, formatInvoiceNumber } from '../../core/invoice.ts';
import { CASH_CURRENCIES, isCashCurrency } from '../../core/money.ts';
import type { ReadTx, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { mergeMetadata } from '../../wire/params.ts';
import { toWire } from '../../wire/wire-object.ts';
import { loadAccount } from '../accounts/service.ts';
import { bookCreditTransaction, creditBalance, defaultCurrency, hasCashBalance, saveCustomer } from '../customer-balance-transactions/service.ts';
import { changedAttributes, lockCustomer, type Customer } from '../customers/service.ts';
import { customerContext } from '../test-clocks/service.ts';
import { emitEvent } from '../events/emit.ts';
import { attachPendingItems, invoiceItemWire } from '../invoice-items/service.ts';
import { customerSnapshot, newDraft, paymentSettings } from './draft.ts';
import { checkInvoice, customerBalanceAllowed, deletedInvoice, markPaid, refreshDraftLines, type Invoice } from './object.ts';
import type { CreateInvoiceParams, UpdateInvoiceParams } from './params.ts';
import { cancelInvoiceIntent, createInvoiceIntent, payAtFinalization, payFromCashBalance } from './payment.ts';

const TABLE = 'invoices';
const DAY = 86_400;

export async function loadInvoice(tx: ReadTx, ctx: RequestContext, id: string, param = 'invoice'): Promise<Invoice> {
  const invoice = await tx.get<Invoice>(TABLE, ctx.accountId, id);
  if (!invoice) throw errors.noSuch('invoice', id, param);
  return invoice;
}

/**
 * Locks the invoice's customer, then the invoice: customer before invoice, as every path does.
 * With the context at the customer's time (its test clock's, if it has one).
 */
export async function lockInvoice(tx: Tx, ctx: RequestContext, id: string): Promise<{ invoice: Invoice; ctx: RequestContext }> {
  const first = await loadInvoice(tx, ctx, id);
  const customer = await lockCustomer(tx, ctx, first.customer, 'invoice');
  const invoice = await tx.getForUpdate<Invoice>(TABLE, ctx.accountId, id);
  if (!invoice) throw errors.noSuch('invoice', id, 'invoice');
  return { invoice, ctx: await customerContext(tx, ctx, customer) };
}

/** Applies collection_method / days_until_due / due_date, refusing the combinations Stripe refuses. */
function applyCollection(invoice: Invoice, params: UpdateInvoiceParams, now: number): void {
  if (params.collection_method !== undefined) invoice.collection_method = params.collection_method;
  if (params.days_until_due !== undefined && params.due_date !== undefined) {
    throw new ApiError('You may only specify one of these parameters: days_until_due, due_date.', { code: 'parameters_exclusive', param: 'due_date' });
  }
  if (params.days_until_due !== undefined) invoice._days_until_due = params.days_until_due;
  if (params.due_date !== undefined) {
    invoice._days_until_due = null;
    invoice.due_date = params.due_date;
  }
  if (invoice.collection_method === 'charge_automatically') {
    if (params.days_until_due !== undefined || params.due_date !== undefined) {
      const param = params.days_until_due !== undefined ? 'days_until_due' : 'due_date';
      throw new ApiError(`You can only set ${param} when collection_method is send_invoice.`, { param });
    }
    invoice._days_until_due = null;
    invoice.due_date = null;
  } else {
    // send_invoice without a due date: due 30 days after finalization, as Stripe's default setting.
    if (invoice.due_date === null && invoice._days_until_due === null) invoice._days_until_due = 30;
    if (invoice._days_until_due !== null) invoice.due_date = now + invoice._days_until_due * DAY;
  }
}

/** customer_balance pays only in the bank-transfer currencies. */
function checkCashCurrency(invoice: Invoice): void {
  if (customerBalanceAllowed(invoice) && !isCashCurrency(invoice.currency)) {
    throw new ApiError(`The customer_balance payment method does not support ${invoice.currency}; use one of ${CASH_CURRENCIES.join(', ')}.`, { param: 'payment_settings[payment_method_types]' });
  }
}

export async function createInvoice(tx: Tx, ctx: RequestContext, params: CreateInvoiceParams): Promise<Invoice> {
  const customer = await lockCustomer(tx, ctx, params.customer);
  ctx = await customerContext(tx, ctx, customer); // a customer on a test clock lives at its time
  const account = await loadAccount(tx, ctx.accountId);
  const now = ctx.clock.nowSeconds();
  const id = ctx.ids('in');
  const currency = params.currency ?? customer.currency ?? (await defaultCurrency(tx, ctx));
  const invoice = newDraft({ id, now, account, customer, currency, livemode: ctx.livemode, params });
  applyCollection(invoice, params, now);
  checkCashCurrency(invoice);
  await tx.insert(TABLE, ctx.accountId, invoice);
  if (params.pending_invoice_items_behavior === 'include') await attachPendingItems(tx, ctx, invoice, params.currency !== undefined);
  await refreshDraftLines(tx, ctx, invoice, customer);
  await tx.update(TABLE, ctx.accountId, invoice);
  await emitEvent(tx, ctx, 'invoice.created', invoice);
  return invoice;
}

const FINALIZED_EDITABLE = new Set(['metadata', 'expand', 'description', 'footer']);
const FINALIZED_EDITABLE_OPEN = new Set([...FINALIZED_EDITABLE, 'auto_advance']);

export async function updateInvoice(tx: Tx, ctx: RequestContext, id: string, params: UpdateInvoiceParams): Promise<Invoice> {
  const { invoice, ctx: clocked } = await lockInvoice(tx, ctx, id);
  ctx = clocked; // a customer on a test clock lives at its time
  const before = toWire(invoice);
  const next: Invoice = structuredClone(invoice);
  if (invoice.status !== 'draft') {
    // Stripe: once finalized, monetary values and collection_method are frozen; text stays editable, auto_advance while open.
    const editable = invoice.status === 'open' ? FINALIZED_EDITABLE_OPEN : FINALIZED_EDITABLE;
    const frozen = Object.keys(params).find((key) => !editable.has(key) && (params as Record<string, unknown>)[key] !== undefined);
    if (frozen) throw new ApiError(`You can't change ${frozen} on a finalized invoice.`, { code: 'invoice_not_editable', param: frozen });
    if (params.description !== undefined) next.description = params.description;
    if (params.footer !== undefined) next.footer = params.footer;
    if (params.auto_advance !== undefined) next.auto_advance = params.auto_advance;
  } else {
    if (params.auto_advance !== undefined) next.auto_advance = params.auto_advance;
    if (params.description !== undefined) next.description = params.description;
    if (params.footer !== undefined) next.footer = params.footer;
    if (params.payment_settings !== undefined) next.payment_settings = paymentSettings(params.payment_settings, invoice.payment_settings);
    applyCollection(next, params, ctx.clock.nowSeconds());
    checkCashCurrency(next);
  }
  if (params.metadata !== undefined) next.metadata = mergeMetadata(invoice.metadata, params.metadata, Object.keys(params.metadata).length === 0);
  checkInvoice(next);
  await tx.update(TABLE, ctx.accountId, next);
  const previous = changedAttributes(before, toWire(next));
  if (Object.keys(previous).length > 0) await emitEvent(tx, ctx, 'invoice.updated', next, previous);
  return next;
}

export async function deleteInvoice(tx: Tx, ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  const { invoice, ctx: clocked } = await lockInvoice(tx, ctx, id);
  ctx = clocked; // a customer on a test clock lives at its time
  if (invoice.status !== 'draft') {
    throw new ApiError('You can only delete draft invoices. Void a finalized invoice instead.', { code: 'invoice_not_editable', param: 'invoice' });
  }
  // Items attached to a deleted draft go with it (they belonged to that invoice only), each with its event.
  for (const item of await tx.all('invoice_items', ctx.accountId, { invoice: id })) {
    await tx.remove('invoice_items', ctx.accountId, item.id);
    await emitEvent(tx, ctx, 'invoiceitem.deleted', invoiceItemWire(item));
  }
  await tx.remove(TABLE, ctx.accountId, id);
  await emitEvent(tx, ctx, 'invoice.deleted', invoice);
  return deletedInvoice(id);
}

/** Takes the next free number `PREFIX-NNNN` from the customer's sequence, unique in the account. */
async function takeInvoiceNumber(tx: Tx, ctx: RequestContext, customer: Customer): Promise<string> {
  // Customers may share a prefix: numbering is serialized per account (the account row's lock).
  await tx.getForUpdate('accounts', ctx.accountId, ctx.accountId);
  let sequence = customer.next_invoice_sequence as number;
  for (let tries = 0; tries < 10_000; tries++, sequence++) {
    const number = formatInvoiceNumber(customer.invoice_prefix as string, sequence);
    if (!(await tx.find(TABLE, ctx.accountId, { number }))) {
      customer.next_invoice_sequence = sequence + 1;
      return number;
    }
  }
  throw new ApiError('No free invoice number is left for this customer prefix; change invoice_prefix.', { param: 'customer' });
}

export async function emitPaid(tx: Tx, ctx: RequestContext, invoice: Invoice): Promise<void> {
  await emitEvent(tx, ctx, 'invoice.paid', invoice);
  await emitEvent(tx, ctx, 'invoice.payment_succeeded', invoice);
}

export async function finalizeInvoice(tx: Tx, ctx: RequestContext, id: string, autoAdvance?: boolean): Promise<Invoice> {
  const { invoice, ctx: clocked } = await lockInvoice(tx, ctx, id);
  ctx = clocked; // a customer on a test clock lives at its time
  if (invoice.status !== 'draft') {
    throw new ApiError(`This invoice is already finalized (status ${invoice.status}); only a draft can be finalized.`, { code: 'invoice_already_finalized', param: 'invoice' });
  }
  const customer = await lockCustomer(tx, ctx, invoice.customer, 'invoice');
  const customerBefore = toWire(customer);
  await refreshDraftLines(tx, ctx, invoice, customer);
  if (invoice.total < 0) {
    // Negative totals would credit the balance; not supported here.
    throw new ApiError('An invoice with a negative total cannot be finalized here; use a credit balance adjustment instead.', { param: 'invoice' });
  }
  const now = ctx.clock.nowSeconds();
  const application = applyCreditAtFinalization(invoice.total, creditBalance(customer, invoice.currency));
  const kind = chargeability(application.amountDue, invoice.currency);
  const cash = await hasCashBalance(tx, ctx, customer.id);
  if ((kind === 'too_small' || kind === 'too_large') && cash) {
    throw new ApiError(
      `The amount due (${application.amountDue} ${invoice.currency}) is ${kind === 'too_small' ? 'below the minimum' : 'above the maximum'} chargeable amount, and invoices of customers with a cash balance cannot be finalized then.`,
      { code: kind === 'too_small' ? 'amount_too_small' : 'amount_too_large', param: 'invoice' },
    );
  }
  invoice.number = await takeInvoiceNumber(tx, ctx, customer);
  // Too small or too large to charge: the amount goes to the credit balance (below), so nothing is due and the ending balance holds it.
  const carried = kind === 'too_small' || kind === 'too_large' ? application.amountDue : 0;
  if (application.transactionAmount !== 0) {
    await bookCreditTransaction(tx, ctx, customer, invoice.currency, 'applied_to_invoice', application.transactionAmount, { invoice: invoice.id });
  }
  Object.assign(invoice, {
    status: 'open',
    auto_advance: autoAdvance ?? invoice.auto_advance,
    starting_balance: application.startingBalance,
    ending_balance: application.endingBalance + carried,
    amount_due: application.amountDue - carried,
    amount_paid: 0,
    amount_remaining: application.amountDue - carried,
    effective_at: now,
    // Cashbook hosts no invoice page or PDF: no link rather than one to Stripe's domains that leads nowhere.
    hosted_invoice_url: null,
    invoice_pdf: null,
    ...customerSnapshot(customer),
    _applied_credit: application.transactionAmount,
  });
  invoice.status_transitions.finalized_at = now;
  if (invoice._days_until_due !== null) invoice.due_date = now + invoice._days_until_due * DAY;
  if (kind === 'chargeable') await createInvoiceIntent(tx, ctx, invoice, customer);
  checkInvoice(invoice);
  await tx.update(TABLE, ctx.accountId, invoice);
  await emitEvent(tx, ctx, 'invoice.finalized', invoice);

  if (carried !== 0) {
    // The amount moves to the credit balance as a debit for the next invoice; this one is settled.
    await bookCreditTransaction(tx, ctx, customer, invoice.currency, kind === 'too_small' ? 'invoice_too_small' : 'invoice_too_large', carried, { invoice: invoice.id });
  }
  await saveCustomer(tx, ctx, customer, customerBefore);
  if (kind !== 'chargeable') {
    markPaid(invoice, now);
    await tx.update(TABLE, ctx.accountId, invoice);
    await emitPaid(tx, ctx, invoice);
    return invoice;
  }
  return payAtFinalization(tx, ctx, invoice, customer);
}

export async function voidInvoice(tx: Tx, ctx: RequestContext, id: string): Promise<Invoice> {
  const { invoice, ctx: clocked } = await lockInvoice(tx, ctx, id);
  ctx = clocked; // a customer on a test clock lives at its time
  if (invoice.status !== 'open' && invoice.status !== 'uncollectible') {
    throw new ApiError(`You can only void an open or uncollectible invoice; this one is ${invoice.status}.`, { code: 'invoice_not_editable', param: 'invoice' });
  }
  const customer = await lockCustomer(tx, ctx, invoice.customer, 'invoice');
  const customerBefore = toWire(customer);
  if (invoice._applied_credit !== 0) {
    // Give back exactly what finalization took from (or added to) the balance.
    await bookCreditTransaction(tx, ctx, customer, invoice.currency, 'unapplied_from_invoice', -invoice._applied_credit, { invoice: invoice.id });
    await saveCustomer(tx, ctx, customer, customerBefore);
  }
  await cancelInvoiceIntent(tx, ctx, invoice);
  invoice.status = 'void';
  invoice.status_transitions.voided_at = ctx.clock.nowSeconds();
  invoice.next_payment_attempt = null;
  checkInvoice(invoice);
  await tx.update(TABLE, ctx.accountId, invoice);
  await emitEvent(tx, ctx, 'invoice.voided', invoice);
  return invoice;
}

export async function payInvoice(tx: Tx, ctx: RequestContext, id: string, params: { paid_out_of_band?: boolean }): Promise<Invoice> {
  const locked = await lockInvoice(tx, ctx, id);
  let invoice = locked.invoice;
  ctx = locked.ctx; // a customer on a test clock lives at its time
  // Paying a draft finalizes it first, as Stripe does; one settled at finalization is returned as is.
  if (invoice.status === 'draft') {
    invoice = await finalizeInvoice(tx, ctx, id);
    if (invoice.status === 'paid') return invoice;
  }
  if (invoice.status === 'paid') throw new ApiError('Invoice is already paid.', { code: 'invoice_already_paid', param: 'invoice' });
  if (invoice.status === 'void') throw new ApiError('This invoice is void and cannot be paid.', { code: 'invoice_not_editable', param: 'invoice' });
  if (params.paid_out_of_band) {
    // The unused intent is canceled; 'abandoned' is the closest reason a caller could give.
    await cancelInvoiceIntent(tx, ctx, invoice, 'abandoned');
    markPaid(invoice, ctx.clock.nowSeconds(), true);
    await tx.update(TABLE, ctx.accountId, invoice);
    await emitPaid(tx, ctx, invoice);
    return invoice;
  }
  return payFromCashBalance(tx, ctx, invoice);
}
