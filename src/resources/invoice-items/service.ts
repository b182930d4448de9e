// Invoice items: lines waiting for an invoice (pending) or attached to a draft invoice.
import { ApiError, errors } from '../../core/errors.ts';
import { MAX_AMOUNT_MINOR } from '../../core/money.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { mergeMetadata } from '../../wire/params.ts';
import { adoptCurrency, defaultCurrency, saveCustomer } from '../customer-balance-transactions/service.ts';
import { changedAttributes, lockCustomer, type Customer } from '../customers/service.ts';
import { emitEvent } from '../events/emit.ts';
import { customerContext } from '../test-clocks/service.ts';
import { toWire } from '../../wire/wire-object.ts';
import { MAX_LINES, refreshDraftLines, type Invoice } from '../invoices/object.ts';
import type { CreateInvoiceItemParams, UpdateInvoiceItemParams } from './params.ts';

/** The wire shape: an invoice item carries `date`, not `created` (kept in storage for ordering). */
export function invoiceItemWire(item: object): Record<string, unknown> {
  const { created: _created, ...wire } = toWire(item);
  return wire;
}

export interface InvoiceItem extends StoredObject {
  object: 'invoiceitem';
  amount: number;
  currency: string;
  customer: string;
  description: string | null;
  invoice: string | null;
  metadata: Record<string, string>;
  period: { start: number; end: number };
  quantity: number;
  unit_amount: number | null;
  unit_amount_decimal: string | null;
}

const TABLE = 'invoice_items';

function amountOf(params: { amount?: number; unit_amount?: number; unit_amount_decimal?: number; quantity?: number }, current?: InvoiceItem) {
  if (params.amount !== undefined && (params.unit_amount !== undefined || params.unit_amount_decimal !== undefined)) {
    throw new ApiError('You may only specify one of these parameters: amount, unit_amount.', { code: 'parameters_exclusive', param: 'unit_amount' });
  }
  const quantity = params.quantity ?? current?.quantity ?? 1;
  let unit = params.unit_amount ?? params.unit_amount_decimal ?? (params.amount === undefined ? current?.unit_amount ?? null : null);
  let amount: number;
  if (params.amount !== undefined) {
    amount = params.amount;
    if (quantity !== 1) throw new ApiError('When amount is given, quantity must be 1; use unit_amount with quantity.', { param: 'quantity' });
    unit = params.amount;
  } else if (unit !== null) amount = unit * quantity;
  else throw errors.missing('amount');
  if (Math.abs(amount) > MAX_AMOUNT_MINOR) throw new ApiError(`Amount must be no more than ${MAX_AMOUNT_MINOR}.`, { code: 'amount_too_large', param: 'amount' });
  return { amount, quantity, unit_amount: unit, unit_amount_decimal: unit === null ? null : String(unit) };
}

function notEditable(invoice: Invoice): ApiError {
  return new ApiError(`The invoice ${invoice.id} is ${invoice.status}; invoice items can only be changed on a draft invoice.`, { code: 'invoice_not_editable', param: 'invoice' });
}

/** Loads a draft invoice to attach items to (locked), or fails as Stripe would. */
async function draftFor(tx: Tx, ctx: RequestContext, id: string, customer: string): Promise<Invoice> {
  const invoice = await tx.getForUpdate<Invoice>('invoices', ctx.accountId, id);
  if (!invoice) throw errors.noSuch('invoice', id, 'invoice');
  if (invoice.customer !== customer) throw new ApiError(`The invoice ${id} belongs to another customer.`, { param: 'invoice' });
  if (invoice.status !== 'draft') throw notEditable(invoice);
  return invoice;
}

async function saveDraft(tx: Tx, ctx: RequestContext, invoice: Invoice, customer: Customer): Promise<void> {
  const before = toWire(invoice);
  await refreshDraftLines(tx, ctx, invoice, customer);
  if (invoice.lines.data.length > MAX_LINES) throw new ApiError(`An invoice can have at most ${MAX_LINES} line items.`, { param: 'invoice' });
  await tx.update('invoices', ctx.accountId, invoice);
  // The draft's lines and totals changed: invoice.updated, as for any other change to it.
  const previous = changedAttributes(before, toWire(invoice));
  if (Object.keys(previous).length > 0) await emitEvent(tx, ctx, 'invoice.updated', invoice, previous);
}

