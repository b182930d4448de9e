// The stored invoice, its wire shape (API 2024-04-10) and the arithmetic checks around it.
import { ApiError, assert } from '../../core/errors.ts';
import { checkInvoiceAmounts, invoiceTotals, type InvoiceStatus } from '../../core/invoice.ts';
import type { ReadTx, StoredObject, Tx } from '../../store/types.ts';
import type { RequestContext } from '../../wire/context.ts';
import { toWire } from '../../wire/wire-object.ts';
import type { Customer } from '../customers/service.ts';
import { creditBalance } from '../customer-balance-transactions/service.ts';
import type { InvoiceItem } from '../invoice-items/service.ts';

export interface LineItem {
  id: string;
  object: 'line_item';
  amount: number;
  invoice_item: string;
  [field: string]: unknown;
}

export interface Invoice extends StoredObject {
  object: 'invoice';
  customer: string;
  currency: string;
  status: InvoiceStatus;
  collection_method: 'charge_automatically' | 'send_invoice';
  number: string | null;
  due_date: number | null;
  subtotal: number;
  total: number;
  starting_balance: number;
  ending_balance: number | null;
  amount_due: number;
  amount_paid: number;
  amount_remaining: number;
  paid: boolean;
  paid_out_of_band: boolean;
  payment_intent: string | null;
  metadata: Record<string, string>;
  lines: { object: 'list'; data: LineItem[]; has_more: boolean; url: string };
  payment_settings: {
    default_mandate: string | null;
    payment_method_options: Record<string, unknown> | null;
    payment_method_types: string[] | null;
  };
  status_transitions: { finalized_at: number | null; marked_uncollectible_at: number | null; paid_at: number | null; voided_at: number | null };
  /** Days after finalization the invoice is due (send_invoice), when given that way. */
  _days_until_due: number | null;
  /** The applied_to_invoice transaction amount (ending − starting balance), undone on void. */
  _applied_credit: number;
}

/** At most this many lines on one invoice, as Stripe. */
export const MAX_LINES = 250;

export function customerBalanceAllowed(invoice: Invoice): boolean {
  return invoice.payment_settings.payment_method_types?.includes('customer_balance') ?? false;
}

export function lineFromItem(item: InvoiceItem, invoiceId: string, ids: (prefix: string) => string): LineItem {
  return {
    id: ids('il'),
    object: 'line_item',
    amount: item.amount,
    amount_excluding_tax: item.amount,
    currency: item.currency,
    description: item.description,
    discount_amounts: [],
    discountable: item.discountable as boolean,
    discounts: [],
    invoice: invoiceId,
    invoice_item: item.id,
    livemode: item.livemode as boolean,
    metadata: { ...item.metadata },
    period: item.period,
    price: null,
    proration: false,
    proration_details: { credited_items: null },
    quantity: item.quantity,
    subscription: null,
    tax_amounts: [],
    tax_rates: [],
    type: 'invoiceitem',
    unit_amount_excluding_tax: item.unit_amount_decimal,
  };
}

/** Sets the amounts of a draft from its lines (before any balance is applied). */
export function setDraftAmounts(invoice: Invoice, currentBalance: number): void {
  const { subtotal, total } = invoiceTotals(invoice.lines.data.map((line) => line.amount));
  Object.assign(invoice, {
    subtotal,
    subtotal_excluding_tax: subtotal,
    total,
    total_excluding_tax: total,
    starting_balance: currentBalance,
    ending_balance: null,
    // A draft may total below zero while it is built (a discount before its item); nothing is due then, and finalizing it is refused (no credit invoices).
    amount_due: Math.max(0, total),
    amount_paid: 0,
    amount_remaining: Math.max(0, total),
  });
  checkInvoice(invoice);
}

/** Rebuilds a draft's lines from the invoice items attached to it, oldest first. */
export async function refreshDraftLines(tx: Tx, ctx: RequestContext, invoice: Invoice, customer: Customer): Promise<void> {
  const items = await tx.all<InvoiceItem>('invoice_items', ctx.accountId, { invoice: invoice.id });
  const existing = new Map(invoice.lines.data.map((line) => [line.invoice_item, line.id]));
  invoice.lines.data = items.map((item) => ({ ...lineFromItem(item, invoice.id, ctx.ids), id: existing.get(item.id) ?? ctx.ids('il') }));
  setDraftAmounts(invoice, creditBalance(customer, invoice.currency));
}

/** Asserts the invariants of an invoice's amounts (src/core/invoice.ts). */
export function checkInvoice(invoice: Invoice): void {
  checkInvoiceAmounts({ ...invoice, lineAmounts: invoice.lines.data.map((line) => line.amount) });
}

/** The wire shape; a draft shows the customer's current balance as its starting balance. */
export async function presentInvoice(tx: ReadTx, ctx: RequestContext, invoice: Invoice): Promise<Record<string, unknown>> {
  const wire = toWire(invoice);
  if (invoice.status === 'draft') {
    const customer = await tx.get<Customer>('customers', ctx.accountId, invoice.customer);
    wire.starting_balance = customer ? creditBalance(customer, invoice.currency) : 0;
  }
  return wire;
}

export function deletedInvoice(id: string): Record<string, unknown> {
  return { id, object: 'invoice', deleted: true };
}

/** GET /v1/invoices/:id/lines: the invoice's lines in order, paged with Stripe's cursors. */
export function linesPage(invoice: Invoice, params: { limit?: number; starting_after?: string; ending_before?: string }): Record<string, unknown> {
  const lines = invoice.lines.data;
  const limit = params.limit ?? 10;
  const cursor = params.starting_after ?? params.ending_before;
  const at = cursor === undefined ? -1 : lines.findIndex((line) => line.id === cursor);
  if (cursor !== undefined && at < 0) {
    throw new ApiError(`No such line item: '${cursor}'`, { status: 404, code: 'resource_missing', param: params.starting_after !== undefined ? 'starting_after' : 'ending_before' });
  }
  let data: LineItem[];
  let hasMore: boolean;
  if (params.ending_before !== undefined) {
    data = lines.slice(Math.max(0, at - limit), at);
    hasMore = at - limit > 0;
  } else {
    data = lines.slice(at + 1, at + 1 + limit);
    hasMore = at + 1 + limit < lines.length;
  }
  return { object: 'list', data, has_more: hasMore, url: invoice.lines.url };
}

/**
 * Marks an open invoice paid in full (amount_paid = amount_due; for a too-small/too-large amount
 * the credit balance settles it, so the amounts still add up). The caller persists and emits.
 */
export function markPaid(invoice: Invoice, now: number, outOfBand = false): void {
  assert(invoice.status === 'open' || invoice.status === 'uncollectible', `cannot pay a ${invoice.status} invoice`);
  invoice.status = 'paid';
  invoice.paid = true;
  invoice.paid_out_of_band = outOfBand;
  invoice.amount_paid = invoice.amount_due;
  invoice.amount_remaining = 0;
  invoice.attempted = true;
  invoice.next_payment_attempt = null;
  invoice.status_transitions.paid_at = now;
  checkInvoice(invoice);
}