export async function createInvoiceItem(tx: Tx, ctx: RequestContext, params: CreateInvoiceItemParams): Promise<InvoiceItem> {
  const customer = await lockCustomer(tx, ctx, params.customer);
  ctx = await customerContext(tx, ctx, customer); // a customer on a test clock lives at its time
  const customerBefore = toWire(customer);
  const invoice = params.invoice === undefined ? undefined : await draftFor(tx, ctx, params.invoice, customer.id);
  const currency = params.currency ?? invoice?.currency ?? customer.currency ?? (await defaultCurrency(tx, ctx));
  if (invoice && invoice.currency !== currency) {
    throw new ApiError(`The currency ${currency} does not match the invoice's currency ${invoice.currency}.`, { param: 'currency' });
  }
  if (adoptCurrency(customer, currency)) await saveCustomer(tx, ctx, customer, customerBefore);
  const now = ctx.clock.nowSeconds();
  const item: InvoiceItem = {
    id: ctx.ids('ii'),
    object: 'invoiceitem',
    ...amountOf(params),
    created: now,
    currency,
    customer: customer.id,
    date: now,
    description: params.description ?? null,
    discountable: params.discountable ?? true,
    discounts: [],
    invoice: invoice?.id ?? null,
    livemode: ctx.livemode,
    metadata: mergeMetadata({}, params.metadata, true),
    period: params.period ?? { start: now, end: now },
    price: null,
    proration: false,
    subscription: null,
    tax_rates: [],
    test_clock: customer.test_clock ?? null,
  };
  await tx.insert(TABLE, ctx.accountId, item);
  if (invoice) await saveDraft(tx, ctx, invoice, customer);
  await emitEvent(tx, ctx, 'invoiceitem.created', invoiceItemWire(item));
  return item;
}

export async function loadInvoiceItem(tx: ReadTx, ctx: RequestContext, id: string, param = 'id'): Promise<InvoiceItem> {
  const item = await tx.get<InvoiceItem>(TABLE, ctx.accountId, id);
  if (!item) throw errors.noSuch('invoiceitem', id, param);
  return item;
}

export async function updateInvoiceItem(tx: Tx, ctx: RequestContext, id: string, params: UpdateInvoiceItemParams): Promise<InvoiceItem> {
  const item = await loadInvoiceItem(tx, ctx, id);
  const customer = await lockCustomer(tx, ctx, item.customer);
  ctx = await customerContext(tx, ctx, customer); // a customer on a test clock lives at its time
  const invoice = item.invoice === null ? undefined : await draftFor(tx, ctx, item.invoice, item.customer);
  const next: InvoiceItem = { ...item };
  const touchesAmount = params.amount !== undefined || params.unit_amount !== undefined || params.unit_amount_decimal !== undefined || params.quantity !== undefined;
  if (touchesAmount) Object.assign(next, amountOf(params, item));
  if (params.description !== undefined) next.description = params.description;
  if (params.discountable !== undefined) next.discountable = params.discountable;
  if (params.period !== undefined) next.period = params.period;
  if (params.metadata !== undefined) next.metadata = mergeMetadata(item.metadata, params.metadata, Object.keys(params.metadata).length === 0);
  await tx.update(TABLE, ctx.accountId, next);
  if (invoice) await saveDraft(tx, ctx, invoice, customer);
  return next;
}

export async function deleteInvoiceItem(tx: Tx, ctx: RequestContext, id: string): Promise<Record<string, unknown>> {
  const item = await loadInvoiceItem(tx, ctx, id);
  const customer = await lockCustomer(tx, ctx, item.customer);
  ctx = await customerContext(tx, ctx, customer); // a customer on a test clock lives at its time
  const invoice = item.invoice === null ? undefined : await draftFor(tx, ctx, item.invoice, item.customer);
  await tx.remove(TABLE, ctx.accountId, id);
  if (invoice) await saveDraft(tx, ctx, invoice, customer);
  await emitEvent(tx, ctx, 'invoiceitem.deleted', invoiceItemWire(item));
  return { id, object: 'invoiceitem', deleted: true };
}

/**
 * Attaches the customer's pending items in the invoice's currency to a new draft
 * (pending_invoice_items_behavior=include). A named `currency` takes only its own items (as
 * Stripe), so a customer with items in two currencies can invoice each.
 */
export async function attachPendingItems(tx: Tx, ctx: RequestContext, invoice: Invoice, currencyGiven: boolean): Promise<void> {
  const pending = await tx.all<InvoiceItem>(TABLE, ctx.accountId, { customer: invoice.customer, invoice: null });
  const others = pending.filter((item) => item.currency !== invoice.currency);
  // Refused rather than left out: the caller asked for the pending items and did not choose this currency.
  if (others.length > 0 && !currencyGiven) {
    const currencies = [...new Set(others.map((item) => item.currency))].sort();
    const listed = others.slice(0, 5).map((item) => item.id).join(', ') + (others.length > 5 ? `, and ${others.length - 5} more` : '');
    throw new ApiError(
      `The customer has pending invoice items in ${currencies.join(', ')} (${listed}), but this invoice would be in ${invoice.currency} and cannot include them. ` +
        `Pass currency=${currencies[0]} to invoice them, or currency=${invoice.currency} to invoice only the ${invoice.currency} items.`,
      { param: 'currency' },
    );
  }
  for (const item of pending) {
    if (item.currency === invoice.currency) await tx.update(TABLE, ctx.accountId, { ...item, invoice: invoice.id });
  }
}
